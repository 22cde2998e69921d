#include "charts/growthchart.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <memory>

namespace flywheel::charts {
namespace {

QString duplicates(const DashboardMetrics &m)
{
    return QObject::tr("Duplicates: %1 of the traffic repeats another interaction (%2 of %3)")
        .arg(percent(m.duplicates.value), count(m.duplicates.hits), count(m.duplicates.n));
}

QString tip(const DatasetGrowth &d)
{
    return QObject::tr("%1 v%2 (%3), created %4\n%5 examples\ncoverage-gap score %6%7")
        .arg(d.name)
        .arg(d.version)
        .arg(d.kind, dateText(d.createdAtMs), count(d.examples))
        .arg(d.coverageGap, 0, 'f', 3)
        .arg(d.referenceRunId > 0 ? QObject::tr(" against curation run %1").arg(d.referenceRunId)
                                  : QObject::tr(" (its curation run is unknown)"));
}

} // namespace

QChart *buildGrowthChart(const DashboardMetrics &m, const VersionPalette &)
{
    const QString title = QObject::tr("Data growth: examples per dataset version");
    if (m.curationRunId == 0)
        return emptyChart(title, noDataHint(m));
    if (m.datasets.empty())
        return emptyChart(
            title, QObject::tr("No data yet: export a dataset (`flywheel export`). %1.").arg(duplicates(m)));

    auto datasets = std::make_shared<std::vector<DatasetGrowth>>(m.datasets);
    std::stable_sort(datasets->begin(), datasets->end(), [](const DatasetGrowth &a, const DatasetGrowth &b) {
        return a.createdAtMs < b.createdAtMs;
    });
    QChart *chart =
        newChart(title, duplicates(m) + QObject::tr(". Line: each version's coverage-gap score."));
    auto *examples = new QBarSet(QObject::tr("Examples"));
    examples->setColor(colors::examples());
    examples->setBorderColor(colors::examples().darker(120));
    auto *gap = new QLineSeries;
    gap->setName(QObject::tr("Coverage-gap score (right axis)"));
    gap->setPen(pen(colors::gapLine(), 2.5));
    gap->setPointsVisible(true);
    gap->setMarkerSize(9);
    QStringList categories;
    qint64 most = 0;
    double worst = 0;
    for (size_t i = 0; i < datasets->size(); ++i) {
        const DatasetGrowth &d = (*datasets)[i];
        categories.append(QStringLiteral("%1 v%2").arg(d.name).arg(d.version));
        examples->append(double(d.examples));
        gap->append(double(i), d.coverageGap);
        most = qMax(most, d.examples);
        worst = qMax(worst, d.coverageGap);
    }
    auto *bars = new QBarSeries;
    bars->append(examples);
    bars->setBarWidth(0.5);
    bars->setLabelsVisible(true);
    bars->setLabelsFormat(QStringLiteral("@value"));
    bars->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    chart->addSeries(bars);
    chart->addSeries(gap);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(QObject::tr("Dataset version (in order of export)"));
    QValueAxis *y = countAxis(QObject::tr("Examples"), double(most) * 1.1);
    auto *score = new QValueAxis;
    score->setRange(0, qMax(0.05, qMin(1.0, worst * 1.3)));
    score->setTickCount(6);
    score->applyNiceNumbers();
    score->setLabelFormat(QStringLiteral("%.2f"));
    score->setTitleText(QObject::tr("Coverage-gap score (0–1)"));
    score->setGridLineVisible(false);
    score->setLabelsColor(colors::gapLine().darker(120));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(score, Qt::AlignRight);
    bars->attachAxis(x);
    bars->attachAxis(y);
    gap->attachAxis(x);
    gap->attachAxis(score);

    QObject::connect(bars, &QBarSeries::hovered, chart, [datasets](bool state, int index, QBarSet *) {
        showTip(state ? tip((*datasets)[size_t(index)]) : QString());
    });
    QObject::connect(gap, &QLineSeries::hovered, chart, [datasets](const QPointF &point, bool state) {
        const qsizetype index =
            qBound(qsizetype(0), qsizetype(qRound(point.x())), qsizetype(datasets->size()) - 1);
        showTip(state ? tip((*datasets)[size_t(index)]) : QString());
    });
    return chart;
}

} // namespace flywheel::charts
