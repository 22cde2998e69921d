#include "store/statement.h"

#include "store/database.h"
#include "store/pg/pgquery.h"

#include <sqlite3.h>

#include <utility>

namespace flywheel {

Statement::Statement() = default;

Statement::Statement(sqlite3 *db, sqlite3_stmt *stmt)
    : m_db(db)
    , m_stmt(stmt)
{}

Statement::Statement(std::unique_ptr<PgQuery> query)
    : m_pg(std::move(query))
{}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_stmt(std::exchange(other.m_stmt, nullptr))
    , m_bindError(std::exchange(other.m_bindError, std::nullopt))
    , m_pg(std::move(other.m_pg))
{}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_bindError = std::exchange(other.m_bindError, std::nullopt);
        m_pg = std::move(other.m_pg);
    }
    return *this;
}

void Statement::checkBind(int rc, int index)
{
    if (rc == SQLITE_OK || m_bindError)
        return;
    m_bindError = Error{QStringLiteral("cannot bind parameter ?%1 of \"%2\": %3")
                            .arg(index)
                            .arg(QString::fromUtf8(sqlite3_sql(m_stmt)).simplified().left(80),
                                 QString::fromUtf8(sqlite3_errstr(rc)))};
}

void Statement::bindNull(int index)
{
    if (m_pg)
        return m_pg->bindNull(index);
    checkBind(sqlite3_bind_null(m_stmt, index), index);
}

void Statement::bind(int index, qint64 value)
{
    if (m_pg)
        return m_pg->bindInt(index, value);
    checkBind(sqlite3_bind_int64(m_stmt, index, value), index);
}

void Statement::bind(int index, double value)
{
    if (m_pg)
        return m_pg->bindDouble(index, value);
    checkBind(sqlite3_bind_double(m_stmt, index, value), index);
}

void Statement::bind(int index, std::string_view utf8)
{
    if (m_pg)
        return m_pg->bindText(index, utf8);
    checkBind(sqlite3_bind_text64(m_stmt, index, utf8.data(), utf8.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
              index);
}

void Statement::bind(int index, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    bind(index, std::string_view(utf8.constData(), size_t(utf8.size())));
}

void Statement::bindBlob(int index, const void *data, int size)
{
    if (m_pg)
        return m_pg->bindBlob(index, data, size);
    checkBind(sqlite3_bind_blob(m_stmt, index, data, size, SQLITE_TRANSIENT), index);
}

void Statement::bind(int index, const std::optional<qint64> &value)
{
    if (value)
        bind(index, *value);
    else
        bindNull(index);
}

void Statement::bind(int index, const std::optional<double> &value)
{
    if (value)
        bind(index, *value);
    else
        bindNull(index);
}

void Statement::bindTextOrNull(int index, std::string_view utf8)
{
    if (utf8.empty())
        bindNull(index);
    else
        bind(index, utf8);
}

void Statement::bindUnowned(int index, std::string_view utf8)
{
    if (m_pg)
        return m_pg->bindText(index, utf8);
    checkBind(sqlite3_bind_text64(m_stmt, index, utf8.data(), utf8.size(), SQLITE_STATIC, SQLITE_UTF8),
              index);
}

void Statement::bindUnownedOrNull(int index, std::string_view utf8)
{
    if (utf8.empty())
        bindNull(index);
    else
        bindUnowned(index, utf8);
}

Result<bool> Statement::step()
{
    if (m_pg)
        return m_pg->step();
    if (m_bindError)
        return *m_bindError;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error e = error();
    sqlite3_reset(m_stmt);
    return e;
}

Status Statement::run()
{
    Result<bool> row = step();
    while (row && *row)
        row = step();
    if (!row)
        return row.error();
    reset();
    return {};
}

void Statement::reset()
{
    if (m_pg) {
        m_pg->reset();
        m_pg->clearBindings();
        return;
    }
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bindError.reset();
}

int Statement::columnType(int column) const
{
    if (m_pg)
        return m_pg->columnType(column);
    return sqlite3_column_type(m_stmt, column);
}

int Statement::parameterCount() const
{
    if (m_pg)
        return m_pg->parameterCount();
    return sqlite3_bind_parameter_count(m_stmt);
}

QString Statement::columnName(int column) const
{
    if (m_pg)
        return m_pg->columnName(column);
    return QString::fromUtf8(sqlite3_column_name(m_stmt, column));
}

int Statement::columnCount() const
{
    if (m_pg)
        return m_pg->columnCount();
    return sqlite3_column_count(m_stmt);
}

bool Statement::isNull(int column) const
{
    if (m_pg)
        return m_pg->isNull(column);
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 Statement::columnInt(int column) const
{
    if (m_pg)
        return m_pg->columnInt(column);
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::columnDouble(int column) const
{
    if (m_pg)
        return m_pg->columnDouble(column);
    return sqlite3_column_double(m_stmt, column);
}

QString Statement::columnText(int column) const
{
    const std::string_view utf8 = columnUtf8(column);
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

std::string_view Statement::columnUtf8(int column) const
{
    if (m_pg)
        return m_pg->columnUtf8(column);
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return text ? std::string_view(text, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
}

QByteArray Statement::columnBlob(int column) const
{
    if (m_pg)
        return m_pg->columnBlob(column);
    const void *data = sqlite3_column_blob(m_stmt, column);
    return QByteArray(static_cast<const char *>(data), sqlite3_column_bytes(m_stmt, column));
}

Error Statement::error() const
{
    return connectionError(m_db);
}

} // namespace flywheel
