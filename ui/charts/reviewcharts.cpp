#include "charts/reviewcharts.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <memory>

namespace flywheel::charts {

QChart *buildReviewThroughputChart(const DashboardMetrics &m, const VersionPalette &)
{
    const QString title = QObject::tr("Review throughput: flagged and decided per %1").arg(bucketName(m));
    if (m.reviews.empty())
        return emptyChart(title, noDataHint(m, QObject::tr("Nothing flagged for this filter")));

    const qint64 width = bucketMs(m);
    qint64 first = m.reviews.front().bucketMs, last = first, flaggedTotal = 0, decidedTotal = 0, peak = 0;
    for (const ReviewPoint &p : m.reviews) {
        first = qMin(first, p.bucketMs);
        last = qMax(last, p.bucketMs);
        flaggedTotal += p.flagged;
        decidedTotal += p.decisions;
        peak = qMax(peak, qMax(p.flagged, p.decisions));
    }
    QChart *chart =
        newChart(title, QObject::tr("%1 flagged, %2 decisions in the period; open backlog now: %3 "
                                    "interactions")
                            .arg(count(flaggedTotal), count(decidedTotal), count(m.backlogInteractions)));
    QCategoryAxis *x = timeAxis(first, last + width);
    QValueAxis *y = countAxis(QObject::tr("Interactions per %1").arg(bucketName(m)), double(peak) * 1.1);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);

    // Every bucket, so that a bucket without reviews shows as 0 rather than as a line across it.
    auto points = std::make_shared<std::vector<ReviewPoint>>();
    for (qint64 b = first; b <= last; b += width) {
        const auto found = std::find_if(m.reviews.cbegin(), m.reviews.cend(),
                                        [b](const ReviewPoint &p) { return p.bucketMs == b; });
        points->push_back(found != m.reviews.cend() ? *found : ReviewPoint{b, 0, 0});
    }
    auto *flagged = new QLineSeries;
    auto *decided = new QLineSeries;
    flagged->setName(QObject::tr("Flagged for review (by interaction time)"));
    decided->setName(QObject::tr("Decisions made (by decision time)"));
    flagged->setPen(pen(colors::flagged(), 2));
    decided->setPen(pen(colors::decisions(), 2.5));
    for (const ReviewPoint &p : *points) {
        const double at = dayValue(p.bucketMs + width / 2);
        flagged->append(at, double(p.flagged));
        decided->append(at, double(p.decisions));
    }
    const DashboardFilter filter = m.filter;
    for (QLineSeries *series : {flagged, decided}) {
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
        QObject::connect(
            series, &QLineSeries::hovered, chart, [points, filter, width](const QPointF &at, bool state) {
                if (!state || points->empty()) {
                    showTip({});
                    return;
                }
                const qint64 ms = qint64(at.x() * double(kDayMs));
                const auto nearest =
                    std::min_element(points->cbegin(), points->cend(), [&](const auto &a, const auto &b) {
                        return std::abs(a.bucketMs + width / 2 - ms) < std::abs(b.bucketMs + width / 2 - ms);
                    });
                DashboardMetrics labels;
                labels.filter = filter;
                showTip(QObject::tr("%1: %2 flagged, %3 decisions")
                            .arg(bucketText(labels, nearest->bucketMs), count(nearest->flagged),
                                 count(nearest->decisions)));
            });
    }
    return chart;
}

QChart *buildBacklogChart(const DashboardMetrics &m, const VersionPalette &)
{
    const QString title = QObject::tr("Review backlog: open flagged interactions by reason");
    qint64 open = 0;
    for (const BacklogEntry &b : m.backlog)
        open += b.open;
    if (m.curationRunId == 0 || open == 0)
        return emptyChart(title,
                          noDataHint(m, QObject::tr("The backlog is empty: every flagged interaction has a "
                                                    "decision")));

    // Largest at the top: horizontal bars list their categories from the bottom up.
    auto entries = std::make_shared<std::vector<BacklogEntry>>(m.backlog);
    std::sort(entries->begin(), entries->end(),
              [](const BacklogEntry &a, const BacklogEntry &b) { return a.open < b.open; });
    QChart *chart =
        newChart(title, QObject::tr("%1 interactions wait for a decision (one with two flags counts "
                                    "under both reasons)")
                            .arg(count(m.backlogInteractions)));
    auto *set = new QBarSet(QObject::tr("Open"));
    set->setColor(colors::backlog());
    set->setBorderColor(colors::backlog().darker(120));
    QStringList reasons;
    qint64 most = 0;
    for (const BacklogEntry &b : *entries) {
        reasons.append(readableName(b.reason));
        set->append(double(b.open));
        most = qMax(most, b.open);
    }
    auto *series = new QHorizontalBarSeries;
    series->append(set);
    series->setBarWidth(0.6);
    series->setLabelsVisible(true);
    series->setLabelsFormat(QStringLiteral("@value"));
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    chart->addSeries(series);
    chart->legend()->hide();
    auto *y = new QBarCategoryAxis;
    y->append(reasons);
    y->setTitleText(QObject::tr("Flag reason"));
    // Room to the right of the longest bar for its label.
    QValueAxis *x = countAxis(QObject::tr("Open flagged interactions"), double(most) * 1.15);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(y);
    series->attachAxis(x);
    const qint64 total = m.backlogInteractions;
    QObject::connect(series, &QHorizontalBarSeries::hovered, chart,
                     [entries, total](bool state, int index, QBarSet *) {
                         const BacklogEntry &b = (*entries)[size_t(index)];
                         showTip(state ? QObject::tr("%1: %2 open (%3 interactions in the whole backlog)")
                                             .arg(readableName(b.reason), count(b.open), count(total))
                                       : QString());
                     });
    return chart;
}

} // namespace flywheel::charts
