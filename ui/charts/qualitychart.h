#pragma once

#include "charts/chartstyle.h"

class QChart;

namespace flywheel::charts {

/// Acceptance, correction, abandonment and thumbs-up rates per bucket: one colour per model
/// version, one line style per rate. Buckets with fewer than kMinimumForRate interactions (or
/// thumbs) are left out: their rates are noise.
QChart *buildQualityChart(const DashboardMetrics &metrics, const VersionPalette &palette);

constexpr qint64 kMinimumForRate = 5;

} // namespace flywheel::charts
