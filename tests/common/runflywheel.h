#pragma once

// Runs the flywheel command line (FLYWHEEL_CLI, set by the test's CMake target) as a child process.

#include <QByteArray>
#include <QProcess>
#include <QStringList>

namespace flywheel::testing {

struct FlywheelRun {
    /// -1 when it crashed or did not finish in time.
    int exitCode = -1;
    QByteArray out, err;
};

inline FlywheelRun runFlywheel(const QStringList &arguments, int timeoutMs = 120000)
{
    QProcess process;
    process.start(QStringLiteral(FLYWHEEL_CLI), arguments);
    process.waitForFinished(timeoutMs);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

} // namespace flywheel::testing
