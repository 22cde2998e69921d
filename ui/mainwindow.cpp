#include "mainwindow.h"

#include "views/storeoverview.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace flywheel::ui {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_overview(new StoreOverview(this))
{
    setCentralWidget(m_overview);
    createActions();
    resize(1200, 760);
    connect(m_overview, &StoreOverview::loaded, this,
            [this] { statusBar()->showMessage(tr("Ready"), 3000); });
    connect(m_overview, &StoreOverview::failed, this,
            [this](const QString &message) { statusBar()->showMessage(message); });
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Store…"), this, &MainWindow::chooseStore);
    open->setShortcut(QKeySequence::Open);
    QAction *reload = file->addAction(tr("&Reload"), this, [this] {
        if (!m_storePath.isEmpty())
            m_overview->load(m_storePath);
    });
    reload->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Flywheel Studio"), this, [this] {
        QMessageBox::about(this, tr("About Flywheel Studio"),
                           tr("<b>Flywheel Studio %1</b><p>Capture, curate and export the data that improves "
                              "your AI features.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::chooseStore()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Store"), QFileInfo(m_storePath).absolutePath(),
                                     tr("Flywheel stores (*.flywheel);;All files (*)"));
    if (!path.isEmpty())
        openStore(path);
}

void MainWindow::openStore(const QString &path)
{
    m_storePath = path;
    setWindowTitle(tr("%1 — Flywheel Studio").arg(QFileInfo(path).fileName()));
    m_overview->load(path);
}

} // namespace flywheel::ui
