#pragma once

#include "store/database.h"
#include "util/result.h"

#include <QString>

#include <functional>
#include <string_view>

namespace flywheel {

/// A Flywheel Studio store: one SQLite file in WAL mode with foreign keys on, or a schema of a
/// PostgreSQL database (a `postgresql://` location, StoreLocation) shared by a team.
///
/// Opening checks the file before writing anything: a file that is not SQLite, a SQLite database
/// of another application, or a store from a newer Flywheel Studio is refused and left untouched.
/// An older store is migrated, one transaction per step. Each thread opens its own Store; SQLite
/// lets one of them write at a time and the busy timeout makes the others wait rather than fail.
class Store final {
public:
    struct Options {
        /// Create the file (and its folder) when it does not exist.
        bool create = true;
        /// Stop migrating at this version; tests use it to build older stores. -1: latest.
        int targetVersion = -1;
        /// How long a statement waits for another connection's write lock.
        int busyTimeoutMs = 10000;
        /// The connection's page cache. Ingest wants a large one; the studio's many readers do not.
        int cacheKb = 65536;
        /// A reader: every write is refused (`query_only`), so it never commits or checkpoints, and
        /// a store that needs an upgrade is refused rather than migrated.
        bool readOnly = false;
    };

    /// Opens the store at @p location: a file path or a PostgreSQL URI.
    static Result<Store> open(const QString &location, const Options &options);
    /// The options of a reader: an existing store, a small page cache, no writes.
    static Options readerOptions();
    static Result<Store> open(const QString &path) { return open(path, Options{}); }

    Store(Store &&) noexcept = default;
    Store &operator=(Store &&) noexcept = default;

    /// The location the store was opened from, as given (a URI may hold a password: never show it).
    const QString &path() const { return m_path; }
    /// The location without passwords, for messages and logs.
    QString displayName() const;
    bool isPostgres() const { return m_db.isPostgres(); }
    Database &db() { return m_db; }
    int schemaVersion() const { return m_schemaVersion; }
    /// The schema version the store had before this open migrated it: 0 for a store it created.
    int openedAtVersion() const { return m_openedAtVersion; }

    /// The id of the named source (the namespace of external ids), created on first use.
    Result<qint64> sourceId(std::string_view name);

private:
    Store(QString path, Database db, int schemaVersion, int openedAtVersion);
    static Result<Store> openOnServer(const QString &location, const Options &options);
    static Status migrate(Database &db, int from, int to);
    static Status migrateOnServer(Database &db, int to);

    QString m_path;
    Database m_db;
    int m_schemaVersion = 0;
    int m_openedAtVersion = 0;
};

/// Runs a write on the connection that writes for the whole process and returns its status. Work
/// that reads on a connection of its own (curation on a studio's reader) takes its writes there, so
/// a process that has one writer keeps it (docs/reliability.md, "Connections and checkpoints").
using WriteTurn = std::function<Status(const std::function<Status(Store &)> &write)>;

/// Milliseconds since the epoch, UTC: the unit of every time column.
qint64 currentTimeMs();

} // namespace flywheel
