#pragma once

#include "charts/chartstyle.h"

class QChart;

namespace flywheel::charts {

/// Interactions per bucket, stacked by model version, with a dashed line where each version was
/// deployed (or first seen).
QChart *buildVolumeChart(const DashboardMetrics &metrics, const VersionPalette &palette);

} // namespace flywheel::charts
