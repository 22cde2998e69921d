#pragma once

// What every dashboard chart shares: the colours of model versions, the time axis, titles, number
// formats, tooltips and the empty state.

#include "metrics/dashboard.h"
#include "util/displaytext.h"

#include <QColor>
#include <QPen>
#include <QString>

#include <utility>
#include <vector>

class QAbstractAxis;
class QCategoryAxis;
class QChart;
class QValueAxis;

namespace flywheel::charts {

/// One colour per model version, the same in every chart. A version keeps the colour it got when
/// first added, so filtering the dashboard does not repaint the versions that remain.
class VersionPalette {
public:
    VersionPalette() = default;
    explicit VersionPalette(const DashboardMetrics &metrics) { add(metrics); }

    /// Adds the versions of @p metrics not known yet: deployed ones in deployment order, then the
    /// others in order of first traffic.
    void add(const DashboardMetrics &metrics);
    void add(const QString &model, const QString &version);

    QColor color(const QString &model, const QString &version) const;
    /// "v2", or "support-assistant v2" once the palette holds versions of two models.
    QString label(const QString &model, const QString &version) const;
    /// The versions, in palette order.
    const std::vector<std::pair<QString, QString>> &versions() const { return m_versions; }

private:
    int indexOf(const QString &model, const QString &version) const;

    std::vector<std::pair<QString, QString>> m_versions;
};

/// Colours of things that are not model versions, distinct from the version palette's.
namespace colors {
QColor automated();
QColor reviewed();
QColor traffic();
QColor curated();
QColor underCovered();
QColor flagged();
QColor decisions();
QColor backlog();
QColor examples();
QColor gapLine();
QColor ink(); ///< text and neutral lines
} // namespace colors

/// Gives @p chart the dashboard's look: no animation, a bold title, the legend at the bottom.
void applyStyle(QChart *chart, const QString &title, const QString &subtitle = {});
/// A new chart with applyStyle().
QChart *newChart(const QString &title, const QString &subtitle = {});
/// Sets a title with a smaller grey line under it.
void setTitle(QChart *chart, const QString &title, const QString &subtitle = {});
/// The empty state: the chart's name and what to do to get data, and no axes.
QChart *emptyChart(const QString &title, const QString &hint);
/// Turns @p chart, which has no series, into the empty state.
void makeEmpty(QChart *chart, const QString &title, const QString &hint);
/// The hint of an empty chart when nothing has been curated yet, else @p otherwise.
QString noDataHint(const DashboardMetrics &metrics, const QString &otherwise = {});

constexpr qint64 kDayMs = 86400000;
/// The bucket's length in milliseconds.
qint64 bucketMs(const DashboardMetrics &metrics);
/// "day" or "week".
QString bucketName(const DashboardMetrics &metrics);
/// Times are drawn in days since the epoch (UTC), which keep doubles small and exact.
inline double dayValue(qint64 ms)
{
    return double(ms) / double(kDayMs);
}
/// A time axis over [fromMs, toMs] labelled at whole UTC days, Mondays, half-months or months,
/// whichever gives about ten labels.
QCategoryAxis *timeAxis(qint64 fromMs, qint64 toMs);
/// A value axis from 0 with "nice" ticks up to at least @p max.
QValueAxis *countAxis(const QString &title, double max);
/// 0–100 %.
QValueAxis *percentAxis(const QString &title, double min = 0, double max = 100);

/// A pen of @p color, @p width pixels and @p style, with round joins.
QPen pen(const QColor &color, qreal width = 2, Qt::PenStyle style = Qt::SolidLine);

/// "12.3 %"
QString percent(double fraction, int decimals = 1);
/// "1,234"
QString count(qint64 value);
/// "48.9 % (95 % CI 45.9–51.9 %, 515 of 1,053)"
QString rateText(const Rate &rate);
/// "2026-08-03" (UTC)
QString dateText(qint64 ms);
/// "2026-08-03", or "week of 2026-08-03".
QString bucketText(const DashboardMetrics &metrics, qint64 bucketMs);

/// Shows @p text as a tooltip at the mouse; an empty text hides it.
void showTip(const QString &text);

} // namespace flywheel::charts
