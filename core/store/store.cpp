#include "store/store.h"

#include "store/migrations.h"
#include "store/statement.h"
#include "store/storelocation.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStorageInfo>

#include <sqlite3.h>

namespace flywheel {
namespace {

struct Header {
    qint64 applicationId = 0;
    qint64 userVersion = 0;
    qint64 objectCount = 0;
};

// Reads what identifies a store without writing: refusing a file must leave it byte for byte intact.
Result<Header> readHeader(Database &db, const QString &path)
{
    Header header;
    auto appId = db.queryInt("PRAGMA application_id");
    if (!appId) {
        if ((sqlite3_errcode(db.handle()) & 0xff) == SQLITE_NOTADB)
            return Error{
                QStringLiteral("%1 is not a Flywheel Studio store: %2").arg(path, appId.errorMessage())};
        // Reading a store in WAL mode maps its shared-memory file, which needs room on its disk.
        QString message = QStringLiteral("cannot read %1: %2").arg(path, appId.errorMessage());
        const QStorageInfo volume(QFileInfo(path).absolutePath());
        if (volume.isValid() && volume.bytesAvailable() < 1024 * 1024)
            message += QStringLiteral(" (its disk is full: %1 KB free)").arg(volume.bytesAvailable() / 1024);
        return Error{message};
    }
    header.applicationId = *appId;
    auto userVersion = db.queryInt("PRAGMA user_version");
    auto objectCount = userVersion ? db.queryInt("SELECT count(*) FROM sqlite_schema") : userVersion;
    if (!objectCount)
        return Error{QStringLiteral("cannot read %1: %2").arg(path, objectCount.errorMessage())};
    header.userVersion = *userVersion;
    header.objectCount = *objectCount;
    return header;
}

Status configure(Database &db, int busyTimeoutMs, int cacheKb)
{
    db.setBusyTimeout(busyTimeoutMs);
    const QByteArray pragmas = QStringLiteral("PRAGMA journal_mode = WAL;"
                                              "PRAGMA synchronous = FULL;"
                                              "PRAGMA foreign_keys = ON;"
                                              // A batch of ingest touches more pages than the default
                                              // 2 MB cache holds; spilling it costs a third of the time.
                                              "PRAGMA cache_size = -%1;"
                                              // A WAL reset after a checkpoint leaves the file at
                                              // most this long (checkpoints: Database).
                                              "PRAGMA journal_size_limit = 67108864;")
                                   .arg(qMax(1024, cacheKb))
                                   .toUtf8();
    return db.exec(pragmas.constData());
}

} // namespace

qint64 currentTimeMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

Store::Store(QString path, Database db, int schemaVersion, int openedAtVersion)
    : m_path(std::move(path))
    , m_db(std::move(db))
    , m_schemaVersion(schemaVersion)
    , m_openedAtVersion(openedAtVersion)
{}

Result<Store> Store::open(const QString &path, const Options &options)
{
    if (StoreLocation::isServer(path))
        return openOnServer(path, options);
    const QFileInfo info(path);
    if (!info.exists()) {
        if (!options.create)
            return Error{QStringLiteral("no store at %1; create one with `flywheel init` or `flywheel demo`")
                             .arg(path)};
        if (!QDir().mkpath(info.absolutePath()))
            return Error{QStringLiteral("cannot create the folder %1").arg(info.absolutePath())};
    } else if (info.isDir()) {
        return Error{QStringLiteral("%1 is a folder, not a store file").arg(path)};
    }

    auto db = Database::open(path);
    if (!db)
        return db.error();
    auto header = readHeader(*db, path);
    if (!header)
        return header.error();

    const int latest = latestSchemaVersion();
    const bool blank = header->applicationId == 0 && header->userVersion == 0 && header->objectCount == 0;
    if (!blank && header->applicationId != kApplicationId)
        return Error{QStringLiteral("%1 is a SQLite database of another application, not a Flywheel Studio "
                                    "store; it was left unchanged")
                         .arg(path)};
    if (header->userVersion > latest)
        return Error{QStringLiteral("%1 was written by a newer Flywheel Studio (schema version %2; this one "
                                    "knows up to %3); upgrade Flywheel Studio to open it")
                         .arg(path)
                         .arg(header->userVersion)
                         .arg(latest)};

    // Interactions are about a kilobyte: 16 KB pages hold them with less splitting and fewer WAL
    // frames than the default 4 KB, which makes ingest a quarter faster. Only a new file can take it.
    if (blank) {
        if (Status s = db->exec("PRAGMA page_size = 16384"); !s)
            return Error{QStringLiteral("cannot configure %1: %2").arg(path, s.errorMessage())};
    }
    if (Status s = configure(*db, options.busyTimeoutMs, options.cacheKb); !s)
        return Error{QStringLiteral("cannot configure %1: %2").arg(path, s.errorMessage())};

    const int target = options.targetVersion < 0 ? latest : qMin(options.targetVersion, latest);
    const int from = int(header->userVersion);
    if (from < target && options.readOnly)
        return Error{QStringLiteral("%1 needs an upgrade from schema version %2, which a reader cannot make; "
                                    "run `flywheel init --store %1`")
                         .arg(path)
                         .arg(from)};
    if (options.readOnly) {
        if (Status s = db->exec("PRAGMA query_only = ON"); !s)
            return Error{QStringLiteral("cannot configure %1: %2").arg(path, s.errorMessage())};
    }
    if (from < target) {
        if (Status s = migrate(*db, from, target); !s)
            return Error{QStringLiteral("cannot upgrade %1 from schema version %2: %3")
                             .arg(path)
                             .arg(from)
                             .arg(s.errorMessage())};
    }
    return Store(path, std::move(*db), qMax(from, target), from);
}

Store::Options Store::readerOptions()
{
    Options options;
    options.create = false;
    options.cacheKb = 8192;
    options.readOnly = true;
    return options;
}

Status Store::migrate(Database &db, int from, int to)
{
    const auto steps = migrations();
    for (int version = from; version < to; ++version) {
        Transaction transaction(db);
        if (!transaction.beginStatus().ok())
            return transaction.beginStatus();
        if (Status s = db.exec(steps[size_t(version)].sql); !s)
            return Error{QStringLiteral("step %1 (%2): %3")
                             .arg(version + 1)
                             .arg(QString::fromUtf8(steps[size_t(version)].summary), s.errorMessage())};
        // Pragmas take no bound parameters; the values are our own integers.
        const QByteArray stamp = QStringLiteral("PRAGMA application_id = %1; PRAGMA user_version = %2;")
                                     .arg(kApplicationId)
                                     .arg(version + 1)
                                     .toUtf8();
        if (Status s = db.exec(stamp.constData()); !s)
            return s;
        if (Status s = transaction.commit(); !s)
            return s;
    }
    return {};
}

Result<qint64> Store::sourceId(std::string_view name)
{
    auto insert = m_db.prepare("INSERT INTO sources (name, created_at) VALUES (?1, ?2) "
                               "ON CONFLICT (name) DO NOTHING");
    if (!insert)
        return insert.error();
    insert->bind(1, name);
    insert->bind(2, currentTimeMs());
    if (Status s = insert->run(); !s)
        return s.error();
    return m_db.queryInt("SELECT id FROM sources WHERE name = ?1", {name});
}

} // namespace flywheel
