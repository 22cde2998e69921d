#pragma once

// The numbers behind the flywheel-health dashboard: volume, quality, automation, review work,
// coverage, data growth and the cycle comparison, each from an aggregate query over the rollups
// every curation run writes (docs/dashboard.md).

#include "metrics/cycle.h"
#include "util/result.h"
#include "util/timerange.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <span>
#include <vector>

namespace flywheel {

class Store;

/// What the dashboard shows. The rollups are per UTC day, so the date range covers whole days.
struct DashboardFilter {
    /// Interactions of the UTC days the range touches (TimeRange::firstDay() to lastDay()).
    TimeRange time;
    /// Values of interactions.model_version (e.g. "v2"); empty: every version.
    QStringList modelVersions;
    /// Curation's segments; empty: every segment.
    QStringList segments;
    /// A bucket is a UTC day, or an ISO week starting on Monday.
    enum class Bucket { Day, Week } bucket = Bucket::Day;
};

/// Interactions of one model version in one bucket. Buckets without interactions are absent.
struct VolumePoint {
    qint64 bucketMs = 0; ///< the bucket's first millisecond (UTC midnight; a Monday for weeks)
    QString model, version;
    qint64 interactions = 0;
};

/// A marker on the time axis: a model version going live.
struct Deployment {
    QString model, version;
    qint64 atMs = 0;       ///< deployed_at, else first_seen_at
    bool recorded = false; ///< deployed_at was recorded (not the first interaction's time)
};

/// How users received one model version's outputs in one bucket.
struct QualityPoint {
    qint64 bucketMs = 0;
    QString model, version;
    qint64 interactions = 0;
    Rate acceptance;  ///< outcome accepted or copied, of the interactions
    Rate correction;  ///< outcome edited or has a correction, of the interactions
    Rate abandonment; ///< outcome abandoned, of the interactions
    Rate thumbsUp;    ///< a thumbs up, of the interactions that got a thumb
};

/// Who labeled one model version's curated examples (a "cycle"), and what people's time cost.
struct AutomationFigures {
    QString model, version; ///< both empty for the total over every version
    /// Interactions whose effective label (a review's over the rules') is gold, positive or negative.
    qint64 curated = 0;
    qint64 byRules = 0;     ///< of those, labeled by the rules (effective_labels.decided_by = 'rules')
    qint64 byReviewers = 0; ///< labeled by a reviewer
    Rate automated;         ///< byRules of curated
    /// reviews.seconds of every review of its interactions (skips included).
    double reviewerSeconds = 0;
    double reviewerSecondsPerCurated = 0; ///< 0 when nothing is curated
};

/// Review work in one bucket.
struct ReviewPoint {
    qint64 bucketMs = 0;
    qint64 flagged = 0;   ///< interactions of the bucket (by interaction time) with a flag
    qint64 decisions = 0; ///< reviews made in the bucket (by review time) that are not skips
};

/// Flagged interactions still waiting for a decision: no review yet, or the latest is a skip.
struct BacklogEntry {
    QString reason; ///< the flag's reason; an interaction with two flags counts under both
    qint64 open = 0;
};

/// One segment's traffic against its curated data.
struct SegmentCoverage {
    QString segment;
    qint64 traffic = 0;
    qint64 curated = 0;  ///< effective label gold, positive or negative
    qint64 failures = 0; ///< effective label negative, or has a correction
    double trafficShare = 0, curatedShare = 0;
    Rate failureRate; ///< failures of traffic
    /// At least 20 interactions and a curated share under half the traffic share (as curation's).
    bool underCovered = false;
};

/// One dataset version, for the growth chart.
struct DatasetGrowth {
    qint64 id = 0;
    QString name;
    qint64 version = 0;
    qint64 createdAtMs = 0;
    qint64 examples = 0;
    QString kind;
    /// The curation run it was built from (its traffic is the reference); 0 when unknown.
    qint64 referenceRunId = 0;
    /// coverageGapScore of its items' segments against that run's traffic and failure rates.
    double coverageGap = 0;
};

/// Everything the dashboard draws. Capture and curation figures are those of the last completed
/// curation run (the rollups); review figures are read live from the reviews table.
struct DashboardMetrics {
    DashboardFilter filter;
    qint64 curationRunId = 0;   ///< the run the rollups describe; 0: nothing curated yet
    qint64 curatedAtMs = 0;     ///< when it finished
    qint64 newInteractions = 0; ///< stored since that run (by id), not in the figures yet
    /// Interactions whose events, reviews or content changed since that run (curation_dirty): their
    /// capture figures are as of the run until the next one.
    qint64 changedInteractions = 0;

    std::vector<VolumePoint> volume;           ///< by bucket, model, version
    std::vector<Deployment> deployments;       ///< by time
    std::vector<QualityPoint> quality;         ///< by bucket, model, version
    std::vector<AutomationFigures> automation; ///< by model and version
    AutomationFigures automationTotal;
    std::vector<ReviewPoint> reviews;      ///< by bucket
    std::vector<BacklogEntry> backlog;     ///< by reason
    qint64 backlogInteractions = 0;        ///< distinct interactions in the backlog
    std::vector<SegmentCoverage> coverage; ///< by segment name
    /// coverageGapScore over the segments above: the share of failure-weighted traffic that the
    /// curated data under-represents, in [0, 1].
    double coverageGap = 0;
    std::vector<DatasetGrowth> datasets; ///< by name and version
    /// Interactions in a duplicate cluster that are not its representative, of the traffic.
    Rate duplicates;
    /// compareCycles over the same rollup: each version against the one before it.
    std::vector<CycleComparison> cycles;
};

/// One segment's shares for coverageGapScore.
struct GapTerm {
    double trafficShare = 0; ///< t_s
    double curatedShare = 0; ///< c_s
    double failureRate = 0;  ///< h_s
};

/// Σ h·max(0, t − c) / Σ h·t over the segments, in [0, 1]; 0 when the denominator is 0.
double coverageGapScore(std::span<const GapTerm> terms);

/// Reads the dashboard's figures in one read transaction. Every figure is an aggregate query over
/// the rollups or a small table; nothing scans the interactions.
Result<DashboardMetrics> loadDashboard(Store &store, const DashboardFilter &filter);

/// The figures as JSON with stable snake_case keys (docs/dashboard.md lists them).
QJsonObject dashboardJson(const DashboardMetrics &metrics);

} // namespace flywheel
