// Dashboard benchmark: `flywheel report` and the Dashboard tab's refresh on a large store.
//
//   report_bench [--interactions N] [--store PATH] [--runs N] [--screenshot PATH]
//
// Builds a curated demo store of N interactions (default 1,000,000) with `flywheel demo` and
// `flywheel curate`, or uses --store, which must be curated already and is only read. Prints:
//   - `flywheel report --out DIR` as a child process: each run and the median;
//   - loadDashboard() alone, per day and per week buckets (median), and building the charts from its
//     figures, to tell reading from drawing;
//   - the Dashboard tab (offscreen unless QT_QPA_PLATFORM says otherwise): the first load, then
//     filter changes (day/week buckets in turn) from the change to every chart replaced, and to the
//     visible charts painted: each run and the median.
// With --screenshot PATH it saves the studio's window on the Dashboard tab as a PNG, and all the
// tab's charts beside it (PATH with "-charts" before the extension).

#include "../common/benchtools.h"
#include "charts/dashboardcharts.h"
#include "mainwindow.h"
#include "store/store.h"
#include "util/allocator.h"
#include "views/dashboardview.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QScrollArea>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace flywheel;

namespace {

QString list(const std::vector<double> &values)
{
    QStringList parts;
    for (double value : values)
        parts.append(QString::number(value, 'f', 0));
    return parts.join(QStringLiteral(", "));
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    keepFreedMemoryForReuse();
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCommandLineParser parser;
    parser.addOptions(
        {{QStringLiteral("interactions"), QStringLiteral("Demo store size."), QStringLiteral("n"),
          QStringLiteral("1000000")},
         {QStringLiteral("store"), QStringLiteral("A curated store to read."), QStringLiteral("path")},
         {QStringLiteral("runs"), QStringLiteral("Runs of each measure."), QStringLiteral("n"),
          QStringLiteral("5")},
         {QStringLiteral("screenshot"), QStringLiteral("Save the Dashboard tab as this PNG."),
          QStringLiteral("path")}});
    parser.process(app);
    const int runs = qMax(1, parser.value(QStringLiteral("runs")).toInt());

    QTemporaryDir dir;
    const QString path = testing::curatedStore(parser.value(QStringLiteral("store")),
                                               parser.value(QStringLiteral("interactions")), dir.path());
    if (path.isEmpty())
        return 1;
    {
        auto store = Store::open(path, Store::readerOptions());
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
            return 1;
        }
        auto metrics = loadDashboard(*store, {});
        if (!metrics || metrics->curationRunId == 0) {
            std::fprintf(stderr, "the store must be curated: run `flywheel curate` on it first\n");
            return 1;
        }
        qint64 interactions = 0;
        for (const VolumePoint &p : metrics->volume)
            interactions += p.interactions;
        std::printf("store %s: %lld interactions curated by run %lld\n", qPrintable(path),
                    static_cast<long long>(interactions), static_cast<long long>(metrics->curationRunId));

        for (const auto bucket : {DashboardFilter::Bucket::Day, DashboardFilter::Bucket::Week}) {
            DashboardFilter filter;
            filter.bucket = bucket;
            std::vector<double> times;
            for (int i = 0; i < runs; ++i) {
                QElapsedTimer timer;
                timer.start();
                if (!loadDashboard(*store, filter))
                    return 1;
                times.push_back(double(timer.nsecsElapsed()) / 1e6);
            }
            std::printf("loadDashboard, per %s: median %.0f ms (%s)\n",
                        bucket == DashboardFilter::Bucket::Day ? "day" : "week",
                        testing::percentile(times, 0.5), qPrintable(list(times)));
        }
        // The charts alone, from figures already read.
        const charts::VersionPalette palette(*metrics);
        std::vector<double> building;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            for (const charts::DashboardChart &chart : charts::dashboardCharts())
                delete chart.build(*metrics, palette);
            building.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        std::printf("building the %zu charts: median %.0f ms (%s)\n", charts::dashboardCharts().size(),
                    testing::percentile(building, 0.5), qPrintable(list(building)));
    }

    std::vector<double> reports;
    for (int i = 0; i < runs; ++i) {
        const QString out = dir.filePath(QStringLiteral("report-%1").arg(i));
        QElapsedTimer timer;
        timer.start();
        if (!testing::runOrSay(
                {QStringLiteral("--store"), path, QStringLiteral("report"), QStringLiteral("--out"), out}))
            return 1;
        reports.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::printf("flywheel report: median %.0f ms (%s) [target <= 5000 ms]\n",
                testing::percentile(reports, 0.5), qPrintable(list(reports)));

    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    ui::DashboardView *view = window.dashboard();
    int loaded = 0;
    QObject::connect(view, &ui::DashboardView::loaded, [&loaded] { ++loaded; });
    QElapsedTimer first;
    first.start();
    window.openStore(path);
    window.tabs()->setCurrentWidget(view);
    if (testing::waitUntil([&] { return loaded == 1; }) < 0)
        return 1;
    std::printf("Dashboard tab, first load: %.0f ms\n", double(first.nsecsElapsed()) / 1e6);

    auto *bucket = view->findChild<QComboBox *>(QStringLiteral("bucket"));
    std::vector<double> replaced, painted;
    for (int i = 0; i < runs; ++i) {
        QCoreApplication::processEvents();
        const int before = loaded;
        QElapsedTimer timer;
        timer.start();
        bucket->setCurrentIndex(1 - bucket->currentIndex());
        if (testing::waitUntil([&] { return loaded > before; }) < 0)
            return 1;
        replaced.push_back(double(timer.nsecsElapsed()) / 1e6);
        // Paints the visible charts now rather than at the next frame.
        view->repaint();
        painted.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::printf("Dashboard refresh after a filter change, to every chart replaced: median %.0f ms (%s)\n",
                testing::percentile(replaced, 0.5), qPrintable(list(replaced)));
    std::printf("Dashboard refresh after a filter change, to the visible charts painted: median %.0f ms (%s) "
                "[target <= 300 ms]\n",
                testing::percentile(painted, 0.5), qPrintable(list(painted)));

    if (parser.isSet(QStringLiteral("screenshot"))) {
        if (bucket->currentIndex() != 0) {
            const int before = loaded;
            bucket->setCurrentIndex(0);
            testing::waitUntil([&] { return loaded > before; });
        }
        testing::waitUntil([] { return false; }, 500);
        const QString shot = parser.value(QStringLiteral("screenshot"));
        // The window as it opens, and every chart of the tab (scrolled out of view or not).
        QString all = shot;
        all.insert(all.lastIndexOf(QLatin1Char('.')), QStringLiteral("-charts"));
        if (!window.grab().save(shot) || !view->findChild<QScrollArea *>()->widget()->grab().save(all))
            return 1;
        std::printf("screenshots: %s, %s\n", qPrintable(shot), qPrintable(all));
    }
    return 0;
}
