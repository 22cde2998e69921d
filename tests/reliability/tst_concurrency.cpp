// The collector writing, curation runs and readers at the same time on one store, as real processes:
// no "database is locked" may reach a user, every command succeeds, and readers see consistent data.

#include "../common/httpclient.h"
#include "../common/runflywheel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
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
        serve.terminate();
        QVERIFY(serve.waitForFinished(30000));
        QCOMPARE(serve.exitCode(), 0);
        const QByteArray serveErrors = serve.readAllStandardError();

        for (const Run &run : runs) {
            QVERIFY2(run.exitCode == 0, run.err.constData());
            QVERIFY2(!run.err.contains("locked") && !run.err.contains("busy"), run.err.constData());
        }
        QVERIFY2(!serveErrors.contains("locked"), serveErrors.constData());
        QCOMPARE(refused.load(), qint64(0));
        QVERIFY(acknowledged > 0);
        // Everything acknowledged is there: the demo's 20,000 and the collector's, no more, no less.
        const Run stats = runFlywheel(
            {QStringLiteral("--store"), store, QStringLiteral("--json"), QStringLiteral("stats")});
        QCOMPARE(
            QJsonDocument::fromJson(stats.out).object().value(QStringLiteral("interactions")).toInteger(),
            20000 + acknowledged.load());
    }
};

QTEST_GUILESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
