#include "charts/cyclechart.h"

#include <QCategoryAxis>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>
#include <memory>

namespace flywheel::charts {
namespace {

// One version's figures per segment, and what it is compared with.
struct Column {
    QString model, version, label;
    QString previousLabel;                // empty for the first version of a model
    std::vector<VersionFigures> figures;  // [segment]
    std::vector<VersionFigures> previous; // [segment], when previousLabel is set
};

QString segmentName(const QString &segment)
{
    return segment.isEmpty() ? QObject::tr("All segments") : segment;
}

QString change(const Rate &now, const Rate &before)
{
    if (now.n == 0 || before.n == 0)
        return {};
    const double points = 100.0 * (now.value - before.value);
    const bool apart = now.low > before.high || now.high < before.low;
    return QObject::tr("%1%2 points; %3")
        .arg(points >= 0 ? QStringLiteral("+") : QString())
        .arg(points, 0, 'f', 1)
        .arg(apart ? QObject::tr("the intervals do not overlap") : QObject::tr("the intervals overlap"));
}

QString tip(const Column &c, const QString &segment, size_t at)
{
    QString text = QObject::tr("%1, %2\nacceptance %3")
                       .arg(segmentName(segment), c.label, rateText(c.figures[at].acceptance));
    if (!c.previousLabel.isEmpty()) {
        text += QObject::tr("\n%1 before it: %2").arg(c.previousLabel, rateText(c.previous[at].acceptance));
        const QString delta = change(c.figures[at].acceptance, c.previous[at].acceptance);
        if (!delta.isEmpty())
            text += QObject::tr("\nchange: %1").arg(delta);
    }
    return text;
}

std::vector<Column> columnsOf(const DashboardMetrics &m, const VersionPalette &palette,
                              const QStringList &segments)
{
    // A version's figures are those of the comparison where it is current; the first version of a
    // model appears only as a previous one.
    const auto figuresOf = [&m](const QString &model, const QString &version, const QString &segment,
                                QString *previousVersion) -> std::pair<VersionFigures, VersionFigures> {
        for (const CycleComparison &c : m.cycles) {
            if (c.model != model || (c.currentVersion != version && c.previousVersion != version))
                continue;
            for (const SegmentComparison &s : c.segments) {
                if (s.segment != segment)
                    continue;
                if (c.currentVersion == version) {
                    *previousVersion = c.previousVersion;
                    return {s.current, s.previous};
                }
                return {s.previous, VersionFigures{}};
            }
        }
        return {};
    };
    std::vector<Column> columns;
    for (const auto &version : palette.versions()) {
        Column column{
            version.first, version.second, palette.label(version.first, version.second), {}, {}, {}};
        bool present = false;
        for (const QString &segment : segments) {
            QString previousVersion;
            const auto figures = figuresOf(version.first, version.second, segment, &previousVersion);
            present = present || figures.first.interactions > 0;
            if (!previousVersion.isEmpty())
                column.previousLabel = palette.label(version.first, previousVersion);
            column.figures.push_back(figures.first);
            column.previous.push_back(figures.second);
        }
        if (present)
            columns.push_back(std::move(column));
    }
    return columns;
}

} // namespace

QChart *buildCycleChart(const DashboardMetrics &m, const VersionPalette &palette)
{
    const QString title =
        QObject::tr("Cycle comparison: acceptance per segment, each version against the one "
                    "before");
    if (m.cycles.empty())
        return emptyChart(title, noDataHint(m, QObject::tr("No cycle yet: it needs two versions of a model "
                                                           "(`flywheel model add`)")));

    // Segments in the comparison's order: all together first, then by name.
    auto segments = std::make_shared<QStringList>();
    for (const CycleComparison &c : m.cycles)
        for (const SegmentComparison &s : c.segments)
            if (!segments->contains(s.segment))
                segments->append(s.segment);
    auto columns = std::make_shared<std::vector<Column>>(columnsOf(m, palette, *segments));

    const CycleComparison &latest = m.cycles.back();
    QString subtitle;
    if (!latest.segments.empty()) {
        const SegmentComparison &all = latest.segments.front();
        subtitle = QObject::tr("%1 against %2, all segments: acceptance %3 against %4 (%5)")
                       .arg(palette.label(latest.model, latest.currentVersion),
                            palette.label(latest.model, latest.previousVersion),
                            percent(all.current.acceptance.value), percent(all.previous.acceptance.value),
                            change(all.current.acceptance, all.previous.acceptance));
        if (!latest.trainedOn.isEmpty())
            subtitle += QObject::tr("; %1 trained on %2").arg(latest.currentVersion, latest.trainedOn);
        subtitle += QObject::tr(". Bars: 95 % intervals.");
    }
    QChart *chart = newChart(title, subtitle);
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);

    // Each segment is a band on the y axis, the first at the top; versions are stacked inside it.
    const int bands = int(segments->size());
    auto *y = new QCategoryAxis;
    y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    y->setStartValue(0);
    for (int band = bands - 1; band >= 0; --band)
        y->append(segmentName(segments->at(band)), double(bands - band));
    y->setRange(0, bands);
    y->setTitleText(QObject::tr("Segment"));
    y->setLabelsColor(colors::ink());
    y->setGridLineColor(QColor(0xd0, 0xd0, 0xd0));
    const auto rowOf = [&](int band, size_t column) {
        return double(bands - 1 - band) + double(columns->size() - column) / double(columns->size() + 1);
    };

    double low = 100, high = 0;
    std::vector<QAbstractSeries *> added;
    for (size_t c = 0; c < columns->size(); ++c) {
        const Column &column = (*columns)[c];
        const QColor color = palette.color(column.model, column.version);
        auto *dots = new QScatterSeries;
        dots->setName(column.label);
        dots->setColor(color);
        dots->setBorderColor(color.darker(160));
        dots->setMarkerSize(9);
        auto bandsOfDots = std::make_shared<std::vector<int>>();
        for (int band = 0; band < bands; ++band) {
            const Rate &r = column.figures[size_t(band)].acceptance;
            if (r.n == 0)
                continue;
            const double row = rowOf(band, c);
            // The interval: a thick bar in the version's colour, with short caps at its ends.
            auto *bar = new QLineSeries;
            bar->append(100 * r.low, row);
            bar->append(100 * r.high, row);
            bar->setPen(pen(color, 3.5));
            chart->addSeries(bar);
            added.push_back(bar);
            for (QLegendMarker *marker : chart->legend()->markers(bar))
                marker->setVisible(false);
            QObject::connect(
                bar, &QLineSeries::hovered, chart, [columns, segments, c, band](const QPointF &, bool state) {
                    showTip(state ? tip((*columns)[c], segments->at(band), size_t(band)) : QString());
                });
            dots->append(100 * r.value, row);
            bandsOfDots->push_back(band);
            low = qMin(low, 100 * r.low);
            high = qMax(high, 100 * r.high);
        }
        chart->addSeries(dots);
        added.push_back(dots);
        QObject::connect(dots, &QScatterSeries::hovered, chart,
                         [dots, bandsOfDots, columns, segments, c](const QPointF &point, bool state) {
                             const qsizetype at = dots->points().indexOf(point);
                             if (!state || at < 0) {
                                 showTip({});
                                 return;
                             }
                             const int band = (*bandsOfDots)[size_t(at)];
                             showTip(tip((*columns)[c], segments->at(band), size_t(band)));
                         });
    }
    if (high < low) {
        low = 0;
        high = 100;
    }
    QValueAxis *x = percentAxis(QObject::tr("Acceptance rate (%): share of interactions accepted or copied"),
                                qMax(0.0, std::floor(low / 5) * 5), qMin(100.0, std::ceil(high / 5) * 5));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *series : added) {
        series->attachAxis(x);
        series->attachAxis(y);
    }
    return chart;
}

} // namespace flywheel::charts
