#pragma once

#include "util/result.h"

#include <QString>

#include <memory>

struct pg_conn;
struct pg_result;

namespace flywheel {

/// One libpq connection to a PostgreSQL server, its search path set to the store's schema.
/// Not thread-safe: each thread opens its own, as with SQLite.
class PgConnection final {
    Q_DISABLE_COPY_MOVE(PgConnection)

public:
    ~PgConnection();

    /// Connects to @p uri (libpq URI; PG* variables and ~/.pgpass apply) and works in @p schema.
    /// A failure is one line that says what to do, with no password in it.
    static Result<std::unique_ptr<PgConnection>> connect(const QString &uri, const QString &schema);

    /// Whether @p uri is one libpq can read, and why not: checked before connecting.
    static Status checkUri(const QString &uri);

    pg_conn *handle() const { return m_conn; }
    const QString &schema() const { return m_schema; }
    /// The store's schema as a quoted identifier, for SQL text.
    QString quotedSchema() const;

    /// Runs statements without parameters (schema scripts, BEGIN/COMMIT).
    Status exec(const char *sql);

    /// The error of a result that failed: the server's message, one line.
    Error resultError(const pg_result *result) const;
    /// The SQLSTATE of the last failed statement ("" when none): tells a retryable failure apart.
    const QString &lastSqlState() const { return m_lastSqlState; }
    QString lastErrorMessage() const { return m_lastError; }

    /// Rows the last INSERT/UPDATE/DELETE changed.
    int lastChanges() const { return m_lastChanges; }
    void setLastChanges(int changes) { m_lastChanges = changes; }

    bool inTransaction() const;
    /// A name for the next server-side prepared statement, unique on this connection.
    QByteArray nextStatementName() { return "flywheel_" + QByteArray::number(++m_statements); }

private:
    PgConnection(pg_conn *conn, QString schema);

    pg_conn *m_conn = nullptr;
    QString m_schema;
    QString m_lastSqlState;
    mutable QString m_lastError;
    int m_lastChanges = 0;
    qint64 m_statements = 0;
};

/// Explains a failed connection in one line that says what to do: server down, wrong password,
/// missing database, bad TLS. @p libpqMessage is PQerrorMessage(); @p where is the redacted URI.
QString explainConnectionFailure(const QString &libpqMessage, const QString &where);

} // namespace flywheel
