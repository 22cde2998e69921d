#pragma once

// Internal to the dashboard (dashboard.cpp, dashboardcoverage.cpp, dashboardreviews.cpp): the
// filter every query binds, and the review figures the others combine with the rollups. SQL is
// assembled from constant fragments only; the filter's values are always bound.

#include "metrics/dashboard.h"
#include "store/statement.h"

#include <QByteArray>

#include <map>
#include <tuple>

namespace flywheel {

class Database;

namespace dashboard {

/// Milliseconds in a UTC day: the rollups' unit of time.
constexpr qint64 kDayMs = 86400000;

/// The filter, on a source aliased k with the columns day, model_version and segment. Parameters:
/// ?1 first day and ?2 last day (NULL: open), ?3 model versions and ?4 segments as JSON arrays
/// ('[]': every one), ?5 1 for week buckets.
constexpr const char *kFilter = " (k.day >= ?1 OR ?1 IS NULL) AND (k.day <= ?2 OR ?2 IS NULL)"
                                " AND (?3 = '[]' OR k.model_version IN (SELECT value FROM json_each(?3)))"
                                " AND (?4 = '[]' OR k.segment IN (SELECT value FROM json_each(?4))) ";

/// The bucket of k.day: the day, or the Monday that starts its ISO week (1970-01-01 was a Thursday).
constexpr const char *kBucket = " (CASE WHEN ?5 THEN k.day - ((k.day + 3) % 7 + 7) % 7 ELSE k.day END) ";

/// Prepares @p sql and binds the filter (a query may leave some parameters unused). With
/// @p versions false every model version is taken.
Result<Statement> prepare(Database &db, const QByteArray &sql, const DashboardFilter &filter,
                          bool versions = true);

/// What people did, in the filter (dashboardreviews.cpp).
struct ReviewFigures {
    /// Decisions (reviews that are not skips) by the bucket of their day (days since 1970).
    std::map<qint64, qint64> decisionsByBucket;
    /// reviews.seconds by model and version.
    std::map<std::pair<QString, QString>, double> secondsByVersion;
    /// Interactions whose latest labeled review gives their effective label, by model, version and
    /// segment: how many, how many the rules had labeled gold, positive or negative, how many were
    /// failures by the rules' label and how many are by the review's.
    struct Labels {
        qint64 reviewed = 0, rulesCurated = 0, rulesFailures = 0, failures = 0;
    };
    std::map<std::tuple<QString, QString, QString>, Labels> labels;
    /// Flagged interactions whose latest review is a decision: in all, and under each flag reason.
    qint64 decidedFlagged = 0;
    std::map<QString, qint64> decidedByReason;
};
Result<ReviewFigures> loadReviewFigures(Database &db, const DashboardFilter &filter);

/// Automation per version, coverage per segment and the duplicate ratio (dashboardcoverage.cpp).
Status loadCoverage(Database &db, const DashboardFilter &filter, const ReviewFigures &reviews,
                    DashboardMetrics &metrics);
/// Dataset versions and their coverage-gap scores (dashboardcoverage.cpp).
Status loadDatasets(Database &db, DashboardMetrics &metrics);

} // namespace dashboard
} // namespace flywheel
