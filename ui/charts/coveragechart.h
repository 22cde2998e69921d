#pragma once

#include "charts/chartstyle.h"

#include <QChart>

namespace flywheel::charts {

/// Coverage gaps: per segment, its share of the traffic against its share of the curated data
/// (grouped horizontal bars), its failure rate in the label, under-covered segments in red; the
/// coverage-gap score in the title. Clicking a segment's bar emits segmentClicked().
class CoverageChart final : public QChart {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CoverageChart)

public:
    explicit CoverageChart(QGraphicsItem *parent = nullptr);
    ~CoverageChart() override;

    /// The segments, in the order of the bars (bottom up).
    const QStringList &segments() const { return m_segments; }

signals:
    void segmentClicked(const QString &segment);

private:
    friend CoverageChart *buildCoverageChart(const DashboardMetrics &, const VersionPalette &);
    QStringList m_segments;
};

/// Always a CoverageChart, so that a view can connect to it; without data it shows the empty state.
CoverageChart *buildCoverageChart(const DashboardMetrics &metrics, const VersionPalette &palette);

} // namespace flywheel::charts
