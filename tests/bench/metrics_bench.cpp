// Dashboard benchmark: how long loadDashboard takes on a large curated store, and what building
// its rollup adds to curation.
//
//   metrics_bench [--interactions N] [--store PATH] [--skip-curation]
//
// Builds a demo store of N interactions (default 1,000,000) with `flywheel demo`, curates it with
// `flywheel curate` (a full run; its "rollup" stage is the rollup's cost), exports an SFT dataset
// with `flywheel export`, records 5,000 reviews of flagged interactions, adds 1 % more
// interactions and curates them incrementally in this process. With --store it uses that curated
// store instead, and curates it once more incrementally, as `flywheel curate` would (unless
// --skip-curation).
//
// Then times loadDashboard, median of 5 runs after one warm-up: unfiltered, with a date range (the
// middle third of the days), with one model version, with two segments, and with week buckets.

#include "../common/runflywheel.h"

#include "curate/curator.h"
#include "metrics/dashboard.h"
#include "store/statement.h"
#include "store/store.h"
#include "util/allocator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <map>

using namespace flywheel;

namespace {

bool runCli(const QString &path, const QStringList &arguments, QJsonObject *json = nullptr)
{
    const testing::FlywheelRun run =
        testing::runFlywheel(QStringList{QStringLiteral("--store"), path} + arguments, -1);
    if (run.exitCode != 0)
        std::fprintf(stderr, "flywheel %s failed: %s\n", qPrintable(arguments.join(QLatin1Char(' '))),
                     run.err.constData());
    else if (json)
        *json = QJsonDocument::fromJson(run.out).object();
    return run.exitCode == 0;
}

qint64 stageMs(const QList<CurationReport::Stage> &stages, const char *name)
{
    for (const CurationReport::Stage &s : stages)
        if (s.name == QLatin1String(name))
            return s.ms;
    return 0;
}

// Reviews of the first flagged interactions: decisions of every kind, a label on most, the seconds
// the reviewer spent, one a minute.
bool addReviews(Store &store, qint64 count)
{
    auto insert = store.db().prepare(R"sql(
INSERT INTO reviews (interaction_id, decision, label, reviewer, created_at, seconds)
SELECT interaction_id,
       CASE n % 4 WHEN 0 THEN 'approve' WHEN 1 THEN 'reject' WHEN 2 THEN 'correct' ELSE 'skip' END,
       CASE n % 4 WHEN 0 THEN 'positive' WHEN 1 THEN 'negative' WHEN 2 THEN 'gold' END,
       'bench', ?2 + n * 60000, 5 + n % 40
FROM (SELECT interaction_id, row_number() OVER (ORDER BY interaction_id) AS n
      FROM (SELECT DISTINCT interaction_id FROM flags) LIMIT ?1))sql");
    if (!insert)
        return false;
    insert->bind(1, count);
    insert->bind(2, currentTimeMs() - count * 60000);
    return bool(insert->run());
}

double medianMs(Store &store, const DashboardFilter &filter, DashboardMetrics *last = nullptr)
{
    if (auto warm = loadDashboard(store, filter); !warm) {
        std::fprintf(stderr, "%s\n", qPrintable(warm.errorMessage()));
        return -1;
    }
    std::vector<double> times;
    for (int run = 0; run < 5; ++run) {
        QElapsedTimer timer;
        timer.start();
        auto metrics = loadDashboard(store, filter);
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
        if (!metrics)
            return -1;
        if (last)
            *last = std::move(*metrics);
    }
    std::sort(times.begin(), times.end());
    return times[2];
}

} // namespace

int main(int argc, char *argv[])
{
    keepFreedMemoryForReuse();
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Dashboard benchmark: loadDashboard and its rollup."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("interactions"), QStringLiteral("Demo interactions (default 1000000)."),
                      QStringLiteral("n"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("store"),
                      QStringLiteral("Use this curated store instead of a new demo store."),
                      QStringLiteral("path")});
    parser.addOption(
        {QStringLiteral("skip-curation"), QStringLiteral("With --store: do not curate it again.")});
    parser.process(app);

    QTemporaryDir temporary;
    QString path = parser.value(QStringLiteral("store"));
    const qint64 interactions = parser.value(QStringLiteral("interactions")).toLongLong();
    const bool built = path.isEmpty();
    if (built) {
        path = QDir(temporary.path()).filePath(QStringLiteral("metrics_bench.flywheel"));
        std::printf("building, curating and exporting a demo store of %lld interactions...\n",
                    static_cast<long long>(interactions));
        std::fflush(stdout);
        QJsonObject curated;
        if (!runCli(path, {QStringLiteral("demo"), QStringLiteral("--interactions"),
                           QString::number(interactions), QStringLiteral("--quiet")}) ||
            !runCli(path, {QStringLiteral("--json"), QStringLiteral("curate")}, &curated) ||
            !runCli(path, {QStringLiteral("export"), QStringLiteral("--kind"), QStringLiteral("sft"),
                           QStringLiteral("--out"), QDir(temporary.path()).filePath(QStringLiteral("sft"))}))
            return 1;
        const QJsonObject stages = curated.value(QStringLiteral("stage_ms")).toObject();
        qint64 total = 0;
        for (const QJsonValue &ms : stages)
            total += ms.toInteger();
        std::printf("full curation run: %.1f s, of which the rollup %lld ms (%.2f %%)\n",
                    double(total) / 1000.0,
                    static_cast<long long>(stages.value(QStringLiteral("rollup")).toInteger()),
                    100.0 * double(stages.value(QStringLiteral("rollup")).toInteger()) /
                        double(std::max<qint64>(1, total)));
        if (!runCli(path, {QStringLiteral("demo"), QStringLiteral("--interactions"),
                           QString::number(std::max<qint64>(1, interactions / 100)), QStringLiteral("--seed"),
                           QStringLiteral("43"), QStringLiteral("--quiet")}))
            return 1;
    }
    auto store = Store::open(path);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
        return 1;
    }
    if (built && !addReviews(*store, 5000)) {
        std::fprintf(stderr, "cannot add reviews\n");
        return 1;
    }
    if (built || !parser.isSet(QStringLiteral("skip-curation"))) {
        QElapsedTimer timer;
        timer.start();
        auto report = Curator(*store, RuleSet::defaults()).run();
        if (!report) {
            std::fprintf(stderr, "%s\n", qPrintable(report.errorMessage()));
            return 1;
        }
        std::printf("%s curation run (%lld computed of %lld): %.2f s, of which the rollup %lld ms\n",
                    report->incremental ? "incremental" : "full", static_cast<long long>(report->processed),
                    static_cast<long long>(report->interactions), double(timer.elapsed()) / 1000.0,
                    static_cast<long long>(stageMs(report->stages, "rollup")));
    }

    DashboardMetrics all;
    const double unfiltered = medianMs(*store, {}, &all);
    if (unfiltered < 0 || all.volume.empty()) {
        std::fprintf(stderr, "the store has no curated interactions\n");
        return 1;
    }
    std::printf("store: %lld curated interactions in %zu volume points, %zu segments, %zu datasets, "
                "backlog %lld; coverage gap %.4f\n",
                static_cast<long long>(all.duplicates.n), all.volume.size(), all.coverage.size(),
                all.datasets.size(), static_cast<long long>(all.backlogInteractions), all.coverageGap);

    const qint64 first = all.volume.front().bucketMs, last = all.volume.back().bucketMs;
    DashboardFilter range;
    range.time = TimeRange{first + (last - first) / 3, first + 2 * (last - first) / 3};
    DashboardFilter version;
    version.modelVersions = {all.volume.front().version};
    std::vector<SegmentCoverage> bySize = all.coverage;
    std::sort(bySize.begin(), bySize.end(),
              [](const auto &a, const auto &b) { return a.traffic > b.traffic; });
    DashboardFilter segments;
    for (size_t s = 0; s < std::min<size_t>(2, bySize.size()); ++s)
        segments.segments.append(bySize[s].segment);
    DashboardFilter weeks;
    weeks.bucket = DashboardFilter::Bucket::Week;

    std::printf("loadDashboard, median of 5 (target <= 300 ms):\n");
    std::printf("  unfiltered             %7.1f ms\n", unfiltered);
    std::printf("  date range (1/3)       %7.1f ms\n", medianMs(*store, range));
    std::printf("  one model version (%s) %7.1f ms\n", qPrintable(version.modelVersions.front()),
                medianMs(*store, version));
    std::printf("  two segments           %7.1f ms  (%s)\n", medianMs(*store, segments),
                qPrintable(segments.segments.join(QStringLiteral(", "))));
    std::printf("  week buckets           %7.1f ms\n", medianMs(*store, weeks));
    return 0;
}
