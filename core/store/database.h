#pragma once

#include "util/result.h"

#include <QString>

#include <initializer_list>
#include <memory>
#include <string_view>
#include <variant>

struct sqlite3;

namespace flywheel {

class Statement;

/// The connection's last error as a message, recording it when it says the file is damaged.
Error connectionError(sqlite3 *db);

struct ConnectionHooks;
class PgConnection;

/// A value bound to a query's parameter.
using SqlValue = std::variant<qint64, double, std::string_view, QString>;

/// RAII owner of one connection to a store's database: a SQLite file, or a PostgreSQL server
/// (connect()). Not thread-safe: each thread opens its own. Callers use the same calls on both;
/// what differs between the engines is decided here and in Statement, not by them.
///
/// Every connection follows the store's WAL policy (docs/reliability.md, "Connections and
/// checkpoints"): no automatic checkpoint and none on close; a connection that commits runs the
/// checkpoints itself, in a mode that holds the write lock; and once SQLite reports the file damaged
/// no connection of this process commits to it again.
class Database final {
public:
    enum class OpenMode { ReadWrite, ReadOnly };

    Database();
    ~Database();
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Opens (creating when ReadWrite) the file at @p path. Nothing is written to it yet.
    static Result<Database> open(const QString &path, OpenMode mode = OpenMode::ReadWrite);
    /// Connects to the PostgreSQL server at @p uri, working in @p schema.
    static Result<Database> connect(const QString &uri, const QString &schema);

    bool isOpen() const { return m_db != nullptr || m_pg != nullptr; }
    /// The SQLite connection; null on PostgreSQL.
    sqlite3 *handle() const { return m_db; }
    bool isPostgres() const { return m_pg != nullptr; }
    /// The PostgreSQL connection; null on SQLite.
    PgConnection *postgres() const { return m_pg.get(); }

    /// Runs one or more statements that take no parameters (schema scripts, pragmas).
    Status exec(const char *sql);
    /// Opens a write transaction: on SQLite it takes the write lock up front (BEGIN IMMEDIATE), so a
    /// writer waits for another instead of failing at its first write; PostgreSQL locks rows.
    Status beginWrite();
    Result<Statement> prepare(const char *sql);

    /// The integer of a single-value query such as "PRAGMA user_version", whose parameters ?1,
    /// ?2… take @p args. A query that returns no row is an error.
    Result<qint64> queryInt(const char *sql, std::initializer_list<SqlValue> args = {});

    /// How long a statement waits for another connection's lock.
    void setBusyTimeout(int ms);
    /// Checkpoints the whole WAL and truncates it, holding the write lock and waiting for nobody:
    /// what a writer does as it closes. Returns whether every frame was copied.
    bool checkpointAndTruncate();

    /// Connections of this process that have committed a write and are still open (writers), and
    /// the most that were open at once since the last resetPeakWriters().
    static int openWriters();
    static int peakWriters();
    static void resetPeakWriters();

    QString lastErrorMessage() const;
    qint64 lastInsertRowId() const;
    /// Sets the connection's last insert rowid, so a following statement's insert can be recognised.
    void setLastInsertRowId(qint64 rowId);
    int changes() const;
    /// Whether a transaction is open on this connection (BEGIN without COMMIT yet).
    bool inTransaction() const;

private:
    Database(sqlite3 *db, std::unique_ptr<ConnectionHooks> hooks);
    explicit Database(std::shared_ptr<PgConnection> pg);
    void close();

    sqlite3 *m_db = nullptr;
    std::unique_ptr<ConnectionHooks> m_hooks;
    std::shared_ptr<PgConnection> m_pg;
};

/// Commits on this connection stop waiting for the disk while it lives (synchronous = NORMAL, then
/// FULL again): for bulk writers whose work a re-run restores (ingest, curation). A killed process
/// loses nothing committed; a power cut can lose only the last commits.
class SynchronousNormal final {
    Q_DISABLE_COPY_MOVE(SynchronousNormal)

public:
    explicit SynchronousNormal(Database &db)
        : m_db(db)
    {
        // PostgreSQL's counterpart: the commit returns before its WAL reaches the disk.
        (void)m_db.exec(m_db.isPostgres() ? "SET synchronous_commit = off" : "PRAGMA synchronous = NORMAL");
    }
    ~SynchronousNormal()
    {
        (void)m_db.exec(m_db.isPostgres() ? "SET synchronous_commit = on" : "PRAGMA synchronous = FULL");
    }

private:
    Database &m_db;
};

/// Inserts on this connection skip their foreign-key lookups while it lives, on SQLite: for a bulk
/// writer that only writes ids it has just read (curation). PostgreSQL keeps checking them (turning
/// them off takes a superuser), so there it does nothing.
class ForeignKeysUnchecked final {
    Q_DISABLE_COPY_MOVE(ForeignKeysUnchecked)

public:
    explicit ForeignKeysUnchecked(Database &db)
        : m_db(db)
    {
        if (!m_db.isPostgres())
            (void)m_db.exec("PRAGMA foreign_keys = OFF");
    }
    ~ForeignKeysUnchecked()
    {
        if (!m_db.isPostgres())
            (void)m_db.exec("PRAGMA foreign_keys = ON");
    }

private:
    Database &m_db;
};

/// Commits on commit(), rolls back when destroyed uncommitted. BEGIN IMMEDIATE takes the write
/// lock up front so a writer waits for another writer instead of failing at its first write.
class Transaction final {
public:
    enum class Kind { Deferred, Immediate };
    explicit Transaction(Database &db, Kind kind = Kind::Immediate);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    const Status &beginStatus() const { return m_begin; }
    Status commit();

private:
    Database &m_db;
    Status m_begin;
    bool m_active = false;
};

} // namespace flywheel
