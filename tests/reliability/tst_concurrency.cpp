// The collector writing, curation runs and readers at the same time on one store, as real processes,
// with the review studio's reads and decision writes (the same core calls its worker threads make)
// in this process: no "database is locked" may reach a user, every command and call succeeds, and
// every decision made is stored.

#include "../common/httpclient.h"
#include "../common/runflywheel.h"

#include "curate/curationqueries.h"
#include "review/decisions.h"
#include "review/reviewqueue.h"
#include "review/searchindex.h"
#include "store/store.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <atomic>
#include <thread>

namespace {

QByteArray record(qint64 n)
{
    return R"({"id":"c-)" + QByteArray::number(n) +
           R"(","timestamp":"2026-11-01T12:00:00Z","input":"Where is my order )" +
           QByteArray::number(n % 50) +
           R"(?","output":"On its way.","outcome":"accepted","category":"shipping"})" + "\n";
}

using flywheel::testing::runFlywheel;
using Run = flywheel::testing::FlywheelRun;

} // namespace

class TestConcurrency : public QObject {
    Q_OBJECT

private slots:
    void collectorCurationAndReadersTogether()
    {
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("shared.flywheel"));
        QCOMPARE(runFlywheel({QStringLiteral("--store"), store, QStringLiteral("demo"),
                              QStringLiteral("--interactions"), QStringLiteral("20000"),
                              QStringLiteral("--quiet")})
                     .exitCode,
                 0);
        QProcess serve;
        const quint16 port = flywheel::testing::startServe(serve, store);
        QVERIFY(port != 0);

        std::atomic_bool stop{false};
        std::atomic<qint64> acknowledged{0}, refused{0};
        std::thread client([&] {
            flywheel::testing::HttpClient http(QStringLiteral("127.0.0.1"), port);
            for (qint64 n = 0; !stop; n += 20) {
                QByteArray body;
                for (qint64 k = n; k < n + 20; ++k)
                    body += record(k);
                const auto response = http.post("/v1/interactions", body);
                if (response.status == 200)
                    acknowledged += 20;
                else
                    ++refused;
            }
        });
        // The studio: its queue pages, a search, an interaction in detail and a decision, over and
        // over, on a connection of its own with the studio's small cache.
        std::atomic<qint64> decisions{0};
        QStringList studioErrors;
        std::thread studio([&] {
            flywheel::Store::Options options;
            options.create = false;
            options.cacheKb = 8192;
            auto opened = flywheel::Store::open(store, options);
            if (!opened) {
                studioErrors.append(opened.errorMessage());
                return;
            }
            while (!stop) {
                (void)flywheel::updateSearchIndex(*opened);
                flywheel::QueueFilter search;
                search.search = QStringLiteral("order");
                auto found = flywheel::ReviewQueue(*opened, search).pageAfter(nullptr, 20);
                flywheel::ReviewQueue queue(*opened, {});
                auto count = queue.count();
                auto page = queue.pageAfter(nullptr, 20);
                for (const QString &error : {found.errorMessage(), count.errorMessage(), page.errorMessage()})
                    if (!error.isEmpty())
                        studioErrors.append(error);
                if (!page || page->isEmpty()) {
                    QThread::msleep(50);
                    continue;
                }
                auto details = flywheel::loadInteractionDetailsById(*opened, page->first().key.interactionId);
                if (!details)
                    studioErrors.append(details.errorMessage());
                flywheel::Decision decision;
                decision.interactionId = page->first().key.interactionId;
                decision.kind = flywheel::DecisionKind::Accept;
                decision.reviewer = QStringLiteral("concurrency");
                if (auto id = flywheel::recordDecision(*opened, decision); id)
                    ++decisions;
                else
                    studioErrors.append(id.errorMessage());
            }
        });
        // Meanwhile: curation runs (writers) and stats, checks and queue reads (readers), one after another.
        QList<Run> runs;
        for (int round = 0; round < 3; ++round) {
            runs.append(runFlywheel(
                {QStringLiteral("--store"), store, QStringLiteral("curate"), QStringLiteral("--quiet")}));
            runs.append(runFlywheel(
                {QStringLiteral("--store"), store, QStringLiteral("--json"), QStringLiteral("stats")}));
            runs.append(runFlywheel({QStringLiteral("--store"), store, QStringLiteral("check")}));
            runs.append(runFlywheel({QStringLiteral("--store"), store, QStringLiteral("queue"),
                                     QStringLiteral("--limit"), QStringLiteral("5")}));
        }
        stop = true;
        client.join();
        studio.join();
        serve.terminate();
        QVERIFY(serve.waitForFinished(30000));
        const QByteArray serveErrors = serve.readAllStandardError();
        QVERIFY2(serve.exitCode() == 0, serveErrors.constData());

        for (const Run &run : runs) {
            QVERIFY2(run.exitCode == 0, run.err.constData());
            QVERIFY2(!run.err.contains("locked") && !run.err.contains("busy"), run.err.constData());
        }
        QVERIFY2(!serveErrors.contains("locked"), serveErrors.constData());
        QVERIFY2(studioErrors.isEmpty(), qPrintable(studioErrors.join(QLatin1Char('\n'))));
        QVERIFY(decisions > 0);
        QCOMPARE(refused.load(), qint64(0));
        QVERIFY(acknowledged > 0);
        // Everything acknowledged is there: the demo's 20,000 and the collector's, no more, no less.
        const Run stats = runFlywheel(
            {QStringLiteral("--store"), store, QStringLiteral("--json"), QStringLiteral("stats")});
        QCOMPARE(
            QJsonDocument::fromJson(stats.out).object().value(QStringLiteral("interactions")).toInteger(),
            20000 + acknowledged.load());
        auto check = flywheel::Store::open(store);
        QVERIFY(check);
        QCOMPARE(*check->db().queryInt("SELECT count(*) FROM reviews WHERE reviewer = 'concurrency'"),
                 decisions.load());
    }
};

QTEST_GUILESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
