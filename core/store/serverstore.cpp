// Store on PostgreSQL: opening a schema of a server's database, refusing what is not a store, and
// the numbered migrations (postgresMigrations(), the same steps as SQLite's).
#include "store/store.h"

#include "store/migrations.h"
#include "store/pg/pgconnection.h"
#include "store/pg/pgmigrations.h"
#include "store/statement.h"
#include "store/storelocation.h"

namespace flywheel {
namespace {

// What is in the store's schema and beside it, read before anything is written.
struct ServerHeader {
    bool schemaExists = false;
    qint64 relations = 0; // tables, views, sequences… in the store's schema
    bool hasStoreInfo = false;
    qint64 applicationId = 0;
    qint64 schemaVersion = 0;
    qint64 foreignTables = 0; // tables of the database outside any Flywheel Studio schema
};

Result<qint64> count(Database &db, const char *sql, const QString &schema)
{
    return db.queryInt(sql, {schema});
}

Result<ServerHeader> readServerHeader(Database &db, const QString &schema)
{
    ServerHeader header;
    auto exists = count(db, "SELECT count(*) FROM pg_namespace WHERE nspname = ?1", schema);
    auto relations =
        exists ? count(db,
                       "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = ?1",
                       schema)
               : exists;
    auto info =
        relations
            ? count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = ?1 AND tablename = 'store_info'",
                    schema)
            : relations;
    auto foreign =
        info ? count(db,
                     "SELECT count(*) FROM pg_tables t WHERE t.schemaname NOT IN ('pg_catalog', "
                     "'information_schema') AND t.schemaname <> ?1 AND NOT EXISTS (SELECT 1 FROM "
                     "pg_tables s WHERE s.schemaname = t.schemaname AND s.tablename = 'store_info')",
                     schema)
             : info;
    if (!foreign)
        return foreign.error();
    header.schemaExists = *exists > 0;
    header.relations = *relations;
    header.hasStoreInfo = *info > 0;
    header.foreignTables = *foreign;
    if (header.hasStoreInfo) {
        auto stmt = db.prepare("SELECT application_id, schema_version FROM store_info");
        auto row = stmt ? stmt->step() : Result<bool>(stmt.error());
        if (!row)
            return row.error();
        if (*row) {
            header.applicationId = stmt->columnInt(0);
            header.schemaVersion = stmt->columnInt(1);
        }
    }
    return header;
}

// One number for pg_advisory_xact_lock: migrations of one database take turns.
constexpr qint64 kMigrationLock = 0x464C5957'00000001;

Result<qint64> versionUnderLock(Database &db)
{
    auto lock = db.prepare("SELECT pg_advisory_xact_lock(?1)");
    if (!lock)
        return lock.error();
    lock->bind(1, kMigrationLock);
    if (Status s = lock->run(); !s)
        return s.error();
    auto info = db.queryInt("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND "
                            "tablename = 'store_info'");
    if (!info)
        return info.error();
    if (*info == 0)
        return qint64(0);
    return db.queryInt("SELECT schema_version FROM store_info");
}

} // namespace

QString Store::displayName() const
{
    return StoreLocation::redacted(m_path);
}

Result<Store> Store::openOnServer(const QString &location, const Options &options)
{
    const QString where = StoreLocation::redacted(location);
    const QString schema = StoreLocation::schema(location);
    auto db = Database::connect(StoreLocation::connectionUri(location), schema);
    if (!db)
        return db.error();
    auto header = readServerHeader(*db, schema);
    if (!header)
        return Error{QStringLiteral("cannot read %1: %2").arg(where, header.errorMessage())};

    const int latest = latestSchemaVersion();
    const bool blank = header->relations == 0;
    if (!blank && (!header->hasStoreInfo || header->applicationId != kApplicationId))
        return Error{
            QStringLiteral("schema %1 of %2 holds tables of another application, not a Flywheel Studio "
                           "store; it was left unchanged (choose another schema with --schema)")
                .arg(schema, where)};
    if (header->schemaVersion > latest)
        return Error{
            QStringLiteral("%1 was written by a newer Flywheel Studio (schema version %2; this one knows "
                           "up to %3); upgrade Flywheel Studio to open it")
                .arg(where)
                .arg(header->schemaVersion)
                .arg(latest)};
    if (blank && !options.create)
        return Error{
            QStringLiteral("no store in schema %1 of %2; create one with `flywheel init --store URI`")
                .arg(schema, where)};
    if (blank && header->foreignTables > 0)
        return Error{
            QStringLiteral("the database of %1 holds %2 tables of another application; a store gets a "
                           "database of its own, which was left unchanged (docs/team.md)")
                .arg(where)
                .arg(header->foreignTables)};

    db->setBusyTimeout(options.busyTimeoutMs);
    const int target = options.targetVersion < 0 ? latest : qMin(options.targetVersion, latest);
    const int from = int(header->schemaVersion);
    if (from < target && options.readOnly)
        return Error{
            QStringLiteral("%1 needs an upgrade from schema version %2, which a reader cannot make; run "
                           "`flywheel init --store URI`")
                .arg(where)
                .arg(from)};
    if (from < target) {
        if (Status s = migrateOnServer(*db, target); !s)
            return Error{QStringLiteral("cannot upgrade %1 from schema version %2: %3")
                             .arg(where)
                             .arg(from)
                             .arg(s.errorMessage())};
    }
    if (options.readOnly) {
        if (Status s = db->exec("SET default_transaction_read_only = on"); !s)
            return Error{QStringLiteral("cannot configure %1: %2").arg(where, s.errorMessage())};
    }
    return Store(location, std::move(*db), qMax(from, target), from);
}

Status Store::migrateOnServer(Database &db, int to)
{
    const auto steps = postgresMigrations();
    PgConnection *pg = db.postgres();
    const QByteArray createSchema =
        QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1").arg(pg->quotedSchema()).toUtf8();
    for (int version = 0; version < to; ++version) {
        Transaction transaction(db);
        if (!transaction.beginStatus().ok())
            return transaction.beginStatus();
        // Two processes may open a blank or old store at once: the second finds the step done.
        auto current = versionUnderLock(db);
        if (!current)
            return current.error();
        if (*current > version)
            continue;
        if (Status s = db.exec(createSchema.constData()); !s)
            return s;
        if (Status s = db.exec(steps[size_t(version)].sql); !s)
            return Error{QStringLiteral("step %1 (%2): %3")
                             .arg(version + 1)
                             .arg(QString::fromUtf8(steps[size_t(version)].summary), s.errorMessage())};
        auto stamp = db.prepare("UPDATE store_info SET schema_version = ?1");
        if (!stamp)
            return stamp.error();
        stamp->bind(1, qint64(version + 1));
        if (Status s = stamp->run(); !s)
            return s;
        if (Status s = transaction.commit(); !s)
            return s;
    }
    return {};
}

} // namespace flywheel
