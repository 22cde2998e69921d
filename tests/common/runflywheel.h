#pragma once

// Runs the flywheel command line (FLYWHEEL_CLI, set by the test's CMake target, or
// $FLYWHEEL_TEST_CLI for a long run from a copy that a rebuild cannot replace) as a child process.

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace flywheel::testing {

inline QString flywheelProgram()
{
    return qEnvironmentVariable("FLYWHEEL_TEST_CLI", QStringLiteral(FLYWHEEL_CLI));
}

struct FlywheelRun {
    /// -1 when it crashed or did not finish in time.
    int exitCode = -1;
    QByteArray out, err;
};

inline FlywheelRun runFlywheel(const QStringList &arguments, int timeoutMs = 120000)
{
    QProcess process;
    process.start(flywheelProgram(), arguments);
    process.waitForFinished(timeoutMs);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

/// Starts `flywheel serve` on a free loopback port of @p store in @p serve; returns the port, 0 when
/// it did not start.
inline quint16 startServe(QProcess &serve, const QString &store)
{
    serve.start(flywheelProgram(),
                {QStringLiteral("--store"), store, QStringLiteral("--json"), QStringLiteral("serve"),
                 QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--grpc-listen"),
                 QStringLiteral("127.0.0.1:0")});
    if (!serve.waitForStarted() || !serve.waitForReadyRead(20000))
        return 0;
    const QJsonObject started = QJsonDocument::fromJson(serve.readLine()).object();
    return quint16(QUrl(started.value(QStringLiteral("listening")).toString()).port());
}

} // namespace flywheel::testing
