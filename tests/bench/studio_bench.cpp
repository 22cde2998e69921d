// Review studio benchmark: the window over a large store, under the offscreen platform.
//
//   studio_bench [--interactions N] [--store PATH] [--moves N]
//
// Builds a curated demo store of N interactions (default 1,000,000) with `flywheel demo` and
// `flywheel curate` (or uses --store, which must be curated), brings its search index up to date
// (timed: the studio does this in the background on first open), then opens the studio's window
// and prints:
//   - the time from creating the window to the first page of the queue and its first item shown;
//   - moving to the next item with J: median and 95th percentile, from the key press to the
//     item's detail rendered;
//   - full-text searches: the time to the first page, and to the exact count;
//   - scrolling to the end of the queue: the time until its last rows are shown;
//   - a decision's commit: from the key press to the store confirming it (then undone);
//   - resident memory now and at peak.

#include "../common/benchtools.h"
#include "mainwindow.h"
#include "models/reviewqueuemodel.h"
#include "review/searchindex.h"
#include "store/store.h"
#include "util/allocator.h"
#include "views/queuepanel.h"
#include "views/reviewview.h"
#include "workers/decisionwriter.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QUndoStack>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace flywheel;

namespace {

qint64 statusKb(const char *field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines)
        if (line.startsWith(field))
            return line.mid(qsizetype(qstrlen(field))).trimmed().split(' ').first().toLongLong();
    return -1;
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
         {QStringLiteral("store"), QStringLiteral("A curated store to use."), QStringLiteral("path")},
         {QStringLiteral("moves"), QStringLiteral("Moves to the next item."), QStringLiteral("n"),
          QStringLiteral("300")}});
    parser.process(app);

    QTemporaryDir dir;
    const QString path = testing::curatedStore(parser.value(QStringLiteral("store")),
                                               parser.value(QStringLiteral("interactions")), dir.path());
    if (path.isEmpty())
        return 1;
    {
        auto store = Store::open(path);
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(store.errorMessage()));
            return 1;
        }
        QElapsedTimer timer;
        timer.start();
        auto indexed = updateSearchIndex(*store);
        if (!indexed) {
            std::fprintf(stderr, "search index: %s\n", qPrintable(indexed.errorMessage()));
            return 1;
        }
        std::printf("search index: %lld flagged interactions indexed in %.1f s (once per store, in the "
                    "background)\n",
                    qlonglong(*indexed), double(timer.elapsed()) / 1000.0);
    }

    QElapsedTimer startTimer;
    startTimer.start();
    ui::MainWindow window;
    window.review()->setAnnotator(QStringLiteral("bench"));
    window.openStore(path);
    window.show();
    ui::ReviewView *view = window.review();
    ui::ReviewQueueModel *model = view->queueModel();
    if (testing::waitUntil([&] { return view->isCurrentLoaded(); }) < 0) {
        std::fprintf(stderr, "the first item did not show\n");
        return 1;
    }
    const double firstItem = double(startTimer.nsecsElapsed()) / 1e6;
    testing::waitUntil([&] { return model->isCounted(); });
    const double counted = double(startTimer.nsecsElapsed()) / 1e6;
    std::printf(
        "start: first page and item shown %.0f ms (target <= 1000), queue counted (%s rows) %.0f ms\n",
        firstItem, qPrintable(QLocale().toString(model->rowCount())), counted);

    QApplication::setActiveWindow(&window);
    QTableView *table = view->queuePanel()->table();
    table->setFocus();
    std::vector<double> moves;
    const int moveCount = parser.value(QStringLiteral("moves")).toInt();
    for (int i = 0; i < moveCount; ++i) {
        const qint64 before = view->currentInteraction();
        QElapsedTimer timer;
        timer.start();
        QTest::keyClick(table, Qt::Key_J);
        testing::waitUntil([&] { return view->currentInteraction() != before && view->isCurrentLoaded(); });
        view->detailView()->viewport()->repaint();
        moves.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::printf("next item (J, %d moves): median %.2f ms (target <= 16), p95 %.2f ms, max %.2f ms\n",
                moveCount, testing::percentile(moves, 0.5), testing::percentile(moves, 0.95),
                testing::percentile(moves, 1.0));

    const QStringList terms{QStringLiteral("refund"),  QStringLiteral("password reset"),
                            QStringLiteral("invoice"), QStringLiteral("export sql"),
                            QStringLiteral("gdpr"),    QStringLiteral("zzqx")};
    std::vector<double> firstPages, counts;
    for (const QString &term : terms) {
        QueueFilter filter = model->filter();
        filter.search = term;
        QElapsedTimer timer;
        timer.start();
        view->showQueue(filter);
        const double page = testing::waitUntil(
            [&] { return model->rowCount() > 0 ? model->rowAt(0).has_value() : model->isCounted(); });
        testing::waitUntil([&] { return model->isCounted(); });
        const double count = double(timer.nsecsElapsed()) / 1e6;
        firstPages.push_back(page);
        counts.push_back(count);
        std::printf("  search \"%s\": first page %.1f ms, %s matches counted in %.1f ms\n", qPrintable(term),
                    page, qPrintable(QLocale().toString(model->rowCount())), count);
    }
    std::printf("search: first page median %.1f ms (target <= 100), max %.1f ms; count median %.1f ms\n",
                testing::percentile(firstPages, 0.5), testing::percentile(firstPages, 1.0),
                testing::percentile(counts, 0.5));

    view->showQueue({});
    testing::waitUntil([&] { return model->isCounted(); });
    QElapsedTimer scroll;
    scroll.start();
    table->scrollToBottom();
    const int last = model->rowCount() - 1;
    const double toEnd = testing::waitUntil([&] {
        QCoreApplication::processEvents();
        return model->rowAt(last).has_value();
    });
    std::printf("scroll to the end of %s rows: %.0f ms (rows read: only the pages shown)\n",
                qPrintable(QLocale().toString(model->rowCount())), toEnd);

    std::vector<double> commits;
    ui::DecisionWriter *writer = view->writer();
    for (int i = 0; i < 50; ++i) {
        QElapsedTimer timer;
        timer.start();
        QTest::keyClick(table, Qt::Key_A);
        testing::waitUntil([&] { return writer->pending() == 0; });
        commits.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    while (view->undoStack()->canUndo())
        view->undoStack()->undo();
    testing::waitUntil([&] { return writer->pending() == 0; });
    std::printf("decision committed to the store: median %.2f ms, max %.2f ms (50 decisions, undone after)\n",
                testing::percentile(commits, 0.5), testing::percentile(commits, 1.0));

    std::printf("memory: resident %.0f MB now, peak %.0f MB (target <= 400)\n",
                double(statusKb("VmRSS:")) / 1024, double(statusKb("VmHWM:")) / 1024);
    return 0;
}
