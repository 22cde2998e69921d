#pragma once

#include "charts/chartstyle.h"

class QChart;

namespace flywheel::charts {

/// Data growth: examples per dataset version (bars, in creation order) with each version's
/// coverage-gap score (line, right axis); the duplicate ratio of the traffic in the subtitle.
QChart *buildGrowthChart(const DashboardMetrics &metrics, const VersionPalette &palette);

} // namespace flywheel::charts
