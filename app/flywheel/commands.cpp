#include "commands.h"

namespace flywheel::cli {

std::vector<std::unique_ptr<Command>> allCommands()
{
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(makeInitCommand());
    commands.push_back(makeDemoCommand());
    commands.push_back(makeIngestCommand());
    commands.push_back(makeStatsCommand());
    commands.push_back(makeReportCommand());
    commands.push_back(makeCurateCommand());
    commands.push_back(makeQueueCommand());
    commands.push_back(makeGuidelinesCommand());
    commands.push_back(makeShowCommand());
    commands.push_back(makeDupesCommand());
    commands.push_back(makeExportCommand());
    commands.push_back(makeDatasetsCommand());
    commands.push_back(makeValidateCommand());
    commands.push_back(makeModelCommand());
    commands.push_back(makeCycleCommand());
    commands.push_back(makeServeCommand());
    commands.push_back(makeCheckCommand());
    commands.push_back(makeBackupCommand());
    commands.push_back(makeRecoverCommand());
    commands.push_back(makeStoreCommand());
    return commands;
}

} // namespace flywheel::cli
