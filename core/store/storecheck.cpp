#include "store/storecheck.h"

#include "store/database.h"
#include "store/migrations.h"
#include "store/statement.h"

#include <QFileInfo>

namespace flywheel {
namespace {

// The value of a one-number query, or 0 where the table does not exist yet (an older schema).
qint64 number(Database &db, const char *sql)
{
    auto value = db.queryInt(sql);
    return value ? *value : 0;
}

} // namespace

Result<StoreHealth> checkStore(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return Error{QStringLiteral("no store at %1").arg(path)};
    auto db = Database::open(path, Database::OpenMode::ReadOnly);
    if (!db)
        return db.error();
    auto applicationId = db->queryInt("PRAGMA application_id");
    if (!applicationId)
        return Error{
            QStringLiteral("%1 is not a SQLite database: %2").arg(path, applicationId.errorMessage())};
    if (*applicationId != kApplicationId)
        return Error{QStringLiteral("%1 is not a Flywheel Studio store").arg(path)};
    StoreHealth health;
    health.schemaVersion = int(number(*db, "PRAGMA user_version"));
    health.latestSchemaVersion = latestSchemaVersion();
    if (health.schemaVersion > health.latestSchemaVersion)
        return Error{QStringLiteral("%1 has schema version %2, newer than this Flywheel Studio's %3")
                         .arg(path)
                         .arg(health.schemaVersion)
                         .arg(health.latestSchemaVersion)};

    auto integrity = db->prepare("PRAGMA integrity_check(20)");
    if (!integrity)
        return integrity.error();
    if (Status s = integrity->forEachRow([&] {
            if (integrity->columnText(0) == QStringLiteral("ok"))
                return;
            for (const QString &line : integrity->columnText(0).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                if (!line.startsWith(QStringLiteral("***")))
                    health.integrityProblems.append(line);
        });
        !s)
        return s.error();
    auto keys = db->prepare("PRAGMA foreign_key_check");
    if (!keys)
        return keys.error();
    if (Status s = keys->forEachRow([&] {
            health.foreignKeyProblems.append(QStringLiteral("%1 row %2 points to a missing %3")
                                                 .arg(keys->columnText(0))
                                                 .arg(keys->columnInt(1))
                                                 .arg(keys->columnText(2)));
            return health.foreignKeyProblems.size() < 20;
        });
        !s)
        return s.error();
    health.eventsAwaitingInteraction =
        number(*db, "SELECT (SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL) + "
                    "(SELECT count(*) FROM corrections WHERE interaction_id IS NULL)");
    health.quarantinedLines = number(*db, "SELECT count(*) FROM quarantine");
    health.quarantinedBytes = number(*db, "SELECT coalesce(sum(raw_bytes), 0) FROM quarantine");
    health.unfinishedRuns = number(*db, "SELECT count(*) FROM ingest_runs WHERE status = 'running'") +
                            number(*db, "SELECT count(*) FROM curation_runs WHERE status = 'running'");
    return health;
}

} // namespace flywheel
