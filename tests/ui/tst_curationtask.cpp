#include "session/studiosession.h"
#include "tasks/curationtask.h"

#include "demo/demogenerator.h"
#include "store/store.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace flywheel;

class TestCurationTask : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        m_storePath = m_dir.filePath(
            QStringLiteral("%1.flywheel").arg(QString::fromLatin1(QTest::currentTestFunction())));
        auto store = Store::open(m_storePath);
        QVERIFY(store);
        DemoOptions options;
        options.interactions = 1500;
        QVERIFY(DemoGenerator(*store, options).run());
    }

    void curatesOnAWorker()
    {
        ui::StudioSession session;
        session.open(m_storePath);
        ui::CurationTask task(&session);
        QSignalSpy progress(&task, &ui::CurationTask::progress);
        QSignalSpy finished(&task, &ui::CurationTask::finished);
        QSignalSpy failed(&task, &ui::CurationTask::failed);
        QVERIFY(task.start());
        QVERIFY(task.isRunning());
        QVERIFY(!task.start()); // one run at a time
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!task.isRunning());
        QVERIFY(!progress.isEmpty());
        QVERIFY(!progress.first().first().toString().isEmpty());

        const auto report = finished.first().first().value<CurationReport>();
        QVERIFY(!report.cancelled);
        QCOMPARE(report.interactions, qint64(1500));
        auto store = Store::open(m_storePath);
        QVERIFY(store);
        auto flags = store->db().queryInt("SELECT count(*) FROM flags");
        QVERIFY(flags);
        QVERIFY(*flags > 0);
    }

    void cancels()
    {
        ui::StudioSession session;
        session.open(m_storePath);
        ui::CurationTask task(&session);
        QSignalSpy finished(&task, &ui::CurationTask::finished);
        QSignalSpy failed(&task, &ui::CurationTask::failed);
        QSignalSpy changed(&session, &ui::StudioSession::changed);
        QVERIFY(task.start(true));
        // At once: the run checks the flag between its stages, long before it could finish.
        task.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() > 0, 60000);
        QVERIFY(!task.isRunning());
        QVERIFY(failed.isEmpty());
        QCOMPARE(finished.count(), 1);
        QVERIFY(finished.first().first().value<CurationReport>().cancelled);
        // Nothing was written but the run's record, and the views were not told to reload.
        QCOMPARE(changed.count(), 0);
        auto store = Store::open(m_storePath, Store::readerOptions());
        QVERIFY(store);
        QCOMPARE(store->db().queryInt("SELECT count(*) FROM flags").value_or(-1), qint64(0));
        QCOMPARE(store->db()
                     .queryInt("SELECT count(*) FROM curation_runs WHERE status = 'cancelled'")
                     .value_or(-1),
                 qint64(1));
    }

    void failsOnAMissingStore()
    {
        ui::StudioSession session;
        session.open(m_dir.filePath(QStringLiteral("missing.flywheel")));
        ui::CurationTask task(&session);
        QSignalSpy failed(&task, &ui::CurationTask::failed);
        QVERIFY(task.start());
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(!failed.first().first().toString().isEmpty());
    }

    void destructorWaitsForTheWorker()
    {
        {
            ui::StudioSession session;
            session.open(m_storePath);
            ui::CurationTask task(&session);
            QVERIFY(task.start(true));
        }
        QVERIFY(Store::open(m_storePath));
    }

private:
    QTemporaryDir m_dir;
    QString m_storePath;
};

QTEST_MAIN(TestCurationTask)
#include "tst_curationtask.moc"
