#include "commands.h"
#include "interrupt.h"

#include "store/storecopy.h"
#include "store/storelocation.h"

#include <QJsonArray>
#include <QLocale>

namespace flywheel::cli {
namespace {

class StoreCommand final : public Command {
public:
    StoreCommand()
        : Command(QStringLiteral("store"), QStringLiteral("Copy a whole store between files and servers"),
                  QStringLiteral("flywheel store copy --from A --to B: copy a whole store, SQLite file or "
                                 "PostgreSQL server to either, then verify every table's rows and content in "
                                 "the copy. Ctrl-C stops after the batch being written; the same command "
                                 "resumes it. A team starts its server from one annotator's store this way."))
    {}

protected:
    void addOptions(QCommandLineParser &parser) override
    {
        parser.addPositionalArgument(QStringLiteral("copy"), QStringLiteral("The action: copy."));
        parser.addOption({QStringLiteral("from"),
                          QStringLiteral("The store to copy: a file or a postgresql:// URI."),
                          QStringLiteral("store")});
        parser.addOption(
            {QStringLiteral("to"),
             QStringLiteral("The store to create or resume: a new file or a postgresql:// URI whose "
                            "schema holds no store yet (?schema=NAME in the URI picks one)."),
             QStringLiteral("store")});
    }

    int run(QCommandLineParser &parser) override
    {
        const QStringList arguments = parser.positionalArguments();
        if (arguments != QStringList{QStringLiteral("copy")})
            return fail(QStringLiteral("name the action: `flywheel store copy --from A --to B`"));
        const QString from = parser.value(QStringLiteral("from"));
        const QString to = parser.value(QStringLiteral("to"));
        if (from.isEmpty() || to.isEmpty())
            return fail(QStringLiteral("name both stores: --from A --to B"));

        const std::atomic_bool &interrupted = installInterruptFlag();
        QString lastTable;
        auto report = copyStore(from, to, [&](const QString &table, qint64 done, qint64 total) {
            if (!json() && (table != lastTable || done == total)) {
                printError(QStringLiteral("  %1: %2 of %3 rows").arg(table).arg(done).arg(total));
                lastTable = table;
            }
            return !interrupted.load();
        });
        if (!report)
            return fail(report.errorMessage());
        qint64 rows = 0;
        QJsonArray tables;
        for (const TableDigest &t : report->tables) {
            rows += t.rows;
            tables.append(QJsonObject{{QStringLiteral("table"), t.table},
                                      {QStringLiteral("rows"), t.rows},
                                      {QStringLiteral("digest"), QString::number(t.digest, 16)}});
        }
        if (json()) {
            printJson({{QStringLiteral("from"), StoreLocation::redacted(from)},
                       {QStringLiteral("to"), StoreLocation::redacted(to)},
                       {QStringLiteral("resumed"), report->resumed},
                       {QStringLiteral("rows_copied"), report->rowsCopied},
                       {QStringLiteral("verified"), true},
                       {QStringLiteral("tables"), tables}});
        } else {
            const QLocale en(QLocale::English);
            print(QStringLiteral("%1 %2 into %3: %4 rows in %5 tables, each verified (counts and content).")
                      .arg(report->resumed ? QStringLiteral("Finished copying") : QStringLiteral("Copied"),
                           StoreLocation::redacted(from), StoreLocation::redacted(to), en.toString(rows))
                      .arg(tables.size()));
        }
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeStoreCommand()
{
    return std::make_unique<StoreCommand>();
}

} // namespace flywheel::cli
