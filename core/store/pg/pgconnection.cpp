#include "store/pg/pgconnection.h"

#include "store/storelocation.h"

#include <libpq-fe.h>

#include <QStringList>

namespace flywheel {
namespace {

QString firstLine(const char *message)
{
    QString text = QString::fromUtf8(message ? message : "").trimmed();
    // libpq prefixes "connection to server on socket ... failed: " to the reason.
    const qsizetype failed = text.indexOf(QLatin1String("failed: "));
    if (failed >= 0 && text.startsWith(QLatin1String("connection to server")))
        text = text.mid(failed + 8);
    return text.section(QLatin1Char('\n'), 0, 0).trimmed();
}

QString quoteIdentifier(const QString &name)
{
    QString quoted = name;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

QString explainConnectionFailure(const QString &libpqMessage, const QString &where)
{
    const QString reason = firstLine(libpqMessage.toUtf8().constData());
    auto says = [&](const char *text) {
        return libpqMessage.contains(QLatin1String(text));
    };
    if (says("invalid integer value") || says("invalid URI") || says("invalid connection option") ||
        says("invalid sslmode value") || says("invalid port number"))
        return QStringLiteral("%1 is not a PostgreSQL URI libpq can read: %2; write it as "
                              "postgresql://USER@HOST:PORT/DATABASE")
            .arg(where, reason);
    if (says("password authentication failed") || says("no password supplied"))
        return QStringLiteral(
                   "the PostgreSQL server at %1 refused the login (%2); check the role's password in "
                   "~/.pgpass or $PGPASSWORD")
            .arg(where, reason);
    if (says("does not exist") && says("database"))
        return QStringLiteral("%1: %2; create the database first (`createdb`, docs/team.md)")
            .arg(where, reason);
    if (says("Connection refused") || says("No such file or directory") || says("could not translate host") ||
        says("timeout expired") || says("the database system is starting up") ||
        says("the database system is shutting down") || says("Network is unreachable"))
        return QStringLiteral(
                   "cannot reach the PostgreSQL server at %1 (%2); is it running, and are the host and "
                   "port right?")
            .arg(where, reason);
    if (says("SSL") || says("certificate"))
        return QStringLiteral("no secure connection to %1 (%2); check sslmode and the server's certificate")
            .arg(where, reason);
    return QStringLiteral("cannot connect to %1: %2").arg(where, reason);
}

PgConnection::PgConnection(pg_conn *conn, QString schema)
    : m_conn(conn)
    , m_schema(std::move(schema))
{}

PgConnection::~PgConnection()
{
    PQfinish(m_conn);
}

Status PgConnection::checkUri(const QString &uri)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(uri.toUtf8().constData(), &error);
    if (!options) {
        const QString reason = error ? firstLine(error) : QStringLiteral("out of memory");
        PQfreemem(error);
        return Error{QStringLiteral("%1 is not a PostgreSQL URI libpq can read: %2; write it as "
                                    "postgresql://USER@HOST:PORT/DATABASE")
                         .arg(StoreLocation::redacted(uri), reason)};
    }
    PQconninfoFree(options);
    return {};
}

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const QString &uri, const QString &schema)
{
    if (Status s = checkUri(uri); !s)
        return s.error();
    const QString where = StoreLocation::redacted(uri);
    const QByteArray utf8 = uri.toUtf8();
    // The URI goes in as "dbname", which libpq expands; the others are defaults it may override.
    const char *keys[] = {"dbname", "fallback_application_name", "client_encoding", "connect_timeout",
                          nullptr};
    const char *values[] = {utf8.constData(), "flywheel", "UTF8", "10", nullptr};
    pg_conn *conn = PQconnectdbParams(keys, values, 1);
    if (!conn)
        return Error{QStringLiteral("cannot connect to %1: out of memory").arg(where)};
    if (PQstatus(conn) != CONNECTION_OK) {
        const QString message = QString::fromUtf8(PQerrorMessage(conn));
        PQfinish(conn);
        return Error{explainConnectionFailure(message, where)};
    }
    std::unique_ptr<PgConnection> connection(new PgConnection(conn, schema));
    // Notices (NOTICE: relation exists…) are not for our users' terminals.
    PQsetNoticeProcessor(
        conn, [](void *, const char *) {}, nullptr);
    const QByteArray setup =
        QStringLiteral("SET search_path TO %1; SET TIME ZONE 'UTC'").arg(connection->quotedSchema()).toUtf8();
    if (Status s = connection->exec(setup.constData()); !s)
        return Error{QStringLiteral("cannot set up the connection to %1: %2").arg(where, s.errorMessage())};
    return connection;
}

QString PgConnection::quotedSchema() const
{
    return quoteIdentifier(m_schema);
}

Error PgConnection::resultError(const pg_result *result) const
{
    const char *primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const_cast<PgConnection *>(this)->m_lastSqlState = QString::fromLatin1(state ? state : "");
    QString message = primary ? QString::fromUtf8(primary) : firstLine(PQerrorMessage(m_conn));
    if (PQstatus(m_conn) == CONNECTION_BAD)
        message = QStringLiteral("lost the connection to the PostgreSQL server (%1)").arg(message);
    m_lastError = message;
    return Error{message};
}

Status PgConnection::exec(const char *sql)
{
    PGresult *result = PQexec(m_conn, sql);
    const ExecStatusType status = PQresultStatus(result);
    Status outcome;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        outcome = resultError(result);
    PQclear(result);
    return outcome;
}

bool PgConnection::inTransaction() const
{
    const PGTransactionStatusType status = PQtransactionStatus(m_conn);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

} // namespace flywheel
