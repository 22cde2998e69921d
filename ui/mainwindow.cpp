#include "mainwindow.h"

#include "dialogs/filedialogs.h"
#include "dialogs/importdialog.h"
#include "models/historymodel.h"
#include "session/studiosession.h"
#include "tasks/curationtask.h"
#include "views/damagebanner.h"
#include "views/dashboardview.h"
#include "views/guidelinespanel.h"
#include "views/reviewview.h"
#include "views/storeoverview.h"

#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDockWidget>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace flywheel::ui {
namespace {

const QString kStoreFilter = QStringLiteral("Flywheel stores (*.flywheel);;All files (*)");

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_session(std::make_unique<StudioSession>())
    , m_settings(StudioSettings::load())
    , m_tabs(new QTabWidget)
    , m_review(new ReviewView(m_session.get()))
    , m_overview(new StoreOverview)
    , m_dashboard(new DashboardView)
    , m_curation(new CurationTask(m_session.get(), this))
    , m_guidelines(new GuidelinesPanel(m_session.get()))
    , m_damage(new DamageBanner)
{
    m_overview->follow(m_session.get());
    m_dashboard->follow(m_session.get());
    m_tabs->addTab(m_review, tr("&Review"));
    m_tabs->addTab(m_overview, tr("&Overview"));
    m_tabs->addTab(m_dashboard, tr("&Dashboard"));
    m_tabs->setDocumentMode(true);
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_damage);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    connect(m_damage, &DamageBanner::recovered, this, &MainWindow::openRecovered);
    connect(m_damage, &DamageBanner::damageShown, this, [this] { m_review->setWritable(false); });
    connect(m_damage, &DamageBanner::recoveryFailed, this,
            [this](const QString &message) { showError(tr("Recovery failed: %1").arg(message)); });
    m_review->setAnnotator(m_settings.annotator);
    m_guidelines->setAuthor(m_settings.annotator);
    createMenus();
    createStatusBar();
    createHistoryDock();
    // Most of the screen: the queue and the conversation both want width.
    const QRect screen = QGuiApplication::primaryScreen()
                             ? QGuiApplication::primaryScreen()->availableGeometry()
                             : QRect(0, 0, 1600, 1000);
    resize(qMin(1800, screen.width() * 95 / 100), qMin(1100, screen.height() * 92 / 100));

    connect(m_overview, &StoreOverview::failed, this, &MainWindow::showError);
    connect(m_dashboard, &DashboardView::failed, this, &MainWindow::showError);
    connect(m_dashboard, &DashboardView::segmentActivated, this, &MainWindow::reviewSegment);
    connect(m_review, &ReviewView::saveFailed, this, &MainWindow::showError);
    connect(m_review, &ReviewView::annotatorNeeded, this, &MainWindow::askAnnotator);
    connect(m_curation, &CurationTask::progress, this,
            [this](const QString &stage, qint64 done, qint64 total) {
                m_curationProgress->setFormat(tr("Curation: %1 %p%").arg(stage));
                m_curationProgress->setRange(0, total > 0 ? 1000 : 0);
                if (total > 0)
                    m_curationProgress->setValue(int(1000 * done / total));
            });
    connect(m_curation, &CurationTask::finished, this, &MainWindow::showCurationReport);
    connect(m_curation, &CurationTask::failed, this, [this](const QString &message) {
        m_curationProgress->hide();
        m_cancelCuration->hide();
        showError(tr("Curation failed: %1").arg(message));
    });
}

MainWindow::~MainWindow()
{
    // What uses the session goes first: a running curation or import is cancelled and waited
    // for, and the views finish what they asked of the writer. The session then writes the
    // decisions still queued.
    delete m_curation;
    qDeleteAll(findChildren<QDialog *>(QString(), Qt::FindDirectChildrenOnly));
    qDeleteAll(findChildren<QDockWidget *>(QString(), Qt::FindDirectChildrenOnly));
    delete takeCentralWidget();
}

const QString &MainWindow::storePath() const
{
    return m_session->storePath();
}

void MainWindow::showCurationReport(const CurationReport &report)
{
    m_curationProgress->hide();
    m_cancelCuration->hide();
    if (report.cancelled) {
        statusBar()->showMessage(tr("Curation cancelled; the previous results are kept."), 8000);
        return;
    }
    qint64 flags = 0;
    for (const auto &[reason, count] : report.flags)
        flags += count;
    // The views follow the session, which the task told of the new results.
    statusBar()->showMessage(tr("Curated %1 interactions; %2 flagged for review.")
                                 .arg(QLocale().toString(report.interactions), QLocale().toString(flags)),
                             8000);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Store…"), this, &MainWindow::createStore)->setShortcut(QKeySequence::New);
    file->addAction(tr("&Open Store…"), this, &MainWindow::chooseStore)->setShortcut(QKeySequence::Open);
    m_recent = file->addMenu(tr("Open &Recent"));
    connect(m_recent, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    file->addAction(tr("&Import…"), this, &MainWindow::importFiles)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    QAction *reload = file->addAction(tr("Re&load"), this, [this] {
        if (m_session->isOpen())
            m_session->notify(StudioSession::Change::Everything);
    });
    reload->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows)->setShortcut(QKeySequence::Quit);

    QMenu *review = menuBar()->addMenu(tr("Re&view"));
    const QList<QAction *> &actions = m_review->actions();
    QMenu *segments = nullptr;
    for (int i = 0; i < actions.size(); ++i) {
        // Decisions, moves and search first; segments in a submenu; then undo and redo.
        if (actions.at(i)->text().startsWith(tr("Segment"))) {
            if (!segments)
                segments = review->addMenu(tr("Set &Segment"));
            segments->addAction(actions.at(i));
            continue;
        }
        if (i == 4 || i == actions.size() - 2)
            review->addSeparator();
        review->addAction(actions.at(i));
    }
    review->addSeparator();
    review->addAction(tr("Run &Curation"), this, [this] { runCuration(false); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    review->addAction(tr("Run &Full Curation"), this, [this] { runCuration(true); });

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(tr("&Annotator Name…"), this, &MainWindow::askAnnotator);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    m_helpMenu = help;
    help->addAction(tr("&Keys"), this, [this] {
        QMessageBox::information(
            this, tr("Review keys"),
            tr("<table cellpadding=3>"
               "<tr><td><b>A</b></td><td>accept: good as it is</td></tr>"
               "<tr><td><b>X</b></td><td>reject: bad output</td></tr>"
               "<tr><td><b>E</b></td><td>correct: edit the gold answer; Ctrl+Enter saves, Esc "
               "cancels</td></tr>"
               "<tr><td><b>Space</b></td><td>skip: not now</td></tr>"
               "<tr><td><b>1</b>–<b>9</b></td><td>set the segment of the next decision</td></tr>"
               "<tr><td><b>T</b>, <b>N</b></td><td>tags, note (Enter returns to the queue)</td></tr>"
               "<tr><td><b>J</b>/<b>K</b>, arrows</td><td>next / previous item</td></tr>"
               "<tr><td><b>/</b></td><td>search</td></tr>"
               "<tr><td><b>Ctrl+Z</b>, <b>Ctrl+Shift+Z</b></td><td>undo, redo</td></tr>"
               "<tr><td><b>F1</b></td><td>the annotation guidelines</td></tr></table>"
               "<p>Keys do nothing while you type in a text box.</p>"));
    });
    help->addAction(tr("&About Flywheel Studio"), this, [this] {
        QMessageBox::about(this, tr("About Flywheel Studio"),
                           tr("<b>Flywheel Studio %1</b><p>Capture, curate and export the data that improves "
                              "your AI features.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createStatusBar()
{
    m_progress = new QLabel;
    m_background = new QLabel;
    m_curationProgress = new QProgressBar;
    m_curationProgress->setMaximumWidth(320);
    m_curationProgress->setTextVisible(true);
    m_curationProgress->hide();
    m_cancelCuration = new QToolButton;
    m_cancelCuration->setText(tr("Cancel"));
    m_cancelCuration->hide();
    connect(m_cancelCuration, &QToolButton::clicked, m_curation, &CurationTask::cancel);
    statusBar()->addPermanentWidget(m_background);
    statusBar()->addPermanentWidget(m_curationProgress);
    statusBar()->addPermanentWidget(m_cancelCuration);
    statusBar()->addPermanentWidget(m_progress);
    connect(m_review, &ReviewView::progressChanged, m_progress, &QLabel::setText);
    connect(m_review, &ReviewView::backgroundStatus, m_background, &QLabel::setText);
}

void MainWindow::createHistoryDock()
{
    auto *dock = new QDockWidget(tr("History"), this);
    dock->setObjectName(QStringLiteral("history"));
    auto *list = new QListView;
    list->setObjectName(QStringLiteral("historyList"));
    list->setModel(m_review->history());
    list->setUniformItemSizes(true);
    list->setToolTip(tr("Recent decisions. Activate one (Enter or double-click) to change it."));
    dock->setWidget(list);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    resizeDocks({dock}, {fontMetrics().averageCharWidth() * 44}, Qt::Horizontal);
    createGuidelinesDock(dock);
    connect(list, &QListView::activated, this, [this](const QModelIndex &index) {
        const HistoryModel::Entry *entry = m_review->history()->entry(index.row());
        if (entry)
            m_review->showInteraction(entry->decision.interactionId, entry->externalId);
    });
    m_viewMenu->addAction(dock->toggleViewAction());
}

// The guidelines share the right side with the history, one tab each; F1 brings them forward (and
// back to the history).
void MainWindow::createGuidelinesDock(QDockWidget *besides)
{
    auto *dock = new QDockWidget(tr("Guidelines"), this);
    dock->setObjectName(QStringLiteral("guidelines"));
    dock->setWidget(m_guidelines);
    tabifyDockWidget(besides, dock);
    besides->raise();
    QAction *toggle = dock->toggleViewAction();
    m_viewMenu->addAction(toggle);
    auto *show = new QAction(tr("Annotation &Guidelines"), this);
    show->setShortcut(QKeySequence(Qt::Key_F1));
    connect(show, &QAction::triggered, this, [dock, besides] {
        const bool front = dock->isVisible() && !dock->visibleRegion().isEmpty();
        dock->show();
        (front ? static_cast<QWidget *>(besides) : dock)->raise();
    });
    m_helpMenu->insertAction(m_helpMenu->actions().value(0), show);
}

void MainWindow::chooseStore()
{
    const QString path =
        chooseFileToOpen(this, tr("Open Store"), QFileInfo(storePath()).absolutePath(), kStoreFilter);
    if (!path.isEmpty())
        openStore(path);
}

void MainWindow::createStore()
{
    QString path =
        chooseFileToSave(this, tr("New Store"), QFileInfo(storePath()).absolutePath(), kStoreFilter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".flywheel");
    if (Status s = StudioSession::create(path); !s) {
        showError(s.errorMessage());
        return;
    }
    openStore(path);
}

void MainWindow::fillRecentMenu()
{
    m_recent->clear();
    for (const QString &path : std::as_const(m_settings.recentStores))
        m_recent->addAction(path, this, [this, path] { openStore(path); });
    if (m_settings.recentStores.isEmpty())
        m_recent->addAction(tr("No recent stores"))->setEnabled(false);
}

void MainWindow::openStore(const QString &path)
{
    setWindowTitle(tr("%1 — Flywheel Studio").arg(QFileInfo(path).fileName()));
    m_settings = StudioSettings::load();
    m_settings.addRecentStore(path);
    m_settings.save();
    m_damage->setStorePath(path);
    // The views follow the session: the queue from its top, the guidelines, and the overview and
    // dashboard when they are shown.
    m_session->open(path);
    m_review->setWritable(!m_damage->isDamaged());
}

void MainWindow::reviewSegment(const QString &segment)
{
    QueueFilter filter;
    filter.segment = segment;
    m_tabs->setCurrentWidget(m_review);
    m_review->showQueue(filter);
}

void MainWindow::importFiles()
{
    if (!m_session->isOpen())
        return;
    auto *dialog = new ImportDialog(m_session.get(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::imported, this, [this] {
        statusBar()->showMessage(tr("Imported. Run curation (Ctrl+R) to flag the new interactions."), 8000);
    });
    dialog->show();
}

void MainWindow::runCuration(bool full)
{
    if (m_curation->isRunning())
        return;
    if (m_curation->start(full)) {
        m_curationProgress->setRange(0, 0);
        m_curationProgress->setFormat(tr("Curation"));
        m_curationProgress->show();
        m_cancelCuration->show();
    }
}

void MainWindow::askAnnotator()
{
    bool ok = false;
    QString fallback = m_settings.annotator;
    if (fallback.isEmpty())
        fallback = qEnvironmentVariable("USER");
    const QString name =
        QInputDialog::getText(this, tr("Annotator"), tr("Your name, recorded with each decision you make:"),
                              QLineEdit::Normal, fallback, &ok)
            .trimmed();
    if (!ok || name.isEmpty())
        return;
    m_settings = StudioSettings::load();
    m_settings.annotator = name;
    m_settings.save();
    m_review->setAnnotator(name);
    m_guidelines->setAuthor(name);
}

void MainWindow::openRecovered(const QString &path, const RecoveryReport &report)
{
    qint64 decisions = 0;
    for (const RecoveryReport::Table &table : report.tables)
        if (table.name == QLatin1String("reviews"))
            decisions = table.rows;
    openStore(path);
    // A recovered store has no curation results yet: its queue fills once this run is done.
    runCuration(true);
    statusBar()->showMessage(tr("Recovered %1 decisions into %2, now open; curating it to fill the queue.")
                                 .arg(QLocale().toString(decisions), QFileInfo(path).fileName()));
}

void MainWindow::showError(const QString &message)
{
    statusBar()->showMessage(message);
}

} // namespace flywheel::ui
