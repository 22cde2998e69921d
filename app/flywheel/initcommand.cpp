#include "commands.h"

#include "store/store.h"

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
        auto store = Store::open(storePath());
        if (!store)
            return fail(store.errorMessage());
        const bool existed = store->openedAtVersion() > 0;
        if (json()) {
            printJson({{QStringLiteral("store"), store->displayName()},
                       {QStringLiteral("created"), !existed},
                       {QStringLiteral("schema_version"), store->schemaVersion()}});
        } else {
            print(QStringLiteral("%1 %2 (schema version %3)")
                      .arg(existed ? QStringLiteral("Store ready:") : QStringLiteral("Created store"),
                           store->displayName())
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
