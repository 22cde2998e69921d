#include "commands.h"

#include "store/recovery.h"

#include <QJsonArray>

namespace flywheel::cli {
namespace {

class RecoverCommand final : public Command {
public:
    RecoverCommand()
        : Command(QStringLiteral("recover"),
                  QStringLiteral("Copy what is readable of a damaged store to a new one"),
                  QStringLiteral(
                      "Read a damaged store page by page, without trusting its trees, and copy every "
                      "readable row of what people and capture wrote (decisions and guidelines first, "
                      "then corrections, feedback, interactions, model versions, datasets and runs) to a "
                      "new store. Rows that fit nowhere are kept in its lost_and_found table. The damaged "
                      "store is only read. Curation's results and the search index are not copied: run "
                      "`flywheel curate --full` on the new store."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addOption({QStringLiteral("to"), QStringLiteral("The new store to write (must not exist)."),
                          QStringLiteral("file")});
    }

    int run(QCommandLineParser &parser) override
    {
        if (const QString refusal =
                fileOnly(QStringLiteral("restore it from the server's backups (docs/team.md)"));
            !refusal.isEmpty())
            return fail(refusal);
        const QString to = parser.value(QStringLiteral("to"));
        if (to.isEmpty())
            return fail(QStringLiteral("name the new store with --to FILE"));
        auto report = recoverStore(storePath(), to, [this](const QString &table) {
            if (!json())
                printError(QStringLiteral("recovering %1…").arg(table));
        });
        if (!report)
            return fail(report.errorMessage());
        if (json()) {
            QJsonArray tables;
            for (const RecoveryReport::Table &t : report->tables)
                tables.append(QJsonObject{{QStringLiteral("table"), t.name},
                                          {QStringLiteral("rows"), t.rows},
                                          {QStringLiteral("damaged_pages"), t.damagedPages}});
            printJson({{QStringLiteral("recovered"), to},
                       {QStringLiteral("tables"), tables},
                       {QStringLiteral("decisions_from_lost_pages"), report->decisionsFromLostPages},
                       {QStringLiteral("lost_and_found"), report->lostAndFound},
                       {QStringLiteral("warning"), report->warning}});
            return Success;
        }
        print(QStringLiteral("Recovered %1 into %2:").arg(storePath(), to));
        for (const RecoveryReport::Table &t : report->tables)
            print(QStringLiteral("  %1 %2%3")
                      .arg(t.name, -18)
                      .arg(t.rows)
                      .arg(t.damagedPages ? QStringLiteral("  (%1 damaged pages)").arg(t.damagedPages)
                                          : QString()));
        if (report->decisionsFromLostPages)
            print(QStringLiteral("  %1 decisions found on pages no table reached, put back")
                      .arg(report->decisionsFromLostPages));
        if (report->lostAndFound)
            print(QStringLiteral("  %1 rows that fit nowhere are in the new store's lost_and_found table")
                      .arg(report->lostAndFound));
        if (!report->warning.isEmpty())
            print(QStringLiteral("Note: ") + report->warning + QLatin1Char('.'));
        print(QStringLiteral("Next: flywheel --store %1 curate --full").arg(to));
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeRecoverCommand()
{
    return std::make_unique<RecoverCommand>();
}

} // namespace flywheel::cli
