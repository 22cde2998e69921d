#include "store/pg/pgcopy.h"

#include "store/pg/pgconnection.h"

#include <libpq-fe.h>

namespace flywheel {
namespace {

constexpr qsizetype kFlushBytes = 1 << 20;

// COPY's text format: backslash escapes for the bytes that delimit rows and columns.
void appendText(QByteArray &out, const QByteArray &text)
{
    for (const char c : text) {
        switch (c) {
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            out.append(c);
        }
    }
}

// bytea's hex input ("\x0a1b"), its backslash escaped for COPY.
void appendBytea(QByteArray &out, const QByteArray &bytes)
{
    out.append("\\\\x");
    out.append(bytes.toHex());
}

} // namespace

PgCopyIn::PgCopyIn(PgConnection &connection, const QString &table, const QStringList &columns,
                   std::vector<bool> byteaColumns)
    : m_connection(connection)
    , m_table(table)
    , m_columns(columns)
    , m_bytea(std::move(byteaColumns))
{
    m_bytea.resize(size_t(m_columns.size()), false);
}

PgCopyIn::~PgCopyIn()
{
    if (m_open) {
        PQputCopyEnd(m_connection.handle(), "cancelled");
        while (PGresult *result = PQgetResult(m_connection.handle()))
            PQclear(result);
    }
}

Status PgCopyIn::begin()
{
    const QByteArray sql =
        QStringLiteral("COPY %1 (%2) FROM STDIN").arg(m_table, m_columns.join(QStringLiteral(", "))).toUtf8();
    PGresult *result = PQexec(m_connection.handle(), sql.constData());
    Status status;
    if (PQresultStatus(result) != PGRES_COPY_IN)
        status = m_connection.resultError(result);
    PQclear(result);
    m_open = status.ok();
    return status;
}

Status PgCopyIn::addRow(const std::vector<SqlCell> &row)
{
    for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0)
            m_buffer.append('\t');
        const SqlCell &cell = row[i];
        switch (cell.kind) {
        case SqlCell::Kind::Null:
            m_buffer.append("\\N");
            break;
        case SqlCell::Kind::Integer:
            m_buffer.append(QByteArray::number(cell.integer));
            break;
        case SqlCell::Kind::Real:
            m_buffer.append(QByteArray::number(cell.real, 'g', 17));
            break;
        case SqlCell::Kind::Text:
        case SqlCell::Kind::Blob:
            if (i < m_bytea.size() && m_bytea[i])
                appendBytea(m_buffer, cell.bytes);
            else
                appendText(m_buffer, cell.bytes);
            break;
        }
    }
    m_buffer.append('\n');
    return m_buffer.size() >= kFlushBytes ? flush() : Status{};
}

Status PgCopyIn::flush()
{
    if (!m_buffer.isEmpty() &&
        PQputCopyData(m_connection.handle(), m_buffer.constData(), int(m_buffer.size())) != 1)
        return m_connection.resultError(nullptr);
    m_buffer.clear();
    return {};
}

Status PgCopyIn::finish()
{
    if (Status s = flush(); !s)
        return s;
    m_open = false;
    if (PQputCopyEnd(m_connection.handle(), nullptr) != 1)
        return m_connection.resultError(nullptr);
    Status status;
    while (PGresult *result = PQgetResult(m_connection.handle())) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK && status.ok())
            status = m_connection.resultError(result);
        PQclear(result);
    }
    return status;
}

} // namespace flywheel
