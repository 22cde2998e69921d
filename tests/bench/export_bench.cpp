// Export benchmark: an SFT dataset version from a large curated store, with splits, manifest and
// dataset card.
//
//   export_bench [--interactions N] [--store PATH]
//
// Builds a demo store of N interactions (default 1,000,000) with `flywheel demo` and curates it
// with `flywheel curate` (or uses --store, curated), then exports in this process: SFT in OpenAI
// format with 0.8/0.1/0.1 splits, once with one example per duplicate cluster (the default) and
// once with every member. Prints the time and the peak memory of this process (the export only:
// the store is built by child processes).

#include "../common/runflywheel.h"

#include "export/exporter.h"
#include "store/store.h"
#include "util/allocator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <cstdio>
#include <optional>

using namespace flywheel;

namespace {

int exportOnce(Store &store, const QString &out, bool collapse)
{
    ExportOptions options;
    options.kind = DatasetKind::Sft;
    options.outDir = out;
    options.name = QStringLiteral("bench");
    options.selection.collapseDuplicates = collapse;
    QElapsedTimer timer;
    timer.start();
    auto report = Exporter(store, options).run();
    const double seconds = double(timer.elapsed()) / 1000.0;
    if (!report) {
        std::fprintf(stderr, "%s\n", qPrintable(report.errorMessage()));
        return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("sft export, %s: %lld examples (train %lld, validation %lld, test %lld) in %.1f s "
                "(target <= 10 s), %.0f examples/s; peak memory so far %.0f MB\n",
                collapse ? "one per duplicate cluster" : "every cluster member",
                static_cast<long long>(report->examples), static_cast<long long>(report->perSplit[0]),
                static_cast<long long>(report->perSplit[1]), static_cast<long long>(report->perSplit[2]),
                seconds, double(report->examples) / std::max(0.001, seconds),
                double(usage.ru_maxrss) / 1024.0);
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    keepFreedMemoryForReuse();
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Export benchmark: SFT from a large curated store."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("interactions"), QStringLiteral("Demo interactions (default 1000000)."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("Use this curated store instead of a new demo store."),
                      QStringLiteral("path")});
    parser.process(app);

    QTemporaryDir temporary;
    QString path = parser.value(QStringLiteral("store"));
    if (path.isEmpty()) {
        path = QDir(temporary.path()).filePath(QStringLiteral("export_bench.flywheel"));
        std::printf("building and curating a demo store of %s interactions...\n",
                    qPrintable(parser.value(QStringLiteral("interactions"))));
        std::fflush(stdout);
        for (const QStringList &step :
             {QStringList{QStringLiteral("demo"), QStringLiteral("--interactions"),
                          parser.value(QStringLiteral("interactions")), QStringLiteral("--quiet")},
              QStringList{QStringLiteral("curate"), QStringLiteral("--quiet")}}) {
            const testing::FlywheelRun run =
                testing::runFlywheel(QStringList{QStringLiteral("--store"), path} + step, -1);
            if (run.exitCode != 0) {
                std::fprintf(stderr, "building the store failed: %s\n", run.err.constData());
                return 1;
            }
        }
    }
    auto store = Store::open(path);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
        return 1;
    }
    int status = exportOnce(*store, QDir(temporary.path()).filePath(QStringLiteral("collapsed")), true);
    status |= exportOnce(*store, QDir(temporary.path()).filePath(QStringLiteral("all")), false);
    return status;
}
