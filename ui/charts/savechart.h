#pragma once

#include <QSize>
#include <QString>

class QChart;

namespace flywheel::charts {

/// Writes @p chart as PNG or SVG, by @p path's extension (.png, .svg), at @p size pixels. Works
/// under the offscreen platform. A chart shown in a view is drawn in place and keeps its size.
/// False when the extension is neither or the file cannot be written.
bool saveChart(QChart *chart, const QString &path, QSize size);

} // namespace flywheel::charts
