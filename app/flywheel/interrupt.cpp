#include "interrupt.h"

#include <csignal>

namespace flywheel::cli {
namespace {

std::atomic_bool g_interrupted{false};

extern "C" void onInterrupt(int signal)
{
    g_interrupted.store(true);
    std::signal(signal, SIG_DFL);
}

} // namespace

const std::atomic_bool &installInterruptFlag()
{
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    return g_interrupted;
}

} // namespace flywheel::cli
