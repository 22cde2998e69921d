// Injected I/O errors: a VFS that fails every write from the k-th on (faultyvfs.h), under ingest,
// curation, review decisions and exports, for many k. Each writer must report the cause
// ("disk I/O error"), leave the store sound and keep what it had committed, and finish once the disk
// is good again, without duplicates.

#include "../common/demostore.h"
#include "../core/ingesttesting.h"
#include "faultyvfs.h"

#include "curate/curator.h"
#include "demo/demogenerator.h"
#include "export/exporter.h"
#include "review/decisions.h"

#include <QDir>
#include <QTest>

using namespace flywheel;
using namespace flywheel::testing;

namespace {

// Moments of failure, in writes: early (the first page), in the middle of a batch, late.
const QList<int> kMoments{0, 1, 3, 8, 20, 50, 120, 300, 700};

QString sound(Store &store)
{
    auto check = store.db().prepare("PRAGMA integrity_check");
    if (!check || !check->step() || check->columnText(0) != QStringLiteral("ok"))
        return QStringLiteral("integrity_check fails");
    if (count(store, "SELECT count(*) FROM pragma_foreign_key_check") != 0)
        return QStringLiteral("foreign_key_check finds dangling rows");
    return {};
}

// When the VFS failed a write, what is wrong with how @p writer reported it (empty when it failed
// naming the cause); counts the failure. Empty too when no write failed.
template <typename Outcome>
QString unreported(const Outcome &outcome, const char *writer, int moment, int &failures)
{
    if (!faultyVfsFailed())
        return {};
    if (++failures == 1) // what a user reads
        qInfo("%s", qPrintable(outcome.errorMessage()));
    if (outcome)
        return QStringLiteral("write %1 failed, the %2 did not say so")
            .arg(moment)
            .arg(QLatin1String(writer));
    if (!outcome.errorMessage().contains(QStringLiteral("disk I/O error")))
        return outcome.errorMessage();
    return {};
}

} // namespace

class TestIoErrors : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        installFaultyVfs();
        QVERIFY(m_dir.isValid());
        // A curated demo store, made before any fault, copied by each case.
        m_curated = m_dir.filePath(QStringLiteral("curated.flywheel"));
        QCOMPARE(makeCuratedDemoStore(m_curated), QString());
    }

    void cleanup() { armFaultyVfs(-1); }

    void ingestReportsAndResumes()
    {
        QByteArray lines;
        for (int i = 0; i < 3000; ++i)
            lines += interactionLine("io-" + QByteArray::number(i));
        const QString input = m_dir.filePath(QStringLiteral("io.jsonl"));
        QVERIFY(writeFile(input, lines));
        IngestOptions options;
        options.batchLines = 500;
        int failures = 0;
        for (int moment : kMoments) {
            const QString path = m_dir.filePath(QStringLiteral("ingest-%1.flywheel").arg(moment));
            {
                auto store = Store::open(path);
                QVERIFY(store);
                armFaultyVfs(moment);
                auto report = Ingester(*store, options).ingest({input});
                armFaultyVfs(-1);
                QCOMPARE(unreported(report, "ingest", moment, failures), QString());
            }
            auto store = Store::open(path);
            QVERIFY2(store, qPrintable(store.errorMessage()));
            QCOMPARE(sound(*store), QString());
            // Whole batches or nothing: never part of one.
            QCOMPARE(count(*store, "SELECT count(*) FROM interactions") % options.batchLines, 0);
            auto again = Ingester(*store, options).ingest({input});
            QVERIFY2(again, qPrintable(again.errorMessage()));
            QCOMPARE(count(*store, "SELECT count(*) FROM interactions"), 3000);
            QCOMPARE(count(*store, "SELECT count(DISTINCT external_id) FROM interactions"), 3000);
        }
        QVERIFY(failures >= 5);
    }

    void curationKeepsThePreviousResults()
    {
        int failures = 0;
        for (int moment : kMoments) {
            const QString path = copyOfCurated(QStringLiteral("curate-%1").arg(moment));
            qint64 lastRun = 0;
            {
                auto store = Store::open(path);
                QVERIFY(store);
                DemoOptions more;
                more.interactions = 300;
                more.seed = 43;
                QVERIFY(DemoGenerator(*store, more).run());
                lastRun = count(*store, "SELECT max(id) FROM curation_runs WHERE status = 'completed'");
                Curator curator(*store, RuleSet::defaults());
                curator.setFull(true);
                armFaultyVfs(moment);
                auto report = curator.run();
                armFaultyVfs(-1);
                QCOMPARE(unreported(report, "curation", moment, failures), QString());
            }
            auto store = Store::open(path);
            QVERIFY2(store, qPrintable(store.errorMessage()));
            QCOMPARE(sound(*store), QString());
            const qint64 completed =
                count(*store, "SELECT max(id) FROM curation_runs WHERE status = 'completed'");
            // Either the run completed, or the results are the previous run's, whole.
            if (completed == lastRun) {
                QCOMPARE(count(*store, "SELECT count(*) FROM curation"), 1500);
                QCOMPARE(count(*store, "SELECT count(DISTINCT run_id) FROM curation"), 1);
            }
            QVERIFY(Curator(*store, RuleSet::defaults()).run());
            QCOMPARE(count(*store, "SELECT count(*) FROM curation"), 1800);
        }
        QVERIFY(failures >= 5);
    }

    void decisionIsRefusedWhole()
    {
        const QString path = copyOfCurated(QStringLiteral("decisions"));
        Decision decision;
        decision.kind = DecisionKind::Correct;
        decision.correctedOutput = QStringLiteral("The gold answer.");
        decision.reviewer = QStringLiteral("io");
        for (int moment : {0, 1, 2}) {
            auto store = Store::open(path);
            QVERIFY(store);
            decision.interactionId = count(*store, "SELECT min(interaction_id) FROM flags");
            armFaultyVfs(moment);
            auto id = recordDecision(*store, decision);
            armFaultyVfs(-1);
            if (faultyVfsFailed()) {
                QVERIFY(!id);
                QVERIFY2(id.errorMessage().contains(QStringLiteral("disk I/O error")),
                         qPrintable(id.errorMessage()));
            }
        }
        auto store = Store::open(path);
        QVERIFY(store);
        QCOMPARE(sound(*store), QString());
        // Refused decisions left nothing; the studio keeps them on screen to retry.
        const qint64 before = count(*store, "SELECT count(*) FROM reviews");
        QVERIFY(recordDecision(*store, decision));
        QCOMPARE(count(*store, "SELECT count(*) FROM reviews"), before + 1);
    }

    void exportLeavesNoDataset()
    {
        const QString path = copyOfCurated(QStringLiteral("export"));
        int failures = 0;
        for (int moment : {0, 1, 2, 4, 8}) {
            const QString out = m_dir.filePath(QStringLiteral("sft-%1").arg(moment));
            {
                auto store = Store::open(path);
                QVERIFY(store);
                ExportOptions options;
                options.outDir = out;
                armFaultyVfs(moment);
                auto report = Exporter(*store, options).run();
                armFaultyVfs(-1);
                QCOMPARE(unreported(report, "export", moment, failures), QString());
            }
            auto store = Store::open(path);
            QVERIFY(store);
            QCOMPARE(sound(*store), QString());
            // What `flywheel datasets` and the next export do first: finish a publication the
            // failure interrupted. Then a recorded dataset is in place, and an unrecorded one is not
            // visible.
            QVERIFY(finishInterruptedExports(*store));
            auto query =
                store->db().prepare("SELECT count(*) FROM datasets WHERE path = ?1 AND staging IS NULL");
            QVERIFY(query);
            query->bind(1, QDir(out).absolutePath());
            auto row = query->step();
            QVERIFY(row && *row);
            const bool recorded = query->columnInt(0) == 1;
            QCOMPARE(QFileInfo::exists(out), recorded);
        }
        QVERIFY(failures >= 3);
    }

private:
    QString copyOfCurated(const QString &name)
    {
        const QString path = m_dir.filePath(name + QStringLiteral(".flywheel"));
        QFile::remove(path);
        return QFile::copy(m_curated, path) ? path : QString();
    }

    QTemporaryDir m_dir;
    QString m_curated;
};

QTEST_GUILESS_MAIN(TestIoErrors)
#include "tst_ioerrors.moc"
