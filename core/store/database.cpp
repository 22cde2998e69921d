#include "store/database.h"

#include "store/damage.h"
#include "store/pg/pgconnection.h"
#include "store/pg/pgquery.h"
#include "store/statement.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>

namespace flywheel {

/// What the hooks of one connection share; on the heap, so that moving a Database keeps it in place.
struct ConnectionHooks {
    QString path;
    int busyTimeoutMs = 10000;
    bool committed = false;
};

namespace {

// Connections of this process that have committed a write and are still open, and the most there
// have been at once: the studio's policy is one.
std::atomic_int g_openWriters{0};
std::atomic_int g_peakWriters{0};

void countWriter()
{
    const int open = ++g_openWriters;
    int peak = g_peakWriters.load();
    while (open > peak && !g_peakWriters.compare_exchange_weak(peak, open)) {
    }
}

// A checkpoint every 64 MB of WAL (4096 pages of 16 KB) rather than SQLite's 1000 pages; past four
// times that, it waits a little for the write lock instead of trying once.
constexpr int kCheckpointFrames = 4096;
constexpr int kBacklogFrames = 4 * kCheckpointFrames;
constexpr int kBacklogWaitMs = 100;

// FULL and TRUNCATE checkpoints hold the WAL write lock from start to end, and resetting the WAL
// needs that lock: so no writer can reset the WAL under a checkpoint, which is the race of SQLite
// 3.7.0 to 3.51.2 (Debian 12 ships 3.40.1). Frames that readers still need are left for the next
// one, which is what a passive checkpoint would do too.
bool checkpoint(sqlite3 *db, int mode, int waitMs, int busyTimeoutMs)
{
    sqlite3_busy_timeout(db, waitMs);
    int logFrames = 0, copiedFrames = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, mode, &logFrames, &copiedFrames);
    sqlite3_busy_timeout(db, busyTimeoutMs);
    return rc == SQLITE_OK && logFrames == copiedFrames;
}

int checkpointAfterCommit(void *context, sqlite3 *db, const char *, int frames)
{
    auto *hooks = static_cast<ConnectionHooks *>(context);
    if (!std::exchange(hooks->committed, true))
        countWriter();
    if (frames >= kCheckpointFrames)
        checkpoint(db, SQLITE_CHECKPOINT_FULL, frames >= kBacklogFrames ? kBacklogWaitMs : 0,
                   hooks->busyTimeoutMs);
    // The commit has happened whatever the checkpoint did; a busy one is retried after the next commit.
    return SQLITE_OK;
}

// Non-zero turns the commit into a rollback: nothing is written over a file known to be damaged.
int refuseCommitToDamagedFile(void *context)
{
    return damage::isDamaged(static_cast<ConnectionHooks *>(context)->path) ? 1 : 0;
}

} // namespace

Error connectionError(sqlite3 *db)
{
    const int code = sqlite3_extended_errcode(db);
    const char *file = sqlite3_db_filename(db, "main");
    const QString path = QString::fromUtf8(file ? file : "");
    if (code == SQLITE_CONSTRAINT_COMMITHOOK && damage::isDamaged(path))
        return Error{damage::refusalMessage(path)};
    const QString message = QString::fromUtf8(sqlite3_errmsg(db));
    if (damage::isDamageCode(code) && !path.isEmpty())
        damage::report(path, message);
    return Error{message};
}

Database::Database(sqlite3 *db, std::unique_ptr<ConnectionHooks> hooks)
    : m_db(db)
    , m_hooks(std::move(hooks))
{}

Database::Database(std::shared_ptr<PgConnection> pg)
    : m_pg(std::move(pg))
{}

Database::Database() = default;

Database::~Database()
{
    close();
}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_hooks(std::move(other.m_hooks))
    , m_pg(std::move(other.m_pg))
{}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_hooks = std::move(other.m_hooks);
        m_pg = std::move(other.m_pg);
    }
    return *this;
}

void Database::close()
{
    m_pg.reset();
    if (!m_db)
        return;
    // SQLite's own checkpoint on close is off (see open()); a connection that wrote leaves the WAL
    // copied and empty when no reader needs it any more.
    if (m_hooks->committed && !inTransaction())
        checkpointAndTruncate();
    if (m_hooks->committed)
        --g_openWriters;
    sqlite3_close_v2(m_db);
    m_db = nullptr;
}

int Database::openWriters()
{
    return g_openWriters.load();
}

int Database::peakWriters()
{
    return g_peakWriters.load();
}

void Database::resetPeakWriters()
{
    g_peakWriters = g_openWriters.load();
}

void Database::setBusyTimeout(int ms)
{
    if (m_pg) {
        // A row or table lock another session holds is waited for this long, then reported.
        (void)exec(QStringLiteral("SET lock_timeout = %1").arg(ms).toUtf8().constData());
        return;
    }
    m_hooks->busyTimeoutMs = ms;
    sqlite3_busy_timeout(m_db, ms);
}

bool Database::checkpointAndTruncate()
{
    if (m_pg)
        return true; // the server checkpoints its own WAL
    return checkpoint(m_db, SQLITE_CHECKPOINT_TRUNCATE, 0, m_hooks->busyTimeoutMs);
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
    auto hooks = std::make_unique<ConnectionHooks>();
    const char *file = sqlite3_db_filename(db, "main");
    hooks->path = QString::fromUtf8(file ? file : "");
    // Closing checkpoints and deletes the WAL when SQLite believes no other connection is open, which
    // it judges from POSIX locks: locks that any close() of the file in the other process (a file
    // dialog reading its first bytes) silently drops. So no connection of ours does that; writers
    // empty the WAL on close with a checkpoint that respects everyone's locks (close()).
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_wal_autocheckpoint(db, 0);
    sqlite3_wal_hook(db, checkpointAfterCommit, hooks.get());
    sqlite3_commit_hook(db, refuseCommitToDamagedFile, hooks.get());
    // Wait for other connections from the first statement on: reading the header of a WAL store
    // that another connection is recovering or checkpointing is otherwise refused as busy. Store
    // sets the timeout it was asked for right after.
    sqlite3_busy_timeout(db, hooks->busyTimeoutMs);
    return Database(db, std::move(hooks));
}

Result<Database> Database::connect(const QString &uri, const QString &schema)
{
    auto connection = PgConnection::connect(uri, schema);
    if (!connection)
        return connection.error();
    return Database(std::shared_ptr<PgConnection>(std::move(*connection)));
}

Status Database::exec(const char *sql)
{
    if (m_pg)
        return m_pg->exec(sql);
    char *message = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        sqlite3_free(message);
        return connectionError(m_db);
    }
    return {};
}

Status Database::beginWrite()
{
    return exec(m_pg ? "BEGIN" : "BEGIN IMMEDIATE");
}

Result<Statement> Database::prepare(const char *sql)
{
    if (m_pg) {
        std::vector<bool> used;
        std::string text = postgresPlaceholders(sql, &used);
        auto query = std::make_unique<PgQuery>(m_pg, std::move(text), std::move(used));
        if (Status s = query->prepare(); !s)
            return s.error();
        return Statement(std::move(query));
    }
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
        return connectionError(m_db);
    return Statement(m_db, stmt);
}

Result<qint64> Database::queryInt(const char *sql, std::initializer_list<SqlValue> args)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.error();
    int index = 0;
    for (const SqlValue &arg : args)
        std::visit([&](const auto &value) { stmt->bind(++index, value); }, arg);
    auto row = stmt->step();
    if (!row)
        return row.error();
    if (!*row)
        return Error{QStringLiteral("query returned no row")};
    return stmt->columnInt(0);
}

QString Database::lastErrorMessage() const
{
    if (m_pg)
        return m_pg->lastErrorMessage();
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

bool Database::inTransaction() const
{
    if (m_pg)
        return m_pg->inTransaction();
    return sqlite3_get_autocommit(m_db) == 0;
}

qint64 Database::lastInsertRowId() const
{
    if (m_pg) {
        // The value the session's last identity default drew: the row an INSERT just added.
        auto stmt = const_cast<Database *>(this)->prepare("SELECT lastval()");
        auto row = stmt ? stmt->step() : Result<bool>(stmt.error());
        return row && *row ? stmt->columnInt(0) : 0;
    }
    return sqlite3_last_insert_rowid(m_db);
}

void Database::setLastInsertRowId(qint64 rowId)
{
    if (m_pg)
        return; // PostgreSQL callers read the ids an INSERT … RETURNING gives
    sqlite3_set_last_insert_rowid(m_db, rowId);
}

int Database::changes() const
{
    if (m_pg)
        return m_pg->lastChanges();
    return sqlite3_changes(m_db);
}

Transaction::Transaction(Database &db, Kind kind)
    : m_db(db)
{
    if (db.isPostgres()) {
        // Row locks order PostgreSQL's writers; there is no database-wide write lock to take early.
        m_begin = m_db.exec("BEGIN");
        m_active = m_begin.ok();
        return;
    }
    if (const char *file = sqlite3_db_filename(db.handle(), "main");
        file && damage::isDamaged(QString::fromUtf8(file))) {
        m_begin = Error{damage::refusalMessage(QString::fromUtf8(file))};
        return;
    }
    m_begin = kind == Kind::Immediate ? m_db.beginWrite() : m_db.exec("BEGIN");
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
