#include "commands.h"

#include "store/backup.h"
#include "store/storecheck.h"

#include <QFileInfo>

namespace flywheel::cli {
namespace {

class BackupCommand final : public Command {
public:
    BackupCommand()
        : Command(
              QStringLiteral("backup"), QStringLiteral("Copy the store consistently while it is in use"),
              QStringLiteral("Copy the store to a new file with SQLite's online backup: one consistent "
                             "snapshot, taken while ingests, the collector and the studio keep working. The "
                             "copy is checked like `flywheel check` before the command says it is done."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption({QStringLiteral("to"), QStringLiteral("The new file to write (must not exist)."),
                          QStringLiteral("file")});
    }

    int run(QCommandLineParser &parser) override
    {
        if (const QString refusal = fileOnly(
                QStringLiteral("back it up with pg_dump, or copy it to a file with `flywheel store copy`"));
            !refusal.isEmpty())
            return fail(refusal);
        const QString to = parser.value(QStringLiteral("to"));
        if (to.isEmpty())
            return fail(QStringLiteral("name the copy with --to FILE"));
        if (Status s = backupStore(storePath(), to); !s)
            return fail(s.errorMessage());
        auto health = checkStore(to);
        if (!health || !health->healthy())
            return fail(QStringLiteral("the copy at %1 does not pass the check: %2")
                            .arg(to, health ? health->integrityProblems.join(QStringLiteral("; "))
                                            : health.errorMessage()));
        const qint64 bytes = QFileInfo(to).size();
        if (json())
            printJson({{QStringLiteral("backup"), to},
                       {QStringLiteral("bytes"), bytes},
                       {QStringLiteral("healthy"), true}});
        else
            print(QStringLiteral("Copied %1 to %2 (%3 MB); the copy passes the check.")
                      .arg(storePath(), to)
                      .arg(double(bytes) / 1048576.0, 0, 'f', 1));
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeBackupCommand()
{
    return std::make_unique<BackupCommand>();
}

} // namespace flywheel::cli
