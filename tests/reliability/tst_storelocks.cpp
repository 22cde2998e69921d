// The cause of the store corrupted in the studio (docs/reliability.md, "The corrupted store of
// 2026-12-03"): a process that opens and closes a store's file outside SQLite loses every POSIX
// lock SQLite holds on it, and another process closing the store then took itself for the last
// one, checkpointed and deleted the WAL that the first was still using. The two then wrote
// different WALs into one file. Here the long-lived process is this test, the other processes
// are the real command line.

#include "../common/posixlocks.h"
#include "../common/runflywheel.h"

#include "ingest/ingester.h"
#include "review/decisions.h"
#include "store/database.h"
#include "store/statement.h"
#include "store/store.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using flywheel::testing::processHoldsLockOn;
using flywheel::testing::runFlywheel;

namespace {

// What Qt's file dialog did to the store: read a few bytes to guess the file's type, and close.
void readLikeAFileDialog(const QString &path)
{
    QFile file(path);
    if (file.open(QIODevice::ReadOnly))
        (void)file.read(64);
}

qulonglong inodeOf(const QString &path)
{
    struct stat info {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? qulonglong(info.st_ino) : 0;
}

QByteArray captureLines(int round)
{
    QByteArray lines;
    for (int k = 0; k < 40; ++k)
        lines += R"({"id":"lock-)" + QByteArray::number(round * 100 + k) +
                 R"(","timestamp":"2026-11-02T10:00:00Z","input":"Can I change the address of order )" +
                 QByteArray::number(k) + R"(?","output":"Yes, until it ships.","outcome":"accepted"})" + "\n";
    return lines;
}

} // namespace

class TestStoreLocks : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("team.flywheel"));
        QCOMPARE(
            runFlywheel({QStringLiteral("--store"), m_store, QStringLiteral("demo"),
                         QStringLiteral("--interactions"), QStringLiteral("3000"), QStringLiteral("--quiet")})
                .exitCode,
            0);
    }

    // The mechanism itself, as the kernel applies it: a close() elsewhere in the process drops the lock.
    void aForeignCloseDropsTheProcessLocks()
    {
        auto store = flywheel::Store::open(m_store);
        QVERIFY(store);
        QVERIFY(store->db().queryInt("SELECT count(*) FROM interactions"));
        QVERIFY(processHoldsLockOn(m_store));
        readLikeAFileDialog(m_store);
        QVERIFY(!processHoldsLockOn(m_store));
    }

    // Importing the store's own files (the Import dialog lists them under "All files") would read
    // them outside SQLite: refused, and the locks stay.
    void ingestRefusesTheStoreItself()
    {
        auto store = flywheel::Store::open(m_store);
        QVERIFY(store);
        QVERIFY(processHoldsLockOn(m_store));
        for (const QString &file :
             {m_store, m_store + QStringLiteral("-wal"), m_store + QStringLiteral("-shm")}) {
            auto report = flywheel::Ingester(*store).ingest({file});
            QVERIFY(!report);
            QVERIFY2(report.errorMessage().contains(QStringLiteral("the store itself")),
                     qPrintable(report.errorMessage()));
        }
        QVERIFY(processHoldsLockOn(m_store));
    }

    // With the locks gone, the command line's connections must still leave the WAL in place.
    void anotherProcessClosingKeepsTheWal()
    {
        auto store = flywheel::Store::open(m_store);
        QVERIFY(store);
        flywheel::Decision decision;
        decision.interactionId = *store->db().queryInt("SELECT min(id) FROM interactions");
        decision.kind = flywheel::DecisionKind::Accept;
        QVERIFY(flywheel::recordDecision(*store, decision));
        const QString wal = m_store + QStringLiteral("-wal"), shm = m_store + QStringLiteral("-shm");
        const qulonglong walInode = inodeOf(wal), shmInode = inodeOf(shm);
        QVERIFY(walInode != 0 && shmInode != 0);

        readLikeAFileDialog(m_store);
        readLikeAFileDialog(shm);
        const auto queue = runFlywheel({QStringLiteral("--store"), m_store, QStringLiteral("queue"),
                                        QStringLiteral("--limit"), QStringLiteral("3")});
        QVERIFY2(queue.exitCode == 0, queue.err.constData());

        QCOMPARE(inodeOf(wal), walInode);
        QCOMPARE(inodeOf(shm), shmInode);
    }

    // What the annotator did, many times over: decisions here, file-dialog reads of the store, and
    // the command line reading and writing it in between. Before the fix this corrupted the store
    // within a few rounds.
    void decisionsSurviveLostLocksAndOtherProcesses()
    {
        auto store = flywheel::Store::open(m_store);
        QVERIFY(store);
        const qint64 before = *store->db().queryInt("SELECT count(*) FROM reviews");
        auto ids = store->db().prepare("SELECT id FROM interactions ORDER BY id LIMIT 400");
        QVERIFY(ids);
        QList<qint64> interactions;
        QVERIFY(ids->forEachRow([&] { interactions.append(ids->columnInt(0)); }));
        const QString capture = m_dir.filePath(QStringLiteral("capture.jsonl"));
        int decided = 0;
        for (int round = 0; round < 12; ++round) {
            readLikeAFileDialog(m_store);
            readLikeAFileDialog(m_store + QStringLiteral("-shm"));
            readLikeAFileDialog(m_store + QStringLiteral("-wal"));
            for (int k = 0; k < 20; ++k) {
                flywheel::Decision decision;
                decision.interactionId = interactions[(round * 20 + k) % interactions.size()];
                decision.kind = k % 3 ? flywheel::DecisionKind::Accept : flywheel::DecisionKind::Reject;
                decision.reviewer = QStringLiteral("locks");
                auto id = flywheel::recordDecision(*store, decision);
                QVERIFY2(id, qPrintable(id.errorMessage()));
                ++decided;
            }
            QFile file(capture);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(captureLines(round));
            file.close();
            for (const QStringList &command :
                 {QStringList{QStringLiteral("ingest"), capture, QStringLiteral("--quiet")},
                  QStringList{QStringLiteral("queue"), QStringLiteral("--search"), QStringLiteral("order")},
                  QStringList{QStringLiteral("guidelines"), QStringLiteral("--history")}}) {
                const auto run = runFlywheel(QStringList{QStringLiteral("--store"), m_store} + command);
                QVERIFY2(run.exitCode == 0, run.err.constData());
            }
        }
        auto integrity = store->db().prepare("PRAGMA integrity_check");
        QVERIFY(integrity);
        QVERIFY(*integrity->step());
        QCOMPARE(integrity->columnText(0), QStringLiteral("ok"));
        QCOMPARE(*store->db().queryInt("SELECT count(*) FROM reviews"), before + decided);
        const auto check = runFlywheel({QStringLiteral("--store"), m_store, QStringLiteral("check")});
        QVERIFY2(check.exitCode == 0, check.out + check.err);
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(TestStoreLocks)
#include "tst_storelocks.moc"
