#pragma once

#include "charts/chartstyle.h"

class QChart;

namespace flywheel::charts {

/// Per model version (and all together): the share of curated examples labeled by the rules
/// against by reviewers (stacked bars, left axis), and reviewer seconds per curated example (line,
/// right axis).
QChart *buildAutomationChart(const DashboardMetrics &metrics, const VersionPalette &palette);

} // namespace flywheel::charts
