#include "charts/automationchart.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QStackedBarSeries>
#include <QValueAxis>

#include <memory>

namespace flywheel::charts {
namespace {

QString tip(const QString &label, const AutomationFigures &a)
{
    return QObject::tr("%1: %2 curated examples\nlabeled by the rules: %3 (%4)\nlabeled by reviewers: %5\n"
                       "reviewer time: %6 s in all, %7 s per curated example")
        .arg(label, count(a.curated), count(a.byRules), percent(a.automated.value), count(a.byReviewers))
        .arg(a.reviewerSeconds, 0, 'f', 0)
        .arg(a.reviewerSecondsPerCurated, 0, 'f', 2);
}

} // namespace

QChart *buildAutomationChart(const DashboardMetrics &m, const VersionPalette &palette)
{
    const QString title = QObject::tr("Automation and cost: who labels the curated examples");
    if (m.automation.empty() || m.automationTotal.curated == 0)
        return emptyChart(title, noDataHint(m, QObject::tr("No curated examples for this filter")));

    auto figures = std::make_shared<std::vector<std::pair<QString, AutomationFigures>>>();
    for (const AutomationFigures &a : m.automation)
        figures->emplace_back(palette.label(a.model, a.version), a);
    figures->emplace_back(QObject::tr("All versions"), m.automationTotal);

    // Without any review time recorded a line along 0 says nothing: the subtitle says it instead.
    const bool reviewed = m.automationTotal.reviewerSeconds > 0;
    QChart *chart = newChart(
        title,
        reviewed ? QObject::tr("%1 of %2 curated examples labeled by the rules; reviewers spent %3 s per "
                               "curated example (line, right axis)")
                       .arg(percent(m.automationTotal.automated.value), count(m.automationTotal.curated))
                       .arg(m.automationTotal.reviewerSecondsPerCurated, 0, 'f', 2)
                 : QObject::tr("%1 of %2 curated examples labeled by the rules; no review time recorded yet")
                       .arg(percent(m.automationTotal.automated.value), count(m.automationTotal.curated)));
    auto *rules = new QBarSet(QObject::tr("Labeled by the rules (%)"));
    auto *people = new QBarSet(QObject::tr("Labeled by reviewers (%)"));
    rules->setColor(colors::automated());
    people->setColor(colors::reviewed());
    rules->setBorderColor(colors::automated().darker(120));
    people->setBorderColor(colors::reviewed().darker(120));
    QStringList categories;
    for (size_t i = 0; i < figures->size(); ++i) {
        const AutomationFigures &a = (*figures)[i].second;
        categories.append((*figures)[i].first);
        rules->append(a.curated > 0 ? 100.0 * double(a.byRules) / double(a.curated) : 0);
        people->append(a.curated > 0 ? 100.0 * double(a.byReviewers) / double(a.curated) : 0);
    }
    auto *bars = new QStackedBarSeries;
    bars->append(rules);
    bars->append(people);
    bars->setBarWidth(0.55);
    bars->setLabelsVisible(true);
    bars->setLabelsFormat(QStringLiteral("@value %"));
    bars->setLabelsPrecision(3);
    bars->setLabelsPosition(QAbstractBarSeries::LabelsCenter);
    // A label does not fit a thin slice: the reviewers' share shows in the tooltip then.
    const auto thin = [](const QBarSet *set) {
        for (int i = 0; i < set->count(); ++i)
            if (set->at(i) > 0 && set->at(i) < 8)
                return true;
        return false;
    };
    for (QBarSet *set : {rules, people})
        if (thin(set))
            set->setLabelColor(Qt::transparent);
    chart->addSeries(bars);
    auto *x = new QBarCategoryAxis;
    x->append(categories);
    x->setTitleText(QObject::tr("Model version"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(percentAxis(QObject::tr("Share of curated examples (%)")), Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(chart->axes(Qt::Vertical).constFirst());
    QObject::connect(bars, &QStackedBarSeries::hovered, chart, [figures](bool state, int index, QBarSet *) {
        showTip(state ? tip((*figures)[size_t(index)].first, (*figures)[size_t(index)].second) : QString());
    });
    if (!reviewed)
        return chart;

    // The cost: reviewer seconds per curated example, on the right axis.
    auto *seconds = new QLineSeries;
    seconds->setName(QObject::tr("Review seconds per example"));
    seconds->setPen(pen(colors::ink(), 2));
    seconds->setPointsVisible(true);
    seconds->setMarkerSize(9);
    double most = 0;
    for (size_t i = 0; i < figures->size(); ++i) {
        seconds->append(double(i), (*figures)[i].second.reviewerSecondsPerCurated);
        most = qMax(most, (*figures)[i].second.reviewerSecondsPerCurated);
    }
    chart->addSeries(seconds);
    QValueAxis *cost = countAxis(QObject::tr("Review seconds per example"), most * 1.2);
    cost->setLabelFormat(most * 1.2 < 5 ? QStringLiteral("%.2f") : QStringLiteral("%.0f"));
    cost->setGridLineVisible(false);
    chart->addAxis(cost, Qt::AlignRight);
    seconds->attachAxis(x);
    seconds->attachAxis(cost);
    QObject::connect(seconds, &QLineSeries::hovered, chart, [figures](const QPointF &point, bool state) {
        const qsizetype index =
            qBound(qsizetype(0), qsizetype(qRound(point.x())), qsizetype(figures->size()) - 1);
        showTip(state ? tip((*figures)[size_t(index)].first, (*figures)[size_t(index)].second) : QString());
    });
    return chart;
}

} // namespace flywheel::charts
