#pragma once

#include "charts/chartstyle.h"

class QChart;

namespace flywheel::charts {

/// Review throughput: interactions flagged and review decisions made, per bucket.
QChart *buildReviewThroughputChart(const DashboardMetrics &metrics, const VersionPalette &palette);
/// The open backlog: flagged interactions without a decision, per flag reason (horizontal bars).
QChart *buildBacklogChart(const DashboardMetrics &metrics, const VersionPalette &palette);

} // namespace flywheel::charts
