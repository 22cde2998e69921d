#include "metrics/storestats.h"

#include "store/statement.h"
#include "store/store.h"

namespace flywheel {
namespace {

Result<QList<CountBy>> countBy(Database &db, const char *sql)
{
    auto statement = db.prepare(sql);
    if (!statement)
        return statement.error();
    QList<CountBy> counts;
    for (;;) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        counts.append(CountBy{statement->isNull(0) ? QStringLiteral("(none)") : statement->columnText(0),
                              statement->columnInt(1)});
    }
    return counts;
}

Result<QList<VersionOutcomes>> outcomesByVersion(Database &db)
{
    auto statement = db.prepare(
        "SELECT coalesce(model_name, '?') || ' ' || coalesce(model_version, '?'), count(*), "
        "sum(outcome = 'accepted'), sum(outcome = 'edited'), sum(outcome IN ('regenerated', 'abandoned')) "
        "FROM interactions GROUP BY model_name, model_version ORDER BY min(ts)");
    if (!statement)
        return statement.error();
    QList<VersionOutcomes> rows;
    for (;;) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            return rows;
        rows.append(VersionOutcomes{statement->columnText(0), statement->columnInt(1),
                                    statement->columnInt(2), statement->columnInt(3),
                                    statement->columnInt(4)});
    }
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
        {&stats.interactions, "SELECT count(*) FROM interactions"},
        {&stats.feedbackEvents, "SELECT count(*) FROM feedback_events"},
        {&stats.corrections, "SELECT count(*) FROM corrections"},
        {&stats.quarantined, "SELECT count(*) FROM quarantine"},
        {&stats.eventsAwaitingInteraction,
         "SELECT (SELECT count(*) FROM feedback_events WHERE interaction_id IS NULL) + "
         "(SELECT count(*) FROM corrections WHERE interaction_id IS NULL)"},
        {&stats.sessions, "SELECT count(DISTINCT session_id) FROM interactions"},
        {&stats.interactionsWithFeedback, "SELECT count(DISTINCT interaction_id) FROM feedback_events"},
        {&stats.interactionsWithCorrection, "SELECT count(DISTINCT interaction_id) FROM corrections"},
        {&stats.firstTimestampMs, "SELECT coalesce(min(ts), 0) FROM interactions"},
        {&stats.lastTimestampMs, "SELECT coalesce(max(ts), 0) FROM interactions"},
    };
    for (const auto &[target, sql] : scalars) {
        auto value = db.queryInt(sql);
        if (!value)
            return value.error();
        *target = *value;
    }

    const std::pair<QList<CountBy> *, const char *> breakdowns[] = {
        {&stats.byModelVersion,
         "SELECT coalesce(model_name, '?') || ' ' || coalesce(model_version, '?'), count(*) "
         "FROM interactions GROUP BY model_name, model_version ORDER BY min(ts)"},
        {&stats.byOutcome, "SELECT outcome, count(*) FROM interactions GROUP BY outcome ORDER BY 2 DESC"},
        {&stats.byCategory, "SELECT category, count(*) FROM interactions GROUP BY category ORDER BY 2 DESC"},
        {&stats.bySource, "SELECT s.name, (SELECT count(*) FROM interactions i WHERE i.source_id = s.id) "
                          "FROM sources s ORDER BY 2 DESC"},
    };
    for (const auto &[target, sql] : breakdowns) {
        auto counts = countBy(db, sql);
        if (!counts)
            return counts.error();
        *target = std::move(*counts);
    }
    auto outcomes = outcomesByVersion(db);
    if (!outcomes)
        return outcomes.error();
    stats.outcomesByModelVersion = std::move(*outcomes);
    return stats;
}

} // namespace flywheel
