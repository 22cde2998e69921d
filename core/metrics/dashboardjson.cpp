// The dashboard as JSON: `flywheel stats --json` prints it under "dashboard". The keys are stable;
// docs/dashboard.md lists them.

#include "metrics/dashboard.h"

#include "util/timestamps.h"

#include <QDateTime>
#include <QJsonArray>

namespace flywheel {
namespace {

QJsonValue time(qint64 ms)
{
    return ms != 0 ? QJsonValue(QString::fromStdString(formatRfc3339(ms))) : QJsonValue();
}

// A bucket by its first day, "YYYY-MM-DD".
QString day(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date().toString(Qt::ISODate);
}

QJsonObject filterJson(const DashboardFilter &f)
{
    const QDate first = f.time.firstDay(), last = f.time.lastDay();
    return {
        {QStringLiteral("from"), first.isValid() ? QJsonValue(first.toString(Qt::ISODate)) : QJsonValue()},
        {QStringLiteral("to"), last.isValid() ? QJsonValue(last.toString(Qt::ISODate)) : QJsonValue()},
        {QStringLiteral("model_versions"), QJsonArray::fromStringList(f.modelVersions)},
        {QStringLiteral("segments"), QJsonArray::fromStringList(f.segments)},
        {QStringLiteral("bucket"),
         f.bucket == DashboardFilter::Bucket::Week ? QStringLiteral("week") : QStringLiteral("day")}};
}

QJsonObject automationJson(const AutomationFigures &a)
{
    QJsonObject object{{QStringLiteral("curated"), a.curated},
                       {QStringLiteral("by_rules"), a.byRules},
                       {QStringLiteral("by_reviewers"), a.byReviewers},
                       {QStringLiteral("automated"), rateJson(a.automated)},
                       {QStringLiteral("reviewer_seconds"), a.reviewerSeconds},
                       {QStringLiteral("reviewer_seconds_per_curated"), a.reviewerSecondsPerCurated}};
    if (!a.model.isEmpty() || !a.version.isEmpty()) {
        object.insert(QStringLiteral("model"), a.model);
        object.insert(QStringLiteral("version"), a.version);
    }
    return object;
}

QJsonArray volumeJson(const DashboardMetrics &m)
{
    QJsonArray list;
    for (const VolumePoint &p : m.volume)
        list.append(QJsonObject{{QStringLiteral("bucket"), day(p.bucketMs)},
                                {QStringLiteral("model"), p.model},
                                {QStringLiteral("version"), p.version},
                                {QStringLiteral("interactions"), p.interactions}});
    return list;
}

QJsonArray deploymentsJson(const DashboardMetrics &m)
{
    QJsonArray list;
    for (const Deployment &d : m.deployments)
        list.append(QJsonObject{{QStringLiteral("model"), d.model},
                                {QStringLiteral("version"), d.version},
                                {QStringLiteral("at"), time(d.atMs)},
                                {QStringLiteral("recorded"), d.recorded}});
    return list;
}

QJsonArray qualityJson(const DashboardMetrics &m)
{
    QJsonArray list;
    for (const QualityPoint &p : m.quality)
        list.append(QJsonObject{{QStringLiteral("bucket"), day(p.bucketMs)},
                                {QStringLiteral("model"), p.model},
                                {QStringLiteral("version"), p.version},
                                {QStringLiteral("interactions"), p.interactions},
                                {QStringLiteral("acceptance"), rateJson(p.acceptance)},
                                {QStringLiteral("correction"), rateJson(p.correction)},
                                {QStringLiteral("abandonment"), rateJson(p.abandonment)},
                                {QStringLiteral("thumbs_up"), rateJson(p.thumbsUp)}});
    return list;
}

QJsonObject reviewsJson(const DashboardMetrics &m)
{
    QJsonArray buckets;
    for (const ReviewPoint &p : m.reviews)
        buckets.append(QJsonObject{{QStringLiteral("bucket"), day(p.bucketMs)},
                                   {QStringLiteral("flagged"), p.flagged},
                                   {QStringLiteral("decisions"), p.decisions}});
    QJsonObject reasons;
    for (const BacklogEntry &b : m.backlog)
        reasons.insert(b.reason, b.open);
    return {{QStringLiteral("by_bucket"), buckets},
            {QStringLiteral("backlog"), QJsonObject{{QStringLiteral("interactions"), m.backlogInteractions},
                                                    {QStringLiteral("by_reason"), reasons}}}};
}

QJsonObject coverageJson(const DashboardMetrics &m)
{
    QJsonArray segments;
    for (const SegmentCoverage &s : m.coverage)
        segments.append(QJsonObject{{QStringLiteral("segment"), s.segment},
                                    {QStringLiteral("traffic"), s.traffic},
                                    {QStringLiteral("traffic_share"), s.trafficShare},
                                    {QStringLiteral("curated"), s.curated},
                                    {QStringLiteral("curated_share"), s.curatedShare},
                                    {QStringLiteral("failures"), s.failures},
                                    {QStringLiteral("failure_rate"), rateJson(s.failureRate)},
                                    {QStringLiteral("under_covered"), s.underCovered}});
    return {{QStringLiteral("gap_score"), m.coverageGap}, {QStringLiteral("segments"), segments}};
}

QJsonObject growthJson(const DashboardMetrics &m)
{
    QJsonArray datasets;
    for (const DatasetGrowth &d : m.datasets)
        datasets.append(QJsonObject{{QStringLiteral("id"), d.id},
                                    {QStringLiteral("name"), d.name},
                                    {QStringLiteral("version"), d.version},
                                    {QStringLiteral("created_at"), time(d.createdAtMs)},
                                    {QStringLiteral("examples"), d.examples},
                                    {QStringLiteral("kind"), d.kind},
                                    {QStringLiteral("reference_run"), d.referenceRunId},
                                    {QStringLiteral("coverage_gap"), d.coverageGap}});
    return {{QStringLiteral("duplicate_ratio"), rateJson(m.duplicates)},
            {QStringLiteral("datasets"), datasets}};
}

} // namespace

QJsonObject dashboardJson(const DashboardMetrics &m)
{
    QJsonArray automation;
    for (const AutomationFigures &a : m.automation)
        automation.append(automationJson(a));
    return {
        {QStringLiteral("filter"), filterJson(m.filter)},
        {QStringLiteral("curation_run"), m.curationRunId},
        {QStringLiteral("curated_at"), time(m.curatedAtMs)},
        {QStringLiteral("new_interactions"), m.newInteractions},
        {QStringLiteral("changed_interactions"), m.changedInteractions},
        {QStringLiteral("volume"), volumeJson(m)},
        {QStringLiteral("deployments"), deploymentsJson(m)},
        {QStringLiteral("quality"), qualityJson(m)},
        {QStringLiteral("automation"),
         QJsonObject{{QStringLiteral("total"), automationJson(m.automationTotal)},
                     {QStringLiteral("by_version"), automation}}},
        {QStringLiteral("reviews"), reviewsJson(m)},
        {QStringLiteral("coverage"), coverageJson(m)},
        {QStringLiteral("growth"), growthJson(m)},
        {QStringLiteral("cycles"), cyclesJson(m.cycles)},
    };
}

} // namespace flywheel
