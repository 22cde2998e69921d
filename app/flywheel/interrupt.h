#pragma once

#include <atomic>

namespace flywheel::cli {

/// Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancel request that long commands check between
/// lines, so they stop after committing finished work. A second signal ends the process at once.
const std::atomic_bool &installInterruptFlag();

} // namespace flywheel::cli
