// flywheel-studio: the desktop application.
#include "mainwindow.h"
#include "settings/studiosettings.h"

#include "session/studiosession.h"
#include "store/storefiles.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>

#include <cstdio>

namespace {

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QStringLiteral("Flywheel Studio: review and curate AI interaction data."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(
        {QStringLiteral("store"), QStringLiteral("Open this store file."), QStringLiteral("path")});
    parser.addPositionalArgument(QStringLiteral("store"),
                                 QStringLiteral("A store file to open (same as --store)."),
                                 QStringLiteral("[store]"));
}

// The store named on the command line, else $FLYWHEEL_STORE, else the one used last, else the default.
QString storePath(const QCommandLineParser &parser)
{
    QString path = parser.value(QStringLiteral("store"));
    if (path.isEmpty() && !parser.positionalArguments().isEmpty())
        path = parser.positionalArguments().constFirst();
    if (path.isEmpty())
        path = qEnvironmentVariable("FLYWHEEL_STORE");
    if (path.isEmpty()) {
        const QStringList recent = flywheel::ui::StudioSettings::load().recentStores;
        if (!recent.isEmpty() && QFileInfo::exists(recent.constFirst()))
            path = recent.constFirst();
    }
    if (path.isEmpty())
        path = flywheel::userStoreFile();
    return path;
}

} // namespace

int main(int argc, char *argv[])
{
    // --help and --version answer without a display, before any window system is needed.
    {
        QStringList arguments;
        for (int i = 0; i < argc; ++i)
            arguments.append(QString::fromLocal8Bit(argv[i]));
        QCommandLineParser early;
        describe(early);
        if (early.parse(arguments) &&
            (early.isSet(QStringLiteral("help")) || early.isSet(QStringLiteral("version")))) {
            const QString text =
                early.isSet(QStringLiteral("help"))
                    ? early.helpText().replace(QStringLiteral("<executable_name>"),
                                               QStringLiteral("flywheel-studio"))
                    : QStringLiteral("flywheel-studio %1\n").arg(QStringLiteral(FLYWHEEL_VERSION));
            std::fputs(text.toUtf8().constData(), stdout);
            return 0;
        }
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("flywheel-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("Flywheel Studio"));
    QApplication::setApplicationVersion(QStringLiteral(FLYWHEEL_VERSION));
    // The desktop entry's name: Wayland compositors find the icon and group windows by it.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.flywheelstudio.Studio"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/flywheel-studio-256.png")));

    QCommandLineParser parser;
    describe(parser);
    parser.process(app);
    const QString path = storePath(parser);

    // Creates or upgrades the store before any view reads it; its readers never migrate.
    if (const flywheel::Status created = flywheel::ui::StudioSession::create(path); !created) {
        QMessageBox::critical(nullptr, QStringLiteral("Flywheel Studio"), created.errorMessage());
        return 2;
    }

    flywheel::ui::MainWindow window;
    window.openStore(path);
    window.show();
    return app.exec();
}
