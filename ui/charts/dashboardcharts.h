#pragma once

// The dashboard's charts in the order the Dashboard tab and `flywheel report` show them.

#include "charts/chartstyle.h"

#include <QString>

#include <vector>

class QChart;

namespace flywheel::charts {

struct DashboardChart {
    QString id;      ///< a file-name stem, "01-volume"
    QString name;    ///< "Traffic"
    QString caption; ///< how to read it, one or two sentences
    QChart *(*build)(const DashboardMetrics &metrics, const VersionPalette &palette);
};

std::vector<DashboardChart> dashboardCharts();

} // namespace flywheel::charts
