#pragma once

#include "settings/studiosettings.h"

#include <QMainWindow>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace flywheel {
struct RecoveryReport;
}

namespace flywheel::ui {

class CurationTask;
class DamageBanner;
class DashboardView;
class GuidelinesPanel;
class ReviewView;
class StoreOverview;

/// The studio's window: wires actions, docks and views, nothing else.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Shows the store at @p path (created by the caller when needed) and remembers it.
    void openStore(const QString &path);
    const QString &storePath() const { return m_storePath; }
    StoreOverview *overview() const { return m_overview; }
    QTabWidget *tabs() const { return m_tabs; }
    ReviewView *review() const { return m_review; }
    DashboardView *dashboard() const { return m_dashboard; }
    CurationTask *curation() const { return m_curation; }
    GuidelinesPanel *guidelines() const { return m_guidelines; }
    DamageBanner *damageBanner() const { return m_damage; }
    /// Starts a curation run of the open store, with progress in the status bar.
    void runCuration(bool full);

private:
    void createMenus();
    void createStatusBar();
    void createHistoryDock();
    void createGuidelinesDock(QDockWidget *besides);
    void chooseStore();
    void createStore();
    void importFiles();
    void askAnnotator();
    void fillRecentMenu();
    void showError(const QString &message);
    void loadOverviewIfShown();
    void loadDashboardIfShown();
    void reviewSegment(const QString &segment);
    void openRecovered(const QString &path, const RecoveryReport &report);

    StudioSettings m_settings;
    QTabWidget *m_tabs;
    ReviewView *m_review;
    StoreOverview *m_overview;
    DashboardView *m_dashboard;
    CurationTask *m_curation;
    GuidelinesPanel *m_guidelines;
    DamageBanner *m_damage;
    QMenu *m_recent = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QLabel *m_progress = nullptr;
    QLabel *m_background = nullptr;
    QProgressBar *m_curationProgress = nullptr;
    QToolButton *m_cancelCuration = nullptr;
    QString m_storePath;
    bool m_overviewStale = false;
    bool m_dashboardStale = false;
};

} // namespace flywheel::ui
