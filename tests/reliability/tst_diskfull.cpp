// Writers on a full disk: a store on a small tmpfs the test mounts (root only; skipped with the
// reason elsewhere). Every command must fail with a message naming the cause and a non-zero exit,
// leave a store that passes `flywheel check`, keep everything it acknowledged, and succeed once
// there is room again.

#include "../common/httpclient.h"
#include "../common/runflywheel.h"

#include "store/store.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <unistd.h>

using flywheel::testing::FlywheelRun;
using flywheel::testing::runFlywheel;

namespace {

QByteArray record(const QByteArray &prefix, qint64 n)
{
    return R"({"id":")" + prefix + QByteArray::number(n) +
           R"(","timestamp":"2026-11-01T12:00:00Z","model":"bot","model_version":"v1","input":"Question )" +
           QByteArray::number(n) +
           R"( about a parcel that has not arrived, with enough words to take room",)" +
           R"("output":"It is on its way; here is the tracking link and what to do next.","outcome":"accepted",)" +
           R"("feedback":[{"kind":"thumbs","value":"up"}]})" + "\n";
}

QByteArray records(const QByteArray &prefix, qint64 from, qint64 to)
{
    QByteArray lines;
    for (qint64 n = from; n < to; ++n)
        lines += record(prefix, n);
    return lines;
}

bool mountCommand(const QStringList &arguments)
{
    QProcess mount;
    mount.start(QStringLiteral("mount"), arguments);
    return mount.waitForFinished(10000) && mount.exitStatus() == QProcess::NormalExit &&
           mount.exitCode() == 0;
}

} // namespace

class TestDiskFull : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("mounting the small filesystem these tests fill needs root");
        m_mount = m_mountDir.path();
        if (!mountCommand({QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                           QStringLiteral("size=4m"), QStringLiteral("flywheel-diskfull"), m_mount}))
            QSKIP("cannot mount a tmpfs here (a container without the capability?)");
        m_mounted = true;
    }

    void cleanupTestCase()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), {m_mount});
    }

    // Each test starts with an empty filesystem of 4 MB.
    void init()
    {
        QDir dir(m_mount);
        for (const QString &name : dir.entryList(QDir::Files))
            QVERIFY(dir.remove(name));
        QVERIFY(resize(4));
    }

    void ingestStopsCleanlyAndFinishesWithSpace()
    {
        const QString input = m_work.filePath(QStringLiteral("capture.jsonl"));
        writeFile(input, records("r", 0, 20000)); // about 9 MB
        const QString store = m_mount + QStringLiteral("/ingest.flywheel");

        const FlywheelRun full =
            runFlywheel({QStringLiteral("--store"), store, QStringLiteral("ingest"), input});
        QCOMPARE(full.exitCode, 2);
        QVERIFY2(full.err.contains("disk is full"), full.err.constData());
        QVERIFY2(full.err.contains("re-run to finish"), full.err.constData());
        expectHealthy(store);
        const qint64 kept = interactions(store);
        QVERIFY(kept < 20000);

        QVERIFY(resize(64));
        const FlywheelRun again =
            runFlywheel({QStringLiteral("--store"), store, QStringLiteral("ingest"), input});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        expectHealthy(store);
        QCOMPARE(interactions(store), qint64(20000));
        QCOMPARE(count(store, "SELECT count(DISTINCT external_id) FROM interactions"), qint64(20000));
        QCOMPARE(count(store, "SELECT count(*) FROM feedback_events"), qint64(20000));
    }

    void curationKeepsPreviousResults()
    {
        QVERIFY(resize(64));
        const QString store = m_mount + QStringLiteral("/curate.flywheel");
        ingest(store, records("a", 0, 3000));
        QCOMPARE(runFlywheel(
                     {QStringLiteral("--store"), store, QStringLiteral("curate"), QStringLiteral("--quiet")})
                     .exitCode,
                 0);
        ingest(store, records("b", 0, 3000));
        const qint64 runs = count(store, "SELECT count(*) FROM curation_runs WHERE status = 'completed'");
        const qint64 curated = count(store, "SELECT count(*) FROM curation");

        fillDisk(256 * 1024);
        const FlywheelRun failed = runFlywheel({QStringLiteral("--store"), store, QStringLiteral("curate"),
                                                QStringLiteral("--full"), QStringLiteral("--quiet")});
        QVERIFY(failed.exitCode != 0);
        QVERIFY2(failed.err.contains("disk is full"), failed.err.constData());
        QVERIFY2(failed.err.contains("previous curation results are unchanged"), failed.err.constData());
        // With no room at all the store can still be read: its WAL index stays next to it between
        // connections (no checkpoint on close deletes it), so opening it creates no file.
        fillDisk(0);
        const FlywheelRun read = runFlywheel({QStringLiteral("--store"), store, QStringLiteral("stats")});
        QVERIFY2(read.exitCode == 0, read.err.constData());
        QFile::remove(m_mount + QStringLiteral("/filler"));
        expectHealthy(store);
        QCOMPARE(count(store, "SELECT count(*) FROM curation_runs WHERE status = 'completed'"), runs);
        QCOMPARE(count(store, "SELECT count(*) FROM curation"), curated);

        const FlywheelRun again = runFlywheel(
            {QStringLiteral("--store"), store, QStringLiteral("curate"), QStringLiteral("--quiet")});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(count(store, "SELECT count(*) FROM curation"), qint64(6000));
    }

    void backupLeavesNothingBehind()
    {
        const QString store = m_work.filePath(QStringLiteral("backup-source.flywheel"));
        ingest(store, records("k", 0, 12000));
        const QString copy = m_mount + QStringLiteral("/copy.flywheel");
        const FlywheelRun failed = runFlywheel(
            {QStringLiteral("--store"), store, QStringLiteral("backup"), QStringLiteral("--to"), copy});
        QVERIFY(failed.exitCode != 0);
        QVERIFY2(failed.err.contains("disk is full") || failed.err.contains("No space left"),
                 failed.err.constData());
        QVERIFY(QDir(m_mount).entryList(QDir::Files).isEmpty());
        expectHealthy(store);

        QVERIFY(resize(64));
        const FlywheelRun again = runFlywheel(
            {QStringLiteral("--store"), store, QStringLiteral("backup"), QStringLiteral("--to"), copy});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QCOMPARE(interactions(copy), qint64(12000));
    }

    // Requests are all or nothing: those answered 200 are stored, those answered 503 are not, and
    // the collector keeps serving once there is room.
    void collectorAnswers503AndKeepsWhatItAcknowledged()
    {
        const QString store = m_mount + QStringLiteral("/collector.flywheel");
        QCOMPARE(runFlywheel({QStringLiteral("--store"), store, QStringLiteral("init")}).exitCode, 0);
        QProcess serve;
        const quint16 port = flywheel::testing::startServe(serve, store);
        QVERIFY(port != 0);
        flywheel::testing::HttpClient http(QStringLiteral("127.0.0.1"), port);
        qint64 acknowledged = 0, refused = 0;
        QByteArray refusal;
        for (qint64 n = 0; n < 40000 && refused == 0; n += 200) {
            const auto response = http.post("/v1/interactions", records("c", n, n + 200));
            if (response.status == 200) {
                acknowledged += 200;
            } else {
                QCOMPARE(response.status, 503);
                refusal = response.body;
                ++refused;
            }
        }
        QVERIFY2(refused == 1, "the disk never filled");
        QVERIFY2(refusal.contains("disk is full"), refusal.constData());
        QVERIFY(resize(64));
        const auto retried = http.post("/v1/interactions", records("c", acknowledged, acknowledged + 200));
        QCOMPARE(retried.status, 200);
        acknowledged += 200;
        serve.terminate();
        QVERIFY(serve.waitForFinished(30000));
        QCOMPARE(serve.exitCode(), 0);
        expectHealthy(store);
        QCOMPARE(interactions(store), acknowledged);
    }

private:
    bool resize(int megabytes)
    {
        return mountCommand(
            {QStringLiteral("-o"), QStringLiteral("remount,size=%1m").arg(megabytes), m_mount});
    }

    // Leaves about @p leaveBytes free: enough to open the store, not to write a run's results.
    void fillDisk(qint64 leaveBytes)
    {
        QFile filler(m_mount + QStringLiteral("/filler"));
        QVERIFY(filler.open(QIODevice::WriteOnly));
        const QByteArray chunk(16 * 1024, 'x');
        while (QStorageInfo(m_mount).bytesAvailable() > leaveBytes + chunk.size() &&
               filler.write(chunk) == chunk.size() && filler.flush()) {
        }
    }

    static void writeFile(const QString &path, const QByteArray &content)
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly) && file.write(content) == content.size());
    }

    void ingest(const QString &store, const QByteArray &lines)
    {
        const QString input = m_work.filePath(QStringLiteral("input-%1.jsonl").arg(m_inputs++));
        writeFile(input, lines);
        const FlywheelRun run =
            runFlywheel({QStringLiteral("--store"), store, QStringLiteral("ingest"), input});
        QVERIFY2(run.exitCode == 0, run.err.constData());
    }

    static void expectHealthy(const QString &store)
    {
        const FlywheelRun check = runFlywheel({QStringLiteral("--store"), store, QStringLiteral("check")});
        QVERIFY2(check.exitCode == 0, (check.out + check.err).constData());
    }

    static qint64 count(const QString &path, const char *sql)
    {
        auto store = flywheel::Store::open(path);
        if (!store)
            return -1;
        auto value = store->db().queryInt(sql);
        return value ? *value : -1;
    }

    static qint64 interactions(const QString &path)
    {
        return count(path, "SELECT count(*) FROM interactions");
    }

    QTemporaryDir m_mountDir;
    QTemporaryDir m_work;
    QString m_mount;
    bool m_mounted = false;
    int m_inputs = 0;
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
