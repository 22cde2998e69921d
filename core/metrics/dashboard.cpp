// The dashboard's time series: volume and quality per bucket and model version, deployments, review
// work and backlog, and the cycle comparison; dashboardcoverage.cpp has coverage and datasets.
// Capture figures come from daily_rollup and flag_rollup (a few thousand rows, rebuilt by each
// curation run); review figures from the reviews table (dashboardreviews.cpp).

#include "metrics/dashboard.h"

#include "metrics/dashboardqueries.h"
#include "store/statement.h"
#include "store/store.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <map>
#include <optional>

namespace flywheel {
namespace dashboard {
namespace {

// Days since 1970-01-01, as the rollups number them.
std::optional<qint64> dayNumber(const QDate &day)
{
    if (!day.isValid())
        return std::nullopt;
    return QDate(1970, 1, 1).daysTo(day);
}

std::string jsonArray(const QStringList &values)
{
    return QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact).toStdString();
}

// Which run the rollups describe, and how much has happened since.
Status loadState(Database &db, DashboardMetrics &m)
{
    auto state = db.prepare(R"sql(
SELECT r.id, coalesce(r.finished_at, r.started_at),
       max(0, (SELECT coalesce(max(id), 0) FROM interactions) - coalesce(r.watermark, 0)),
       (SELECT count(DISTINCT interaction_id) FROM curation_dirty)
FROM curation_state s JOIN curation_runs r ON r.id = s.number
WHERE s.name = 'dashboard_rollup')sql");
    if (!state)
        return state.error();
    return state->forEachRow([&] {
        m.curationRunId = state->columnInt(0);
        m.curatedAtMs = state->columnInt(1);
        m.newInteractions = state->columnInt(2);
        m.changedInteractions = state->columnInt(3);
        return false;
    });
}

Status loadVolumeAndQuality(Database &db, const DashboardFilter &filter, DashboardMetrics &m)
{
    auto rows = prepare(db,
                        QByteArray("SELECT") + kBucket +
                            ", k.model_name, k.model_version, sum(k.interactions), sum(k.accepted), "
                            "sum(k.corrected), sum(k.abandoned), sum(k.thumbed), sum(k.thumbs_up) "
                            "FROM daily_rollup k WHERE" +
                            kFilter + "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                        filter);
    if (!rows)
        return rows.error();
    return rows->forEachRow([&] {
        const qint64 bucket = rows->columnInt(0) * kDayMs, n = rows->columnInt(3);
        const QString model = rows->columnText(1), version = rows->columnText(2);
        m.volume.push_back({bucket, model, version, n});
        m.quality.push_back({bucket, model, version, n, wilsonRate(rows->columnInt(4), n),
                             wilsonRate(rows->columnInt(5), n), wilsonRate(rows->columnInt(6), n),
                             wilsonRate(rows->columnInt(8), rows->columnInt(7))});
    });
}

// Model versions going live inside the range; segments do not apply to them.
constexpr const char *kDeploymentsSql = R"sql(
SELECT k.model_name, k.model_version, k.at, k.recorded
FROM (SELECT model_name, version AS model_version, coalesce(deployed_at, first_seen_at) AS at,
             deployed_at IS NOT NULL AS recorded FROM model_versions) k
WHERE ((k.at - (k.at % 86400000 + 86400000) % 86400000) / 86400000 >= ?1 OR ?1 IS NULL)
  AND ((k.at - (k.at % 86400000 + 86400000) % 86400000) / 86400000 <= ?2 OR ?2 IS NULL)
  AND (?3 = '[]' OR k.model_version IN (SELECT value FROM json_each(?3)))
ORDER BY k.at, k.model_name, k.model_version)sql";

Status loadDeployments(Database &db, const DashboardFilter &filter, DashboardMetrics &m)
{
    auto rows = prepare(db, kDeploymentsSql, filter);
    if (!rows)
        return rows.error();
    return rows->forEachRow([&] {
        m.deployments.push_back(
            {rows->columnText(0), rows->columnText(1), rows->columnInt(2), rows->columnInt(3) != 0});
    });
}

// Flagged interactions per bucket (by their time) and decisions per bucket (by the decision's);
// the backlog: flags minus those whose interaction's latest review is a decision.
Status loadReviewWork(Database &db, const DashboardFilter &filter, const ReviewFigures &reviews,
                      DashboardMetrics &m)
{
    auto flagged = prepare(db,
                           QByteArray("SELECT") + kBucket + ", sum(k.flagged) FROM daily_rollup k WHERE" +
                               kFilter + "GROUP BY 1",
                           filter);
    auto flags = prepare(
        db, QByteArray("SELECT k.reason, sum(k.flagged) FROM flag_rollup k WHERE") + kFilter + "GROUP BY 1",
        filter);
    if (!flagged || !flags)
        return !flagged ? flagged.error() : flags.error();

    std::map<qint64, ReviewPoint> buckets;
    if (Status s = flagged->forEachRow([&] {
            ReviewPoint &p = buckets[flagged->columnInt(0)];
            p.flagged = flagged->columnInt(1);
            m.backlogInteractions += p.flagged;
        });
        !s)
        return s;
    for (const auto &[day, decisions] : reviews.decisionsByBucket)
        buckets[day].decisions = decisions;
    for (auto &[day, point] : buckets) {
        point.bucketMs = day * kDayMs;
        m.reviews.push_back(point);
    }

    std::map<QString, qint64> open;
    if (Status s = flags->forEachRow([&] { open[flags->columnText(0)] += flags->columnInt(1); }); !s)
        return s;
    for (const auto &[reason, decided] : reviews.decidedByReason)
        open[reason] -= decided;
    m.backlogInteractions -= reviews.decidedFlagged;
    for (const auto &[reason, count] : open)
        m.backlog.push_back({reason, count});
    return {};
}

// compareCycles over the rollup's counts: each selected version is compared with the one before
// it whether or not that one is selected, so the counts take every version.
Status loadCycles(Store &store, const DashboardFilter &filter, DashboardMetrics &m)
{
    auto rows =
        prepare(store.db(),
                QByteArray("SELECT k.model_name, k.model_version, k.segment, sum(k.interactions), "
                           "sum(k.accepted), sum(k.abandoned), sum(k.with_correction), sum(k.thumbs_up), "
                           "sum(k.thumbed) FROM daily_rollup k WHERE k.model_name <> '' AND "
                           "k.model_version <> '' AND") +
                    kFilter + "GROUP BY 1, 2, 3",
                filter, false);
    if (!rows)
        return rows.error();
    CycleCountTable table;
    if (Status s = rows->forEachRow([&] {
            table[rows->columnText(0)][rows->columnText(1)][rows->columnText(2)] = {
                rows->columnInt(3), rows->columnInt(4), rows->columnInt(5),
                rows->columnInt(6), rows->columnInt(7), rows->columnInt(8)};
        });
        !s)
        return s;
    auto cycles = compareCycles(store, table);
    if (!cycles)
        return cycles.error();
    for (CycleComparison &c : *cycles)
        if (filter.modelVersions.isEmpty() || filter.modelVersions.contains(c.previousVersion) ||
            filter.modelVersions.contains(c.currentVersion))
            m.cycles.push_back(std::move(c));
    return {};
}

} // namespace

Result<Statement> prepare(Database &db, const QByteArray &sql, const DashboardFilter &filter, bool versions)
{
    auto statement = db.prepare(sql.constData());
    if (!statement)
        return statement;
    // A query may use only the first few of the filter's parameters: bind those it has.
    const int used = statement->parameterCount();
    const auto bindDay = [&](int index, const QDate &day) {
        if (index > used)
            return;
        if (const auto number = dayNumber(day))
            statement->bind(index, *number);
        else
            statement->bindNull(index);
    };
    bindDay(1, filter.time.firstDay());
    bindDay(2, filter.time.lastDay());
    if (used >= 3)
        statement->bind(3, jsonArray(versions ? filter.modelVersions : QStringList()));
    if (used >= 4)
        statement->bind(4, jsonArray(filter.segments));
    if (used >= 5)
        statement->bind(5, qint64(filter.bucket == DashboardFilter::Bucket::Week));
    return statement;
}

} // namespace dashboard

double coverageGapScore(std::span<const GapTerm> terms)
{
    double under = 0, weighted = 0;
    for (const GapTerm &t : terms) {
        under += t.failureRate * std::max(0.0, t.trafficShare - t.curatedShare);
        weighted += t.failureRate * t.trafficShare;
    }
    return weighted > 0 ? std::clamp(under / weighted, 0.0, 1.0) : 0.0;
}

Result<DashboardMetrics> loadDashboard(Store &store, const DashboardFilter &filter)
{
    Database &db = store.db();
    // One read transaction: every figure describes the same moment even while a writer works.
    Transaction snapshot(db, Transaction::Kind::Deferred);
    if (!snapshot.beginStatus())
        return snapshot.beginStatus().error();
    DashboardMetrics metrics;
    metrics.filter = filter;
    auto reviews = dashboard::loadReviewFigures(db, filter);
    if (!reviews)
        return reviews.error();
    for (Status s : {dashboard::loadState(db, metrics), dashboard::loadVolumeAndQuality(db, filter, metrics),
                     dashboard::loadDeployments(db, filter, metrics),
                     dashboard::loadReviewWork(db, filter, *reviews, metrics),
                     dashboard::loadCoverage(db, filter, *reviews, metrics),
                     dashboard::loadDatasets(db, metrics), dashboard::loadCycles(store, filter, metrics)})
        if (!s)
            return s.error();
    return metrics;
}

} // namespace flywheel
