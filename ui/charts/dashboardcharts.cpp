#include "charts/dashboardcharts.h"

#include "charts/automationchart.h"
#include "charts/coveragechart.h"
#include "charts/cyclechart.h"
#include "charts/growthchart.h"
#include "charts/qualitychart.h"
#include "charts/reviewcharts.h"
#include "charts/volumechart.h"

namespace flywheel::charts {
namespace {

QChart *coverage(const DashboardMetrics &metrics, const VersionPalette &palette)
{
    return buildCoverageChart(metrics, palette);
}

} // namespace

std::vector<DashboardChart> dashboardCharts()
{
    return {
        {QStringLiteral("01-volume"), QObject::tr("Traffic"),
         QObject::tr("Interactions per day or week, stacked by model version: the height is the total "
                     "traffic, each colour one version's share. Dashed lines mark when a version went live."),
         buildVolumeChart},
        {QStringLiteral("02-quality"), QObject::tr("Quality"),
         QObject::tr("How users received each version's outputs over time. Higher acceptance and thumbs up, "
                     "lower correction and abandonment are better; compare a version's colour after its "
                     "deployment with the one before."),
         buildQualityChart},
        {QStringLiteral("03-automation"), QObject::tr("Automation and cost"),
         QObject::tr(
             "Who labeled each version's curated examples: the rules (automated) or reviewers. The line "
             "is reviewer time per curated example: automation should rise and the cost fall."),
         buildAutomationChart},
        {QStringLiteral("04-review-throughput"), QObject::tr("Review throughput"),
         QObject::tr(
             "Interactions flagged for review against the decisions reviewers made. When flagged stays "
             "above decisions, the backlog grows."),
         buildReviewThroughputChart},
        {QStringLiteral("05-review-backlog"), QObject::tr("Review backlog"),
         QObject::tr(
             "Flagged interactions still waiting for a decision, by the reason they were flagged: where "
             "reviewers' time goes next."),
         buildBacklogChart},
        {QStringLiteral("06-coverage"), QObject::tr("Coverage gaps"),
         QObject::tr(
             "Each segment's share of the traffic (grey) against its share of the curated data (blue). "
             "A red bar is an under-covered segment; the failure rate in the label says how hard it is. "
             "Curate or review more of the hard, under-covered segments first."),
         coverage},
        {QStringLiteral("07-data-growth"), QObject::tr("Data growth"),
         QObject::tr("Examples in each exported dataset version, in export order, and each version's "
                     "coverage-gap score (lower is better): the data should grow while its gap shrinks."),
         buildGrowthChart},
        {QStringLiteral("08-cycles"), QObject::tr("Cycle comparison"),
         QObject::tr(
             "Each model version's acceptance rate per segment: the dot is the rate, the bar its 95 % "
             "interval. A version whose bar lies right of the previous one's improved that segment; "
             "overlapping bars are not a clear change."),
         buildCycleChart},
    };
}

} // namespace flywheel::charts
