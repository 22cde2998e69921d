#include "store/database.h"

#include "store/statement.h"

#include <sqlite3.h>

#include <mutex>

namespace flywheel {

Database::~Database()
{
    close();
}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
{}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
    }
    return *this;
}

void Database::close()
{
    if (m_db) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
    }
}

Result<Database> Database::open(const QString &path, OpenMode mode)
{
    // Memory statistics take a global mutex on every allocation; nothing here reads them. This
    // must happen before SQLite initialises, so once per process, before the first connection.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });

    const int flags =
        (mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString reason =
            db ? QString::fromUtf8(sqlite3_errmsg(db)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return Error{QStringLiteral("cannot open %1: %2").arg(path, reason)};
    }
    // Wait for other connections from the first statement on: reading the header of a WAL store
    // that another connection is recovering or checkpointing is otherwise refused as busy. Store
    // sets the timeout it was asked for right after.
    sqlite3_busy_timeout(db, 10000);
    return Database(db);
}

Status Database::exec(const char *sql)
{
    char *message = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        Error error{QString::fromUtf8(message ? message : sqlite3_errmsg(m_db))};
        sqlite3_free(message);
        return error;
    }
    return {};
}

Result<Statement> Database::prepare(const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
        return Error{lastErrorMessage()};
    return Statement(m_db, stmt);
}

Result<qint64> Database::queryInt(const char *sql)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.error();
    auto row = stmt->step();
    if (!row)
        return row.error();
    if (!*row)
        return Error{QStringLiteral("query returned no row")};
    return stmt->columnInt(0);
}

QString Database::lastErrorMessage() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

qint64 Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

void Database::setLastInsertRowId(qint64 rowId)
{
    sqlite3_set_last_insert_rowid(m_db, rowId);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

Transaction::Transaction(Database &db, Kind kind)
    : m_db(db)
{
    m_begin = m_db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    m_active = m_begin.ok();
}

Transaction::~Transaction()
{
    if (m_active)
        (void)m_db.exec("ROLLBACK");
}

Status Transaction::commit()
{
    if (!m_active)
        return m_begin.ok() ? Status(Error{QStringLiteral("transaction already finished")}) : m_begin;
    Status status = m_db.exec("COMMIT");
    if (status.ok())
        m_active = false;
    return status;
}

} // namespace flywheel
