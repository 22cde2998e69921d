#include "store/pg/pgquery.h"

#include "store/pg/pgconnection.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace flywheel {
namespace {

// Type oids of pg_type, stable since PostgreSQL 7.
enum : Oid {
    kBool = 16,
    kBytea = 17,
    kInt8 = 20,
    kInt2 = 21,
    kInt4 = 23,
    kOid = 26,
    kFloat4 = 700,
    kFloat8 = 701,
    kNumeric = 1700
};

// Skips a quoted run (string literal or identifier) starting at sql[i]; returns the index after it.
size_t skipQuoted(std::string_view sql, size_t i)
{
    const char quote = sql[i];
    for (++i; i < sql.size(); ++i) {
        if (sql[i] == quote) {
            if (i + 1 < sql.size() && sql[i + 1] == quote)
                ++i; // a doubled quote stays inside
            else
                return i + 1;
        }
    }
    return i;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return 0;
}

} // namespace

std::string postgresPlaceholders(const char *text, std::vector<bool> *used)
{
    const std::string_view sql(text);
    std::string out;
    out.reserve(sql.size() + 8);
    int sequential = 0;
    for (size_t i = 0; i < sql.size();) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            const size_t end = skipQuoted(sql, i);
            out.append(sql.substr(i, end - i));
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const size_t end = std::min(sql.find('\n', i), sql.size());
            out.append(sql.substr(i, end - i));
            i = end;
        } else if (c == '?') {
            size_t digits = i + 1;
            while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9')
                ++digits;
            const int index = digits == i + 1
                                  ? ++sequential
                                  : std::atoi(std::string(sql.substr(i + 1, digits - i - 1)).c_str());
            out.push_back('$');
            out.append(std::to_string(index));
            if (used && index > 0) {
                if (used->size() < size_t(index))
                    used->resize(size_t(index), false);
                (*used)[size_t(index - 1)] = true;
            }
            i = digits;
        } else {
            out.push_back(c);
            ++i;
        }
    }
    return out;
}

PgQuery::PgQuery(std::shared_ptr<PgConnection> connection, std::string sql, std::vector<bool> used)
    : m_owner(std::move(connection))
    , m_connection(*m_owner)
    , m_sql(std::move(sql))
    , m_used(std::move(used))
{}

PgQuery::~PgQuery()
{
    PQclear(m_result);
    if (m_prepared && PQstatus(m_connection.handle()) == CONNECTION_OK &&
        PQtransactionStatus(m_connection.handle()) != PQTRANS_INERROR) {
        const QByteArray deallocate = "DEALLOCATE " + m_name;
        PQclear(PQexec(m_connection.handle(), deallocate.constData()));
    }
}

Status PgQuery::prepare()
{
    m_name = m_connection.nextStatementName();
    // Queries number their parameters by meaning and may leave some out (the review queue's filters):
    // PostgreSQL cannot type a parameter the SQL does not name, so those are declared text.
    std::vector<Oid> types(m_used.size(), 0);
    for (size_t i = 0; i < m_used.size(); ++i)
        types[i] = m_used[i] ? 0 : 25;
    PGresult *result = PQprepare(m_connection.handle(), m_name.constData(), m_sql.c_str(), int(types.size()),
                                 types.empty() ? nullptr : types.data());
    Status status;
    if (PQresultStatus(result) != PGRES_COMMAND_OK) {
        Error error = m_connection.resultError(result);
        // For whoever ports a query: which one PostgreSQL refused.
        if (qEnvironmentVariableIsSet("FLYWHEEL_SHOW_SQL"))
            error.message += QStringLiteral(" in: %1").arg(QString::fromStdString(m_sql).simplified());
        status = error;
    }
    PQclear(result);
    if (!status)
        return status;
    PGresult *description = PQdescribePrepared(m_connection.handle(), m_name.constData());
    if (PQresultStatus(description) == PGRES_COMMAND_OK)
        m_parameterCount = PQnparams(description);
    PQclear(description);
    m_prepared = true;
    m_parameters.resize(size_t(m_parameterCount));
    return {};
}

PgQuery::Parameter *PgQuery::parameter(int index)
{
    if (index < 1 || index > m_parameterCount) {
        if (!m_bindError)
            m_bindError =
                Error{QStringLiteral("cannot bind parameter ?%1 of \"%2\": column index out of range")
                          .arg(index)
                          .arg(QString::fromStdString(m_sql).simplified().left(80))};
        return nullptr;
    }
    return &m_parameters[size_t(index - 1)];
}

void PgQuery::bindNull(int index)
{
    if (Parameter *p = parameter(index))
        *p = Parameter{};
}

void PgQuery::bindText(int index, std::string_view utf8)
{
    if (Parameter *p = parameter(index))
        *p = Parameter{std::string(utf8), false, false};
}

void PgQuery::bindInt(int index, qint64 value)
{
    if (Parameter *p = parameter(index))
        *p = Parameter{std::to_string(value), false, false};
}

void PgQuery::bindDouble(int index, double value)
{
    Parameter *p = parameter(index);
    if (!p)
        return;
    if (std::isnan(value))
        *p = Parameter{"NaN", false, false};
    else if (std::isinf(value))
        *p = Parameter{value > 0 ? "Infinity" : "-Infinity", false, false};
    else
        *p = Parameter{QByteArray::number(value, 'g', 17).toStdString(), false, false};
}

void PgQuery::bindBlob(int index, const void *data, int size)
{
    if (Parameter *p = parameter(index))
        *p = Parameter{std::string(static_cast<const char *>(data), size_t(qMax(0, size))), false, true};
}

Result<bool> PgQuery::execute()
{
    std::vector<const char *> values(m_parameters.size());
    std::vector<int> lengths(m_parameters.size());
    std::vector<int> formats(m_parameters.size());
    for (size_t i = 0; i < m_parameters.size(); ++i) {
        values[i] = m_parameters[i].null ? nullptr : m_parameters[i].value.c_str();
        lengths[i] = int(m_parameters[i].value.size());
        formats[i] = m_parameters[i].binary ? 1 : 0;
    }
    m_result = PQexecPrepared(m_connection.handle(), m_name.constData(), int(values.size()), values.data(),
                              lengths.data(), formats.data(), 0);
    const ExecStatusType status = PQresultStatus(m_result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        Error e = m_connection.resultError(m_result);
        PQclear(m_result);
        m_result = nullptr;
        return e;
    }
    const char *changed = PQcmdTuples(m_result);
    if (changed && *changed)
        m_connection.setLastChanges(std::atoi(changed));
    m_row = -1;
    return true;
}

Result<bool> PgQuery::step()
{
    if (m_bindError)
        return *m_bindError;
    if (!m_result) {
        Result<bool> executed = execute();
        if (!executed)
            return executed.error();
    }
    ++m_row;
    return m_row < PQntuples(m_result);
}

void PgQuery::reset()
{
    PQclear(m_result);
    m_result = nullptr;
    m_row = -1;
}

void PgQuery::clearBindings()
{
    for (Parameter &p : m_parameters)
        p = Parameter{};
    m_bindError.reset();
}

QString PgQuery::columnName(int column) const
{
    return m_result ? QString::fromUtf8(PQfname(m_result, column)) : QString();
}

unsigned PgQuery::columnTypeOid(int column) const
{
    return m_result ? PQftype(m_result, column) : 0;
}

int PgQuery::columnCount() const
{
    return m_result ? PQnfields(m_result) : 0;
}

bool PgQuery::isNull(int column) const
{
    return !m_result || m_row < 0 || m_row >= PQntuples(m_result) || PQgetisnull(m_result, m_row, column);
}

int PgQuery::columnType(int column) const
{
    if (isNull(column))
        return SQLITE_NULL;
    switch (PQftype(m_result, column)) {
    case kBool:
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
        return SQLITE_INTEGER;
    case kFloat4:
    case kFloat8:
    case kNumeric:
        return SQLITE_FLOAT;
    case kBytea:
        return SQLITE_BLOB;
    default:
        return SQLITE_TEXT;
    }
}

qint64 PgQuery::columnInt(int column) const
{
    if (isNull(column))
        return 0;
    const char *text = PQgetvalue(m_result, m_row, column);
    if (PQftype(m_result, column) == kBool)
        return text[0] == 't' ? 1 : 0;
    const int length = PQgetlength(m_result, m_row, column);
    qint64 value = 0;
    const auto [end, error] = std::from_chars(text, text + length, value);
    if (error != std::errc() || end != text + length)
        return qint64(std::strtod(text, nullptr)); // numeric or float: SQLite truncates too
    return value;
}

double PgQuery::columnDouble(int column) const
{
    return isNull(column) ? 0.0 : std::strtod(PQgetvalue(m_result, m_row, column), nullptr);
}

std::string_view PgQuery::columnUtf8(int column) const
{
    if (isNull(column))
        return {};
    const char *text = PQgetvalue(m_result, m_row, column);
    // SQLite has no booleans: a comparison is the integer 1 or 0, and reads as text as such.
    if (PQftype(m_result, column) == kBool)
        return text[0] == 't' ? std::string_view("1") : std::string_view("0");
    return {text, size_t(PQgetlength(m_result, m_row, column))};
}

QByteArray PgQuery::columnBlob(int column) const
{
    const std::string_view text = columnUtf8(column);
    if (PQftype(m_result, column) != kBytea)
        return QByteArray(text.data(), qsizetype(text.size()));
    // Text-format bytea is "\x" and two hex digits a byte.
    QByteArray bytes;
    if (text.size() < 2)
        return bytes;
    bytes.resize(qsizetype((text.size() - 2) / 2));
    for (qsizetype i = 0; i < bytes.size(); ++i)
        bytes[i] = char(hexValue(text[size_t(2 + 2 * i)]) << 4 | hexValue(text[size_t(3 + 2 * i)]));
    return bytes;
}

} // namespace flywheel
