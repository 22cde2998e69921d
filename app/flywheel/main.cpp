// flywheel: the headless command line of Flywheel Studio.
#include "commands.h"
#include "store/storelocation.h"
#include "util/allocator.h"

#include <QApplication>

#include <cstdio>
#include <memory>

using namespace flywheel::cli;

namespace {

QString usage(const std::vector<std::unique_ptr<Command>> &commands)
{
    QString text =
        QStringLiteral("Usage: flywheel [--store PATH|URI] [--schema NAME] [--json] COMMAND [options]\n\n"
                       "Flywheel Studio from the command line: capture AI interactions into a store and "
                       "inspect it.\n\nCommands:\n");
    for (const auto &command : commands)
        text += QStringLiteral("  %1 %2\n").arg(command->name(), -8).arg(command->brief());
    text += QStringLiteral(
                "\nEvery command takes --store PATH, --json and --help. A store on a PostgreSQL server is "
                "--store postgresql://USER@HOST:PORT/DATABASE (docs/team.md). The default store is "
                "$FLYWHEEL_STORE, else %1.\n"
                "Exit status: 0 success, 1 done but some input was rejected, 2 usage or fatal error.\n")
                .arg(flywheel::StoreLocation::redacted(defaultStorePath()));
    return text;
}

// The command is the first argument that is not an option or the value of --store or --schema.
int commandIndex(const QStringList &arguments)
{
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments[i];
        if (argument == QStringLiteral("--store") || argument == QStringLiteral("--schema")) {
            ++i;
            continue;
        }
        if (!argument.startsWith(QLatin1Char('-')))
            return i;
    }
    return -1;
}

// `report` draws charts, which needs a QApplication; every other command stays on
// QCoreApplication and so never loads a window system.
bool drawsCharts(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    const int index = commandIndex(arguments);
    return index > 0 && arguments[index] == QStringLiteral("report");
}

} // namespace

int main(int argc, char *argv[])
{
    flywheel::keepFreedMemoryForReuse();
    std::unique_ptr<QCoreApplication> app;
    if (drawsCharts(argc, argv)) {
        // Without a display the charts are drawn offscreen, so reports work on servers and in CI.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
            qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    // Shared with the GUI so both find the same default store.
    QCoreApplication::setApplicationName(QStringLiteral("flywheel-studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FLYWHEEL_VERSION));

    const auto commands = allCommands();
    QStringList arguments = QCoreApplication::arguments();
    const int index = commandIndex(arguments);
    if (index < 0) {
        if (arguments.contains(QStringLiteral("--version"))) {
            std::printf("flywheel %s\n", FLYWHEEL_VERSION);
            return Success;
        }
        const bool askedForHelp =
            arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"));
        std::fputs(usage(commands).toUtf8().constData(), askedForHelp ? stdout : stderr);
        return askedForHelp ? Success : Failure;
    }
    const QString name = arguments.takeAt(index);
    for (const auto &command : commands)
        if (command->name() == name)
            return command->exec(arguments);
    std::fprintf(stderr, "flywheel: unknown command \"%s\"\n\n%s", name.toUtf8().constData(),
                 usage(commands).toUtf8().constData());
    return Failure;
}
