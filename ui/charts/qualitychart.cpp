#include "charts/qualitychart.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <memory>

namespace flywheel::charts {
namespace {

struct RateKind {
    QString name;
    Rate QualityPoint::*rate;
    Qt::PenStyle style;
};

std::vector<RateKind> rateKinds()
{
    return {{QObject::tr("acceptance"), &QualityPoint::acceptance, Qt::SolidLine},
            {QObject::tr("correction"), &QualityPoint::correction, Qt::DashLine},
            {QObject::tr("abandonment"), &QualityPoint::abandonment, Qt::DotLine},
            {QObject::tr("thumbs up"), &QualityPoint::thumbsUp, Qt::DashDotLine}};
}

// Acceptance is the headline: thickest. Thumbs up gets a long dash and a dot, unlike correction's
// short dashes, and a lighter tint: it rests on far fewer interactions.
QPen linePen(const QColor &color, const RateKind &kind)
{
    if (kind.rate == &QualityPoint::acceptance)
        return pen(color, 2.6);
    if (kind.rate == &QualityPoint::thumbsUp) {
        QPen p = pen(color.lighter(115), 1.6);
        p.setDashPattern({7, 3, 1.5, 3});
        return p;
    }
    return pen(color, 1.8, kind.style);
}

// One line's points, for its tooltip.
struct Line {
    DashboardMetrics metrics; // the filter only, for bucket labels
    QString label;
    RateKind kind;
    std::vector<QualityPoint> points;
    std::vector<double> xs;
};

QString tip(const Line &line, double x)
{
    if (line.points.empty())
        return {};
    size_t nearest = 0;
    for (size_t i = 1; i < line.xs.size(); ++i)
        if (std::abs(line.xs[i] - x) < std::abs(line.xs[nearest] - x))
            nearest = i;
    const QualityPoint &p = line.points[nearest];
    return QObject::tr("%1, %2\n%3: %4")
        .arg(line.label, bucketText(line.metrics, p.bucketMs), line.kind.name, rateText(p.*line.kind.rate));
}

} // namespace

QChart *buildQualityChart(const DashboardMetrics &m, const VersionPalette &palette)
{
    const QString title =
        QObject::tr("Quality: how users received each version's outputs, per %1").arg(bucketName(m));
    if (m.quality.empty())
        return emptyChart(title, noDataHint(m));

    const qint64 width = bucketMs(m);
    qint64 first = m.quality.front().bucketMs, last = first;
    for (const QualityPoint &p : m.quality) {
        first = qMin(first, p.bucketMs);
        last = qMax(last, p.bucketMs);
    }
    QChart *chart = newChart(
        title,
        QObject::tr(
            "Colour: model version. Line: solid acceptance, dashed correction, dotted "
            "abandonment, light dash-dot thumbs up (of rated). Buckets under %1 interactions left out.")
            .arg(kMinimumForRate));
    QCategoryAxis *x = timeAxis(first, last + width);
    QValueAxis *y = percentAxis(QObject::tr("Share of interactions (%)"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);

    const std::vector<RateKind> kinds = rateKinds();
    for (const auto &version : palette.versions()) {
        const QColor color = palette.color(version.first, version.second);
        for (size_t k = 0; k < kinds.size(); ++k) {
            auto line = std::make_shared<Line>();
            line->metrics.filter = m.filter;
            line->label = palette.label(version.first, version.second);
            line->kind = kinds[k];
            auto *series = new QLineSeries;
            for (const QualityPoint &p : m.quality) {
                const Rate &rate = p.*kinds[k].rate;
                if (p.model != version.first || p.version != version.second || rate.n < kMinimumForRate)
                    continue;
                const double at = dayValue(p.bucketMs + width / 2);
                series->append(at, 100.0 * rate.value);
                line->points.push_back(p);
                line->xs.push_back(at);
            }
            if (line->points.empty()) {
                delete series;
                continue;
            }
            series->setName(line->label);
            series->setPen(linePen(color, kinds[k]));
            chart->addSeries(series);
            series->attachAxis(x);
            series->attachAxis(y);
            // The legend names each version once (by its acceptance line); the rate key follows.
            if (k != 0)
                for (QLegendMarker *marker : chart->legend()->markers(series))
                    marker->setVisible(false);
            QObject::connect(series, &QLineSeries::hovered, chart, [line](const QPointF &point, bool state) {
                showTip(state ? tip(*line, point.x()) : QString());
            });
        }
    }
    // The key of line styles: empty grey series, shown in the legend only.
    for (const RateKind &kind : kinds) {
        auto *key = new QLineSeries;
        key->setName(kind.name);
        key->setPen(linePen(QColor(0x55, 0x55, 0x55), kind));
        chart->addSeries(key);
        key->attachAxis(x);
        key->attachAxis(y);
    }
    return chart;
}

} // namespace flywheel::charts
