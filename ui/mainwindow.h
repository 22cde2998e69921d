#pragma once

#include "settings/studiosettings.h"

#include <QMainWindow>

#include <memory>

class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;

namespace flywheel {
struct CurationReport;
struct RecoveryReport;
} // namespace flywheel

namespace flywheel::ui {

class CurationTask;
class DamageBanner;
class DashboardView;
class GuidelinesPanel;
class ReviewView;
class StoreOverview;
class StudioSession;

/// The studio's window: wires actions, docks and views, nothing else.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Shows the store at @p path (created by the caller when needed) and remembers it.
    void openStore(const QString &path);
    const QString &storePath() const;
    StudioSession *session() const { return m_session.get(); }
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
    void showCurationReport(const CurationReport &report);
    void reviewSegment(const QString &segment);
    void openRecovered(const QString &path, const RecoveryReport &report);

    // First, so that the views and tasks that use it are made after it (and deleted before it).
    std::unique_ptr<StudioSession> m_session;
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
};

} // namespace flywheel::ui
