#pragma once

#include "cli.h"

#include <memory>
#include <vector>

namespace flywheel::cli {

std::unique_ptr<Command> makeInitCommand();
std::unique_ptr<Command> makeDemoCommand();
std::unique_ptr<Command> makeIngestCommand();
std::unique_ptr<Command> makeStatsCommand();
std::unique_ptr<Command> makeReportCommand();
std::unique_ptr<Command> makeServeCommand();
std::unique_ptr<Command> makeCheckCommand();
std::unique_ptr<Command> makeBackupCommand();
std::unique_ptr<Command> makeRecoverCommand();
std::unique_ptr<Command> makeStoreCommand();
std::unique_ptr<Command> makeExportCommand();
std::unique_ptr<Command> makeDatasetsCommand();
std::unique_ptr<Command> makeValidateCommand();
std::unique_ptr<Command> makeModelCommand();
std::unique_ptr<Command> makeCycleCommand();
std::unique_ptr<Command> makeCurateCommand();
std::unique_ptr<Command> makeQueueCommand();
std::unique_ptr<Command> makeGuidelinesCommand();
std::unique_ptr<Command> makeShowCommand();
std::unique_ptr<Command> makeDupesCommand();

/// Every command, in the order `flywheel --help` lists them.
std::vector<std::unique_ptr<Command>> allCommands();

} // namespace flywheel::cli
