// flywheel-studio: the desktop application.
#include "mainwindow.h"

#include "store/store.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>
#include <QStandardPaths>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flywheel-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("Flywheel Studio"));
    QApplication::setApplicationVersion(QStringLiteral(FLYWHEEL_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Flywheel Studio: review and curate AI interaction data."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("store"), QStringLiteral("Open this store file."), QStringLiteral("path")});
    parser.addPositionalArgument(QStringLiteral("store"),
                                 QStringLiteral("A store file to open (same as --store)."),
                                 QStringLiteral("[store]"));
    parser.process(app);

    QString path = parser.value(QStringLiteral("store"));
    if (path.isEmpty() && !parser.positionalArguments().isEmpty())
        path = parser.positionalArguments().constFirst();
    if (path.isEmpty())
        path = qEnvironmentVariable("FLYWHEEL_STORE");
    if (path.isEmpty())
        path = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
               QStringLiteral("/store.flywheel");

    // Opening once here creates or upgrades the store before any view reads it.
    auto store = flywheel::Store::open(path);
    if (!store) {
        QMessageBox::critical(nullptr, QStringLiteral("Flywheel Studio"), store.errorMessage());
        return 2;
    }

    flywheel::ui::MainWindow window;
    window.openStore(path);
    window.show();
    return app.exec();
}
