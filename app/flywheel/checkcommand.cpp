#include "commands.h"

#include "store/storecheck.h"

#include <QJsonArray>
#include <QLocale>

namespace flywheel::cli {
namespace {

class CheckCommand final : public Command {
public:
    CheckCommand()
        : Command(
              QStringLiteral("check"), QStringLiteral("Check a store's health without changing it"),
              QStringLiteral("Check a store without changing it: SQLite's integrity check, foreign keys, "
                             "schema version, events waiting for their interaction, the quarantine and runs "
                             "that never finished. Exit status 0: healthy; 1: problems found; 2: not a "
                             "readable store."))
    {}

protected:
    void addOptions(QCommandLineParser &) override {}

    int run(QCommandLineParser &parser) override
    {
        if (const QString refusal =
                fileOnly(QStringLiteral("the server checks its own pages (amcheck, data checksums); "
                                        "`flywheel store copy` verifies every row it copies"));
            !refusal.isEmpty())
            return fail(refusal);
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("check takes no arguments"));
        auto health = checkStore(storePath());
        if (!health)
            return fail(health.errorMessage());
        const StoreHealth &h = *health;
        if (json()) {
            printJson(
                {{QStringLiteral("healthy"), h.healthy()},
                 {QStringLiteral("schema_version"), h.schemaVersion},
                 {QStringLiteral("needs_upgrade"), h.needsUpgrade()},
                 {QStringLiteral("integrity_problems"), QJsonArray::fromStringList(h.integrityProblems)},
                 {QStringLiteral("foreign_key_problems"), QJsonArray::fromStringList(h.foreignKeyProblems)},
                 {QStringLiteral("events_awaiting_interaction"), h.eventsAwaitingInteraction},
                 {QStringLiteral("quarantined_lines"), h.quarantinedLines},
                 {QStringLiteral("quarantined_bytes"), h.quarantinedBytes},
                 {QStringLiteral("unfinished_runs"), h.unfinishedRuns}});
        } else {
            print(toText(h));
        }
        return h.healthy() ? Success : DoneWithRejections;
    }

private:
    QString toText(const StoreHealth &h) const
    {
        const QLocale en(QLocale::English);
        QString text =
            QStringLiteral("%1: %2 (schema version %3%4).\n")
                .arg(storePath(), h.healthy() ? QStringLiteral("healthy") : QStringLiteral("PROBLEMS FOUND"))
                .arg(h.schemaVersion)
                .arg(h.needsUpgrade() && h.healthy()
                         ? QStringLiteral("; `flywheel init` upgrades it to %1").arg(h.latestSchemaVersion)
                         : QString());
        text += QStringLiteral("  integrity:     %1\n")
                    .arg(h.integrityProblems.isEmpty()
                             ? QStringLiteral("ok")
                             : h.integrityProblems.join(QStringLiteral("\n                 ")));
        text += QStringLiteral("  foreign keys:  %1\n")
                    .arg(h.foreignKeyProblems.isEmpty()
                             ? QStringLiteral("ok")
                             : h.foreignKeyProblems.join(QStringLiteral("\n                 ")));
        text += QStringLiteral("  events waiting for their interaction: %1\n")
                    .arg(en.toString(h.eventsAwaitingInteraction));
        text += QStringLiteral("  quarantine:    %1 lines, %2 bytes\n")
                    .arg(en.toString(h.quarantinedLines), en.toString(h.quarantinedBytes));
        text += QStringLiteral("  unfinished runs: %1%2")
                    .arg(en.toString(h.unfinishedRuns))
                    .arg(h.unfinishedRuns > 0
                             ? QStringLiteral(" (a collector still running, or a process that died: "
                                              "re-run what it was doing)")
                             : QString());
        if (!h.healthy())
            text += QStringLiteral(
                "\nRestore the store from a backup, or export what it still holds; do not write to it.");
        return text;
    }
};

} // namespace

std::unique_ptr<Command> makeCheckCommand()
{
    return std::make_unique<CheckCommand>();
}

} // namespace flywheel::cli
