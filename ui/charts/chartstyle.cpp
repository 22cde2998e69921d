#include "charts/chartstyle.h"

#include <QCategoryAxis>
#include <QChart>
#include <QCursor>
#include <QDateTime>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLocale>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace flywheel::charts {
namespace {

// Tableau 10: distinguishable hues of similar weight, in an order that keeps neighbours apart.
constexpr QRgb kVersionColors[] = {0x4e79a7, 0xf28e2b, 0x59a14f, 0xe15759, 0xb07aa1,
                                   0x9c755f, 0x76b7b2, 0xedc948, 0xff9da7, 0xbab0ac};

constexpr qreal kSubtitlePoints = 9;

const QLocale &english()
{
    static const QLocale locale(QLocale::English);
    return locale;
}

QDate utcDate(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).date();
}

qint64 utcMs(QDate date)
{
    return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

void VersionPalette::add(const DashboardMetrics &metrics)
{
    for (const Deployment &d : metrics.deployments)
        add(d.model, d.version);
    for (const VolumePoint &p : metrics.volume)
        add(p.model, p.version);
    for (const AutomationFigures &a : metrics.automation)
        add(a.model, a.version);
    for (const CycleComparison &c : metrics.cycles) {
        add(c.model, c.previousVersion);
        add(c.model, c.currentVersion);
    }
}

void VersionPalette::add(const QString &model, const QString &version)
{
    if (indexOf(model, version) < 0)
        m_versions.emplace_back(model, version);
}

int VersionPalette::indexOf(const QString &model, const QString &version) const
{
    for (size_t i = 0; i < m_versions.size(); ++i)
        if (m_versions[i].first == model && m_versions[i].second == version)
            return int(i);
    return -1;
}

QColor VersionPalette::color(const QString &model, const QString &version) const
{
    const int index = qMax(0, indexOf(model, version));
    constexpr int size = int(std::size(kVersionColors));
    // Past ten versions the hues repeat, darker each round.
    QColor color(kVersionColors[index % size]);
    for (int round = 0; round < index / size; ++round)
        color = color.darker(140);
    return color;
}

QString VersionPalette::label(const QString &model, const QString &version) const
{
    const bool oneModel = std::all_of(m_versions.cbegin(), m_versions.cend(),
                                      [&](const auto &entry) { return entry.first == model; });
    const QString name = version.isEmpty() ? QObject::tr("(no version)") : version;
    return oneModel || model.isEmpty() ? name : model + QLatin1Char(' ') + name;
}

namespace colors {
QColor automated()
{
    return QColor(0x8c, 0xc0, 0xde);
}
QColor reviewed()
{
    return QColor(0xe6, 0x9f, 0x5c);
}
QColor traffic()
{
    return QColor(0xb8, 0xb8, 0xb8);
}
QColor curated()
{
    return QColor(0x3d, 0x6a, 0x96);
}
QColor underCovered()
{
    return QColor(0xd6, 0x27, 0x28);
}
QColor flagged()
{
    return QColor(0xc4, 0x4e, 0x52);
}
QColor decisions()
{
    return QColor(0x2a, 0x8c, 0x82);
}
QColor backlog()
{
    return QColor(0x8f, 0x6b, 0xa8);
}
QColor examples()
{
    return QColor(0x6b, 0x8e, 0xb5);
}
QColor gapLine()
{
    return QColor(0xd6, 0x27, 0x28);
}
QColor ink()
{
    return QColor(0x33, 0x33, 0x33);
}
} // namespace colors

namespace {

// Breaks @p text into lines no wider than @p width: chart titles are cut off, not wrapped.
QStringList wrapped(const QString &text, const QFont &font, qreal width)
{
    const QFontMetricsF metrics(font);
    QStringList lines;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString longer = line.isEmpty() ? word : line + QLatin1Char(' ') + word;
        if (!line.isEmpty() && metrics.horizontalAdvance(longer) > width) {
            lines.append(line);
            line = word;
        } else {
            line = longer;
        }
    }
    if (!line.isEmpty())
        lines.append(line);
    return lines;
}

void layOutTitle(QChart *chart)
{
    // Before the first layout the size is 0: wrap for a wide chart, and again once it has a size.
    const qreal width = chart->size().width() > 100 ? chart->size().width() - 40 : 1200;
    QFont bold = chart->titleFont();
    bold.setBold(true);
    // An empty chart's hint is all it says: larger than a subtitle.
    const qreal points = chart->property("flywheelEmpty").toBool() ? kSubtitlePoints + 2 : kSubtitlePoints;
    QFont small = chart->titleFont();
    small.setPointSizeF(points);
    small.setBold(false);
    QStringList html;
    for (const QString &line : wrapped(chart->property("flywheelTitle").toString(), bold, width))
        html.append(QStringLiteral("<b>%1</b>").arg(line.toHtmlEscaped()));
    for (const QString &line : wrapped(chart->property("flywheelSubtitle").toString(), small, width))
        html.append(
            QStringLiteral("<span style=\"color:#555555; font-weight:normal; font-size:%1pt\">%2</span>")
                .arg(points)
                .arg(line.toHtmlEscaped()));
    chart->setTitle(html.join(QStringLiteral("<br>")));
}

} // namespace

void setTitle(QChart *chart, const QString &title, const QString &subtitle)
{
    chart->setProperty("flywheelTitle", title);
    chart->setProperty("flywheelSubtitle", subtitle);
    if (!chart->property("flywheelWraps").toBool()) {
        chart->setProperty("flywheelWraps", true);
        QObject::connect(chart, &QGraphicsWidget::geometryChanged, chart, [chart] { layOutTitle(chart); });
    }
    layOutTitle(chart);
}

QChart *newChart(const QString &title, const QString &subtitle)
{
    auto *chart = new QChart;
    applyStyle(chart, title, subtitle);
    return chart;
}

void applyStyle(QChart *chart, const QString &title, const QString &subtitle)
{
    // Rendered at once: animations would leave saved images and the refresh half-drawn.
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setTheme(QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(8, 4, 12, 4));
    // The chart's white fills its view: no grey frame around it.
    if (chart->layout())
        chart->layout()->setContentsMargins(0, 0, 0, 0);
    QFont font = chart->titleFont();
    font.setPointSizeF(11);
    chart->setTitleFont(font);
    chart->setTitleBrush(colors::ink());
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setLabelColor(colors::ink());
    setTitle(chart, title, subtitle);
}

QChart *emptyChart(const QString &title, const QString &hint)
{
    auto *chart = new QChart;
    makeEmpty(chart, title, hint);
    return chart;
}

void makeEmpty(QChart *chart, const QString &title, const QString &hint)
{
    chart->setProperty("flywheelEmpty", true);
    applyStyle(chart, title, hint);
    chart->legend()->hide();
    chart->setObjectName(QStringLiteral("empty"));
    // The title and its hint sit in the middle of the chart, where its data would be.
    QObject::connect(chart, &QGraphicsWidget::geometryChanged, chart,
                     [chart] { chart->setMargins(QMargins(16, int(chart->size().height() * 0.36), 16, 8)); });
}

QString noDataHint(const DashboardMetrics &metrics, const QString &otherwise)
{
    if (metrics.curationRunId == 0)
        return QObject::tr("No data yet: run `flywheel curate` (or Review ▸ Run Curation)");
    return otherwise.isEmpty() ? QObject::tr("No data for this filter") : otherwise;
}

qint64 bucketMs(const DashboardMetrics &metrics)
{
    return metrics.filter.bucket == DashboardFilter::Bucket::Week ? 7 * kDayMs : kDayMs;
}

QString bucketName(const DashboardMetrics &metrics)
{
    return metrics.filter.bucket == DashboardFilter::Bucket::Week ? QObject::tr("week") : QObject::tr("day");
}

QCategoryAxis *timeAxis(qint64 fromMs, qint64 toMs)
{
    toMs = qMax(toMs, fromMs + kDayMs);
    const QDate first = utcDate(fromMs), last = utcDate(toMs);
    const qint64 days = first.daysTo(last);
    // Tick dates and the label format: the finest step that gives at most a dozen labels.
    QList<QDate> ticks;
    QString format = QStringLiteral("MMM d");
    if (days <= 12) {
        for (QDate d = first; d <= last; d = d.addDays(1))
            ticks.append(d);
    } else if (days <= 12 * 7) {
        for (QDate d = first.addDays((8 - first.dayOfWeek()) % 7); d <= last; d = d.addDays(7))
            ticks.append(d);
    } else if (days <= 6 * 31) {
        for (QDate m(first.year(), first.month(), 1); m <= last; m = m.addMonths(1))
            for (int day : {1, 16})
                if (QDate d(m.year(), m.month(), day); d >= first && d <= last)
                    ticks.append(d);
    } else {
        const int step = days <= 12 * 31 ? 1 : days <= 36 * 31 ? 3 : 12;
        format = QStringLiteral("MMM yyyy");
        for (QDate m(first.year(), 1, 1); m <= last; m = m.addMonths(step))
            if (m >= first)
                ticks.append(m);
    }

    auto *axis = new QCategoryAxis;
    axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    const double min = dayValue(fromMs), max = dayValue(toMs);
    // Categories end at their tick; the start sits just before the first so it may equal min.
    axis->setStartValue(min - 1e-3);
    // A label centred on either end would be cut off by the chart's edge.
    const double margin = (max - min) * 0.04;
    for (const QDate &tick : std::as_const(ticks))
        if (const double at = dayValue(utcMs(tick)); at >= min && at <= max - margin)
            axis->append(english().toString(tick, format), at);
    axis->setRange(min, max);
    axis->setTitleText(QObject::tr("Date (UTC)"));
    axis->setLabelsColor(colors::ink());
    axis->setGridLineColor(QColor(0xe4, 0xe4, 0xe4));
    return axis;
}

QValueAxis *countAxis(const QString &title, double max)
{
    // About five steps of 1, 2, 2.5 or 5 times a power of ten, ending just above max:
    // applyNiceNumbers() can leave half the plot empty (0–30,000 for a peak of 17,000).
    max = qMax(max, 1.0);
    const double magnitude = std::pow(10.0, std::floor(std::log10(max / 5)));
    double step = magnitude * 10;
    for (double factor : {1.0, 2.0, 2.5, 5.0})
        if (max / (magnitude * factor) <= 6) {
            step = magnitude * factor;
            break;
        }
    const int steps = qMax(1, int(std::ceil(max / step - 1e-9)));
    auto *axis = new QValueAxis;
    axis->setRange(0, step * steps);
    axis->setTickCount(steps + 1);
    axis->setLabelFormat(step < 1      ? QStringLiteral("%.2f")
                         : step == 2.5 ? QStringLiteral("%.1f")
                                       : QStringLiteral("%.0f"));
    axis->setTitleText(title);
    axis->setLabelsColor(colors::ink());
    axis->setGridLineColor(QColor(0xe4, 0xe4, 0xe4));
    return axis;
}

QValueAxis *percentAxis(const QString &title, double min, double max)
{
    auto *axis = new QValueAxis;
    axis->setRange(min, max);
    axis->setTickCount(6);
    axis->applyNiceNumbers();
    axis->setLabelFormat(QStringLiteral("%.0f"));
    axis->setTitleText(title);
    axis->setLabelsColor(colors::ink());
    axis->setGridLineColor(QColor(0xe4, 0xe4, 0xe4));
    return axis;
}

QPen pen(const QColor &color, qreal width, Qt::PenStyle style)
{
    QPen p(color, width, style, Qt::RoundCap, Qt::RoundJoin);
    return p;
}

QString percent(double fraction, int decimals)
{
    return percentText(fraction, decimals);
}

QString count(qint64 value)
{
    return english().toString(value);
}

QString rateText(const Rate &rate)
{
    if (rate.n == 0)
        return QObject::tr("no data");
    return QObject::tr("%1 (95 % CI %2–%3, %4 of %5)")
        .arg(percent(rate.value), english().toString(100.0 * rate.low, 'f', 1), percent(rate.high),
             count(rate.hits), count(rate.n));
}

QString dateText(qint64 ms)
{
    return utcDate(ms).toString(Qt::ISODate);
}

QString bucketText(const DashboardMetrics &metrics, qint64 bucketMs)
{
    const QString day = dateText(bucketMs);
    return metrics.filter.bucket == DashboardFilter::Bucket::Week ? QObject::tr("week of %1").arg(day) : day;
}

void showTip(const QString &text)
{
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(QCursor::pos(), text);
}

} // namespace flywheel::charts
