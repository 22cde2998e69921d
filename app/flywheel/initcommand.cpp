#include "commands.h"

#include "store/store.h"

#include <QFileInfo>

namespace flywheel::cli {
namespace {

class InitCommand final : public Command {
public:
    InitCommand()
        : Command(QStringLiteral("init"), QStringLiteral("Create a store or upgrade an older one"),
                  QStringLiteral("Create a store, or upgrade an older one to this version."))
    {}

protected:
    void addOptions(QCommandLineParser &) override {}

    int run(QCommandLineParser &parser) override
    {
        if (!parser.positionalArguments().isEmpty())
            return fail(QStringLiteral("init takes no arguments; name the store with --store PATH"));
        const bool existed = QFileInfo::exists(storePath());
        auto store = Store::open(storePath());
        if (!store)
            return fail(store.errorMessage());
        if (json()) {
            printJson({{QStringLiteral("store"), store->path()},
                       {QStringLiteral("created"), !existed},
                       {QStringLiteral("schema_version"), store->schemaVersion()}});
        } else {
            print(QStringLiteral("%1 %2 (schema version %3)")
                      .arg(existed ? QStringLiteral("Store ready:") : QStringLiteral("Created store"),
                           store->path())
                      .arg(store->schemaVersion()));
        }
        return Success;
    }
};

} // namespace

std::unique_ptr<Command> makeInitCommand()
{
    return std::make_unique<InitCommand>();
}

} // namespace flywheel::cli
