#pragma once

#include "charts/chartstyle.h"
#include "metrics/dashboard.h"
#include "workers/backgroundjob.h"

#include <QList>
#include <QSize>
#include <QWidget>

#include <optional>

class QChartView;
class QComboBox;
class QDateEdit;
class QLabel;
class QMenu;
class QTimer;
class QToolButton;

namespace flywheel::ui {

class StudioSession;

/// The flywheel's health: a scrollable grid of the dashboard's charts under a filter bar (dates,
/// model versions, segments, day or week buckets). Every filter change reads the figures again on
/// a worker thread with its own connection; the newest request wins.
class DashboardView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DashboardView)

public:
    explicit DashboardView(QWidget *parent = nullptr);
    ~DashboardView() override;

    /// Loads the figures of the store at @p path without blocking; another store resets the filter.
    void load(const QString &path);
    /// Loads the session's store when the dashboard is shown, and again after it changed.
    void follow(StudioSession *session);
    /// Reads the figures again with the filter the controls show.
    void reload();
    /// The filter the controls show.
    DashboardFilter filter() const;
    /// Sets the controls to @p filter and reloads.
    void setFilter(const DashboardFilter &filter);

    /// The figures on screen; null before the first load.
    const DashboardMetrics *metrics() const { return m_metrics ? &*m_metrics : nullptr; }
    /// One view per chart, in charts::dashboardCharts() order.
    const QList<QChartView *> &chartViews() const { return m_views; }
    /// Writes chart @p index, drawn afresh at @p size, to @p path (.png or .svg).
    bool saveChart(int index, const QString &path, QSize size = QSize(1200, 700)) const;
    /// The choices the version and segment filters offer.
    QStringList versionChoices() const;
    QStringList segmentChoices() const;

signals:
    /// The charts show the figures of the latest request.
    void loaded();
    void failed(const QString &message);
    /// A segment was clicked in the coverage chart: the studio shows its review queue.
    void segmentActivated(const QString &segment);

private:
    QWidget *createFilterBar();
    QWidget *createGrid();
    QToolButton *choiceButton(const QString &name, QMenu **menu);
    void addChoices(QMenu *menu, const QStringList &values);
    void updateChoiceButtons();
    void controlsChanged();
    void showLoaded(const Result<DashboardMetrics> &result);
    void display(DashboardMetrics metrics);
    void showStatus(const DashboardMetrics &metrics);
    void saveInteractively(int index, const QString &suffix);

    QString m_path;
    std::optional<DashboardMetrics> m_metrics;
    charts::VersionPalette m_palette;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QToolButton *m_versionButton = nullptr;
    QToolButton *m_segmentButton = nullptr;
    QMenu *m_versions = nullptr;
    QMenu *m_segments = nullptr;
    QComboBox *m_bucket = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_dateDelay = nullptr;
    QList<QChartView *> m_views;
    // Loads still running, waited for on destruction (they hold their own connections).
    // The newest load wins: an older one still running is dropped when it ends.
    BackgroundJob<Result<DashboardMetrics>> m_load{[this](Result<DashboardMetrics> r) {
        showLoaded(r);
    }};
    QString m_saveFolder;
    bool m_filling = false;
};

} // namespace flywheel::ui
