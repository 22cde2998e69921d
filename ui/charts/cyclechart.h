#pragma once

#include "charts/chartstyle.h"

class QChart;

namespace flywheel::charts {

/// The cycle comparison as a forest plot: per segment (and all together, at the top), each model
/// version's acceptance rate as a dot on a bar spanning its 95 % interval, versions in their
/// colours one under the other, so each version reads against the one before it.
QChart *buildCycleChart(const DashboardMetrics &metrics, const VersionPalette &palette);

} // namespace flywheel::charts
