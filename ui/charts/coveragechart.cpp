#include "charts/coveragechart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QValueAxis>

#include <algorithm>
#include <memory>

namespace flywheel::charts {

CoverageChart::CoverageChart(QGraphicsItem *parent)
    : QChart(parent)
{}

CoverageChart::~CoverageChart() = default;

namespace {

QString tip(const SegmentCoverage &s)
{
    QString text =
        QObject::tr("%1\ntraffic: %2 of all (%3 interactions)\ncurated data: %4 of all (%5 examples)\n"
                    "failure rate: %6")
            .arg(s.segment, percent(s.trafficShare), count(s.traffic), percent(s.curatedShare),
                 count(s.curated), rateText(s.failureRate));
    if (s.underCovered)
        text += QObject::tr("\nUnder-covered: curated share under half the traffic share.");
    return text + QObject::tr("\nClick to review this segment.");
}

} // namespace

CoverageChart *buildCoverageChart(const DashboardMetrics &m, const VersionPalette &)
{
    auto *chart = new CoverageChart;
    if (m.coverage.empty()) {
        makeEmpty(chart, QObject::tr("Coverage gaps: traffic against curated data per segment"),
                  noDataHint(m));
        return chart;
    }
    // Largest traffic at the top: horizontal bars list their categories from the bottom up.
    auto segments = std::make_shared<std::vector<SegmentCoverage>>(m.coverage);
    std::stable_sort(
        segments->begin(), segments->end(),
        [](const SegmentCoverage &a, const SegmentCoverage &b) { return a.trafficShare < b.trafficShare; });
    const auto under = std::count_if(segments->cbegin(), segments->cend(),
                                     [](const SegmentCoverage &s) { return s.underCovered; });
    applyStyle(
        chart, QObject::tr("Coverage gaps: score %1 (0 best, 1 worst)").arg(m.coverageGap, 0, 'f', 3),
        QObject::tr("The share of failure-weighted traffic the curated data under-represents. %1 Click a "
                    "segment to review it.")
            .arg(under == 0 ? QObject::tr("No segment is under-covered.")
                            : QObject::tr("Red: %n under-covered segment(s), curated share under half the "
                                          "traffic share.",
                                          nullptr, int(under))));

    auto *traffic = new QBarSet(QObject::tr("Share of traffic (%)"));
    auto *curated = new QBarSet(QObject::tr("Share of curated data (%)"));
    traffic->setColor(colors::traffic());
    traffic->setBorderColor(colors::traffic().darker(120));
    curated->setColor(colors::curated());
    curated->setBorderColor(colors::curated().darker(120));
    curated->setSelectedColor(colors::underCovered());
    QStringList labels;
    double most = 0;
    for (size_t i = 0; i < segments->size(); ++i) {
        const SegmentCoverage &s = (*segments)[i];
        chart->m_segments.append(s.segment);
        // The failure rate in the label: how hard the segment is, next to how well it is covered.
        labels.append(QObject::tr("%1%2 · fails %3")
                          .arg(s.underCovered ? QStringLiteral("⚠ ") : QString(), s.segment,
                               percent(s.failureRate.value, 0)));
        traffic->append(100.0 * s.trafficShare);
        curated->append(100.0 * s.curatedShare);
        most = qMax(most, 100.0 * qMax(s.trafficShare, s.curatedShare));
    }
    // Traffic above curated in each pair: a set appended later is drawn higher.
    auto *series = new QHorizontalBarSeries;
    series->append(curated);
    series->append(traffic);
    series->setBarWidth(0.75);
    chart->addSeries(series);
    // Selected after the set joined its series: under-covered segments' curated bars turn red.
    for (size_t i = 0; i < segments->size(); ++i)
        if ((*segments)[i].underCovered)
            curated->selectBar(int(i));
    auto *y = new QBarCategoryAxis;
    y->append(labels);
    y->setTitleText(QObject::tr("Segment · failure rate"));
    QValueAxis *x = countAxis(QObject::tr("Share of all traffic / of all curated data (%)"), most * 1.05);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(y);
    series->attachAxis(x);

    QObject::connect(series, &QHorizontalBarSeries::hovered, chart,
                     [segments](bool state, int index, QBarSet *) {
                         showTip(state ? tip((*segments)[size_t(index)]) : QString());
                     });
    QObject::connect(series, &QHorizontalBarSeries::clicked, chart, [chart](int index, QBarSet *) {
        if (index >= 0 && index < chart->segments().size())
            emit chart->segmentClicked(chart->segments().at(index));
    });
    return chart;
}

} // namespace flywheel::charts
