#include "metrics/storestats.h"

#include "store/statement.h"
#include "store/store.h"

#include <QHash>

#include <algorithm>

namespace flywheel {
namespace {

// Counts per key, largest first.
QList<CountBy> sortedCounts(const QHash<QString, qint64> &counts)
{
    QList<CountBy> list;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        list.append(CountBy{it.key(), it.value()});
    std::sort(list.begin(), list.end(), [](const CountBy &a, const CountBy &b) {
        return a.count != b.count ? a.count > b.count : a.key < b.key;
    });
    return list;
}

Result<QHash<qint64, QString>> sourceNames(Database &db)
{
    auto statement = db.prepare("SELECT id, name FROM sources");
    if (!statement)
        return statement.error();
    QHash<qint64, QString> names;
    for (;;) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            return names;
        names.insert(statement->columnInt(0), statement->columnText(1));
    }
}

// Every breakdown comes from one grouped scan of the interactions: at a million rows each scan
// costs about a second, and the groups are few (sources x versions x categories x outcomes).
Status addBreakdowns(Database &db, StoreStats &stats)
{
    auto names = sourceNames(db);
    if (!names)
        return names.error();
    auto statement = db.prepare("SELECT source_id, coalesce(model_name, '?') || ' ' || "
                                "coalesce(model_version, '?'), category, outcome, "
                                "count(*), min(ts), max(ts) FROM interactions GROUP BY source_id, "
                                "model_name, model_version, category, "
                                "outcome");
    if (!statement)
        return statement.error();
    QHash<QString, qint64> bySource, byOutcome, byCategory;
    QHash<QString, VersionOutcomes> versions;
    QHash<QString, qint64> versionFirstSeen;
    for (;;) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const QString version = statement->columnText(1);
        const QString category = statement->isNull(2) ? QStringLiteral("(none)") : statement->columnText(2);
        const QString outcome = statement->columnText(3);
        const qint64 count = statement->columnInt(4);
        const qint64 first = statement->columnInt(5);
        const qint64 last = statement->columnInt(6);

        bySource[names->value(statement->columnInt(0))] += count;
        byOutcome[outcome] += count;
        byCategory[category] += count;
        VersionOutcomes &v = versions[version];
        v.version = version;
        v.interactions += count;
        v.accepted += outcome == QLatin1String("accepted") ? count : 0;
        v.edited += outcome == QLatin1String("edited") ? count : 0;
        v.rejected +=
            outcome == QLatin1String("regenerated") || outcome == QLatin1String("abandoned") ? count : 0;
        auto seen = versionFirstSeen.find(version);
        if (seen == versionFirstSeen.end())
            versionFirstSeen.insert(version, first);
        else
            *seen = qMin(*seen, first);
        stats.firstTimestampMs = stats.interactions == 0 ? first : qMin(stats.firstTimestampMs, first);
        stats.lastTimestampMs = qMax(stats.lastTimestampMs, last);
        stats.interactions += count;
    }

    stats.bySource = sortedCounts(bySource);
    stats.byOutcome = sortedCounts(byOutcome);
    stats.byCategory = sortedCounts(byCategory);
    stats.outcomesByModelVersion = versions.values();
    std::sort(stats.outcomesByModelVersion.begin(), stats.outcomesByModelVersion.end(),
              [&](const VersionOutcomes &a, const VersionOutcomes &b) {
                  return versionFirstSeen.value(a.version) < versionFirstSeen.value(b.version);
              });
    for (const VersionOutcomes &v : std::as_const(stats.outcomesByModelVersion))
        stats.byModelVersion.append(CountBy{v.version, v.interactions});
    return {};
}

} // namespace

Result<StoreStats> loadStoreStats(Store &store)
{
    Database &db = store.db();
    // One read transaction, so every figure describes the same moment even while a writer works.
    Transaction snapshot(db, Transaction::Kind::Deferred);
    StoreStats stats;
    stats.schemaVersion = store.schemaVersion();

    const std::pair<qint64 *, const char *> scalars[] = {
        {&stats.feedbackEvents, "SELECT count(*) FROM feedback_events"},
        {&stats.corrections, "SELECT count(*) FROM corrections"},
        {&stats.quarantined, "SELECT count(*) FROM quarantine"},
        {&stats.eventsAwaitingInteraction,
         "SELECT (SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL) + "
         "(SELECT count(*) FROM corrections WHERE interaction_id IS NULL)"},
        {&stats.sessions, "SELECT count(DISTINCT session_id) FROM interactions"},
        {&stats.interactionsWithFeedback, "SELECT count(DISTINCT interaction_id) FROM feedback_events"},
        {&stats.interactionsWithCorrection, "SELECT count(DISTINCT interaction_id) FROM corrections"},
    };
    for (const auto &[target, sql] : scalars) {
        auto value = db.queryInt(sql);
        if (!value)
            return value.error();
        *target = *value;
    }
    if (Status s = addBreakdowns(db, stats); !s)
        return s.error();
    return stats;
}

} // namespace flywheel
