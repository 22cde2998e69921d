// Who labels the curated data and what it covers: automation per model version, coverage per
// segment with the coverage-gap score, the duplicate ratio, and each dataset version's score.
//
// The rollup counts curation's (the rules') labels; a review's label wins over them (the
// effective_labels view), so for the interactions whose latest labeled review exists
// (dashboardreviews.cpp) the rules' contribution is replaced by the review's.

#include "metrics/dashboard.h"

#include "metrics/dashboardqueries.h"
#include "store/statement.h"
#include "store/store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

namespace flywheel::dashboard {
namespace {

struct VersionSums {
    qint64 firstDay = std::numeric_limits<qint64>::max();
    qint64 curated = 0;         // rules' label gold, positive or negative
    qint64 reviewed = 0;        // a review's label counts instead
    qint64 reviewedCurated = 0; // of those, the rules had labeled
    double seconds = 0;
};

struct SegmentSums {
    qint64 traffic = 0, curated = 0, failures = 0;
};

AutomationFigures automation(const QString &model, const QString &version, const VersionSums &v)
{
    AutomationFigures a;
    a.model = model;
    a.version = version;
    a.byRules = v.curated - v.reviewedCurated;
    a.byReviewers = v.reviewed;
    a.curated = a.byRules + a.byReviewers;
    a.automated = wilsonRate(a.byRules, a.curated);
    a.reviewerSeconds = v.seconds;
    a.reviewerSecondsPerCurated = a.curated > 0 ? v.seconds / double(a.curated) : 0;
    return a;
}

} // namespace

Status loadCoverage(Database &db, const DashboardFilter &filter, const ReviewFigures &reviews,
                    DashboardMetrics &m)
{
    auto rules = prepare(db,
                         QByteArray("SELECT k.model_name, k.model_version, k.segment, min(k.day), "
                                    "sum(k.interactions), sum(k.curated), sum(k.failures), sum(k.duplicates) "
                                    "FROM daily_rollup k WHERE") +
                             kFilter + "GROUP BY 1, 2, 3",
                         filter);
    if (!rules)
        return rules.error();
    std::map<std::pair<QString, QString>, VersionSums> versions;
    std::map<QString, SegmentSums> segments;
    qint64 traffic = 0, duplicates = 0;
    if (Status s = rules->forEachRow([&] {
            VersionSums &v = versions[{rules->columnText(0), rules->columnText(1)}];
            SegmentSums &g = segments[rules->columnText(2)];
            v.firstDay = std::min(v.firstDay, rules->columnInt(3));
            v.curated += rules->columnInt(5);
            g.traffic += rules->columnInt(4);
            g.curated += rules->columnInt(5);
            g.failures += rules->columnInt(6);
            traffic += rules->columnInt(4);
            duplicates += rules->columnInt(7);
        });
        !s)
        return s;
    // A reviewed interaction's label replaces the rules': it is curated whatever the rules said, and
    // a failure by the review's label.
    for (const auto &[key, l] : reviews.labels) {
        VersionSums &v = versions[{std::get<0>(key), std::get<1>(key)}];
        SegmentSums &g = segments[std::get<2>(key)];
        v.reviewed += l.reviewed;
        v.reviewedCurated += l.rulesCurated;
        g.curated += l.reviewed - l.rulesCurated;
        g.failures += l.failures - l.rulesFailures;
    }
    for (const auto &[key, seconds] : reviews.secondsByVersion)
        if (seconds != 0) // only the reviews of interactions in the filter have their seconds counted
            versions[key].seconds += seconds;

    // Versions of a model in the order they appeared.
    std::vector<std::tuple<QString, qint64, QString>> order;
    VersionSums total;
    for (const auto &[key, v] : versions) {
        order.emplace_back(key.first, v.firstDay, key.second);
        total.curated += v.curated;
        total.reviewed += v.reviewed;
        total.reviewedCurated += v.reviewedCurated;
        total.seconds += v.seconds;
    }
    std::sort(order.begin(), order.end());
    for (const auto &[model, firstDay, version] : order)
        m.automation.push_back(automation(model, version, versions[{model, version}]));
    m.automationTotal = automation({}, {}, total);

    qint64 curated = 0;
    for (const auto &entry : segments)
        curated += entry.second.curated;
    std::vector<GapTerm> terms;
    for (const auto &[name, g] : segments) {
        SegmentCoverage c;
        c.segment = name;
        c.traffic = g.traffic;
        c.curated = g.curated;
        c.failures = g.failures;
        c.trafficShare = traffic > 0 ? double(g.traffic) / double(traffic) : 0;
        c.curatedShare = curated > 0 ? double(g.curated) / double(curated) : 0;
        c.failureRate = wilsonRate(g.failures, g.traffic);
        c.underCovered = g.traffic >= 20 && c.curatedShare < 0.5 * c.trafficShare;
        terms.push_back({c.trafficShare, c.curatedShare, c.failureRate.value});
        m.coverage.push_back(std::move(c));
    }
    m.coverageGap = coverageGapScore(terms);
    m.duplicates = wilsonRate(duplicates, traffic);
    return {};
}

// A dataset version against the traffic of the curation run it was built from (that run's
// segment_stats: every interaction curated when it was made), with that run's failure rates. Only
// published versions (staging cleared). The filter does not apply: a version's score describes
// the version.
Status loadDatasets(Database &db, DashboardMetrics &m)
{
    constexpr const char *kReference =
        "WITH ref AS (SELECT d.id AS dataset_id, coalesce(d.curation_run_id, (SELECT max(id) FROM "
        "curation_runs "
        "WHERE status = 'completed' AND finished_at <= d.created_at), 0) AS run_id FROM datasets d) ";
    auto datasets =
        db.prepare(QByteArray(kReference) +
                   "SELECT d.id, d.name, d.version, d.created_at, d.examples, d.kind, ref.run_id, "
                   "(SELECT total(items) FROM dataset_segments WHERE dataset_id = d.id) "
                   "FROM datasets d JOIN ref ON ref.dataset_id = d.id WHERE d.staging IS NULL "
                   "ORDER BY d.name, d.version");
    auto terms =
        db.prepare(QByteArray(kReference) +
                   "SELECT ref.dataset_id, s.traffic_share, s.failure_rate, coalesce(g.items, 0) "
                   "FROM ref JOIN segment_stats s ON s.run_id = ref.run_id LEFT JOIN dataset_segments g "
                   "ON g.dataset_id = ref.dataset_id AND g.segment = s.segment");
    if (!datasets || !terms)
        return !datasets ? datasets.error() : terms.error();
    std::map<qint64, double> items;
    if (Status s = datasets->forEachRow([&] {
            m.datasets.push_back({datasets->columnInt(0), datasets->columnText(1), datasets->columnInt(2),
                                  datasets->columnInt(3), datasets->columnInt(4), datasets->columnText(5),
                                  datasets->columnInt(6), 0});
            items[datasets->columnInt(0)] = datasets->columnDouble(7);
        });
        !s)
        return s;
    std::map<qint64, std::vector<GapTerm>> byDataset;
    if (Status s = terms->forEachRow([&] {
            const qint64 id = terms->columnInt(0);
            const double all = items[id];
            byDataset[id].push_back(
                {terms->columnDouble(1), all > 0 ? terms->columnDouble(3) / all : 0, terms->columnDouble(2)});
        });
        !s)
        return s;
    // A version whose items were never counted has no distribution to score: 0, not a gap of 1.
    for (DatasetGrowth &d : m.datasets)
        d.coverageGap = items[d.id] > 0 ? coverageGapScore(byDataset[d.id]) : 0;
    return {};
}

} // namespace flywheel::dashboard
