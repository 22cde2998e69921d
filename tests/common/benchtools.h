#pragma once

// Small helpers the GUI benchmarks share: running flywheel, waiting on the event loop, percentiles.

#include "runflywheel.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

namespace flywheel::testing {

/// Runs flywheel to its end; says on stderr why when it fails.
inline bool runOrSay(const QStringList &arguments)
{
    const FlywheelRun result = runFlywheel(arguments, -1);
    if (result.exitCode != 0)
        std::fprintf(stderr, "flywheel %s failed: %s\n", qPrintable(arguments.join(QLatin1Char(' '))),
                     result.err.constData());
    return result.exitCode == 0;
}

/// @p given, or else a demo store of @p interactions built and curated in @p folder; empty when
/// building it failed.
inline QString curatedStore(const QString &given, const QString &interactions, const QString &folder)
{
    if (!given.isEmpty())
        return given;
    const QString path = folder + QStringLiteral("/bench.flywheel");
    std::printf("building a demo store of %s interactions and curating it...\n", qPrintable(interactions));
    std::fflush(stdout);
    if (!runOrSay({QStringLiteral("--store"), path, QStringLiteral("demo"), QStringLiteral("--quiet"),
                   QStringLiteral("--interactions"), interactions}) ||
        !runOrSay({QStringLiteral("--store"), path, QStringLiteral("curate"), QStringLiteral("--quiet")}))
        return {};
    return path;
}

/// Runs the event loop until @p done, or @p timeoutMs; the milliseconds it took, -1 on time-out.
inline double waitUntil(const std::function<bool()> &done, int timeoutMs = 120000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return double(timer.nsecsElapsed()) / 1e6;
}

/// The @p p-th quantile (0 to 1) of @p values; -1 when there are none.
inline double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[size_t(p * double(values.size() - 1))];
}

} // namespace flywheel::testing
