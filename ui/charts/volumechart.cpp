#include "charts/volumechart.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QDateTime>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <limits>
#include <memory>

namespace flywheel::charts {
namespace {

// What the tooltips read: counts per version and bucket.
struct Volume {
    DashboardMetrics metrics; // for the bucket labels only; its series are left empty
    std::vector<qint64> buckets;
    std::vector<QString> labels;
    std::vector<std::vector<qint64>> counts; // [version][bucket]
    std::vector<qint64> totals;              // [bucket]
};

QString tip(const Volume &v, size_t version, double x)
{
    const qint64 ms = qint64(x * double(kDayMs));
    const auto after = std::upper_bound(v.buckets.cbegin(), v.buckets.cend(), ms);
    if (after == v.buckets.cbegin())
        return {};
    const size_t bucket = size_t(after - v.buckets.cbegin()) - 1;
    const qint64 n = v.counts[version][bucket], total = v.totals[bucket];
    return QObject::tr("%1, %2: %3 interactions (%4 of %5)")
        .arg(v.labels[version], bucketText(v.metrics, v.buckets[bucket]), count(n),
             percent(total > 0 ? double(n) / double(total) : 0), count(total));
}

// A dashed line where a version went live, labelled at the top of the plot, left-aligned beside the
// line (or before it near the right edge) so that no label hangs over the axis. Point labels would be
// centred on the point; a text item placed on each layout is not.
void addDeployment(QChart *chart, const Deployment &d, const VersionPalette &palette, int row,
                   QAbstractAxis *x, QAbstractAxis *y)
{
    auto *yAxis = static_cast<QValueAxis *>(y);
    const QColor color = palette.color(d.model, d.version);
    auto *line = new QLineSeries;
    line->append(dayValue(d.atMs), 0);
    line->append(dayValue(d.atMs), yAxis->max());
    line->setPen(pen(color.darker(130), 1.5, Qt::DashLine));
    chart->addSeries(line);
    line->attachAxis(x);
    line->attachAxis(y);
    for (QLegendMarker *marker : chart->legend()->markers(line))
        marker->setVisible(false);

    const QString name = palette.label(d.model, d.version);
    auto *label = new QGraphicsSimpleTextItem(
        d.recorded ? QObject::tr("%1 deployed").arg(name) : QObject::tr("%1 first seen").arg(name), chart);
    label->setBrush(color.darker(150));
    label->setZValue(10);
    const double at = dayValue(d.atMs);
    const auto place = [chart, line, label, at, row] {
        const QRectF plot = chart->plotArea();
        const QPointF base = chart->mapToPosition(QPointF(at, 0), line);
        const QRectF box = label->boundingRect();
        qreal left = base.x() + 4;
        if (left + box.width() > plot.right())
            left = base.x() - 4 - box.width();
        label->setPos(left, plot.top() + 3 + row * (box.height() + 1));
    };
    QObject::connect(chart, &QChart::plotAreaChanged, chart, place);
    place();

    const QString text =
        QObject::tr("%1 %2 at %3 UTC")
            .arg(
                name, d.recorded ? QObject::tr("deployed") : QObject::tr("first seen"),
                QDateTime::fromMSecsSinceEpoch(d.atMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    QObject::connect(line, &QLineSeries::hovered, chart,
                     [text](const QPointF &, bool state) { showTip(state ? text : QString()); });
}

} // namespace

QChart *buildVolumeChart(const DashboardMetrics &m, const VersionPalette &palette)
{
    const QString title = QObject::tr("Traffic: interactions per %1, by model version").arg(bucketName(m));
    if (m.volume.empty())
        return emptyChart(title, noDataHint(m));

    auto v = std::make_shared<Volume>();
    v->metrics.filter = m.filter;
    const qint64 width = bucketMs(m);
    qint64 first = m.volume.front().bucketMs, last = first;
    for (const VolumePoint &p : m.volume) {
        first = qMin(first, p.bucketMs);
        last = qMax(last, p.bucketMs);
    }
    // Every bucket from the first to the last: a quiet one shows as a dip, not as a missing day.
    for (qint64 b = first; b <= last; b += width)
        v->buckets.push_back(b);
    v->totals.assign(v->buckets.size(), 0);
    std::vector<std::pair<QString, QString>> versions;
    for (const auto &version : palette.versions()) {
        const bool present = std::any_of(m.volume.cbegin(), m.volume.cend(), [&](const VolumePoint &p) {
            return p.model == version.first && p.version == version.second;
        });
        if (present)
            versions.push_back(version);
    }
    qint64 total = 0;
    for (const auto &version : versions) {
        std::vector<qint64> counts(v->buckets.size(), 0);
        for (const VolumePoint &p : m.volume)
            if (p.model == version.first && p.version == version.second) {
                const size_t at = size_t((p.bucketMs - first) / width);
                counts[at] += p.interactions;
                v->totals[at] += p.interactions;
                total += p.interactions;
            }
        v->counts.push_back(std::move(counts));
        v->labels.push_back(palette.label(version.first, version.second));
    }

    const QString subtitle =
        QObject::tr("%1 interactions from %2 to %3 (UTC). Dashed lines: a version going live.")
            .arg(count(total), dateText(first), dateText(last + width - 1));
    QChart *chart = newChart(title, subtitle);
    QCategoryAxis *x = timeAxis(first, last + width);
    const qint64 peak = *std::max_element(v->totals.cbegin(), v->totals.cend());
    // Headroom above the peak for the deployment labels.
    QValueAxis *y = countAxis(QObject::tr("Interactions per %1").arg(bucketName(m)), double(peak) * 1.15);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);

    // Stacked areas drawn as steps: each bucket is a flat top, like a bar, readable at 100+ buckets.
    std::vector<qint64> below(v->buckets.size(), 0);
    for (size_t version = 0; version < versions.size(); ++version) {
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        for (size_t i = 0; i < v->buckets.size(); ++i) {
            const double from = dayValue(v->buckets[i]), to = dayValue(v->buckets[i] + width);
            const qint64 top = below[i] + v->counts[version][i];
            upper->append(from, double(top));
            upper->append(to, double(top));
            lower->append(from, double(below[i]));
            lower->append(to, double(below[i]));
            below[i] = top;
        }
        auto *area = new QAreaSeries(upper, lower);
        upper->setParent(area);
        lower->setParent(area);
        const QColor color = palette.color(versions[version].first, versions[version].second);
        area->setName(v->labels[version]);
        area->setColor(color);
        // No outline: an area's lower edge is the top of the one below and would take its colour.
        area->setPen(Qt::NoPen);
        chart->addSeries(area);
        area->attachAxis(x);
        area->attachAxis(y);
        QObject::connect(area, &QAreaSeries::hovered, chart, [v, version](const QPointF &point, bool state) {
            showTip(state ? tip(*v, version, point.x()) : QString());
        });
    }

    // Labels of deployments close together take turns on two rows.
    int row = 0;
    qint64 previous = std::numeric_limits<qint64>::min() / 2;
    for (const Deployment &d : m.deployments) {
        if (d.atMs < first || d.atMs > last + width)
            continue;
        row = d.atMs - previous < (last + width - first) / 8 ? 1 - row : 0;
        previous = d.atMs;
        addDeployment(chart, d, palette, row, x, y);
    }
    return chart;
}

} // namespace flywheel::charts
