// The hand-off primitives every studio worker uses: the mailbox (jobs onto an object's thread, in
// order, dropped when it goes) and the background job (one thread per run, the latest run's result
// on the GUI thread, the destructor waits). tests/reliability/tsan.sh runs this under TSan too.
#include "util/mailbox.h"
#include "workers/backgroundjob.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <future>
#include <memory>

using namespace flywheel;
using namespace flywheel::ui;

class TestBackgroundJob : public QObject {
    Q_OBJECT

private slots:
    void mailboxRunsJobsInOrderOnItsThread();
    void mailboxDropsJobsQueuedWhenItGoes();
    void jobDeliversOnTheGuiThread();
    void newerRunOvertakesOlder();
    void destructorWaitsAndDropsTheResult();
};

void TestBackgroundJob::mailboxRunsJobsInOrderOnItsThread()
{
    QThread thread;
    auto *mailbox = new Mailbox;
    mailbox->moveToThread(&thread);
    thread.start();

    // Posted from the test's thread and a third one; each sees what its poster wrote before.
    QList<int> seen;
    QList<QThread *> ranOn;
    std::promise<void> done;
    for (int i = 0; i < 50; ++i)
        mailbox->post([&, i] {
            seen.append(i);
            ranOn.append(QThread::currentThread());
        });
    std::thread other([&] { mailbox->post([&] { done.set_value(); }); });
    other.join();
    QCOMPARE(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);

    QCOMPARE(seen.size(), 50);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(seen.at(i), i);
    for (QThread *t : ranOn)
        QCOMPARE(t, &thread);

    std::promise<void> stopped;
    mailbox->post([&] {
        mailbox->deleteLater();
        thread.quit();
        stopped.set_value();
    });
    stopped.get_future().wait();
    QVERIFY(thread.wait(10000));
}

void TestBackgroundJob::mailboxDropsJobsQueuedWhenItGoes()
{
    int ran = 0;
    auto token = std::make_shared<int>(0);
    {
        Mailbox mailbox;
        mailbox.post([&ran, token] { ++ran; });
        QCOMPARE(token.use_count(), 2);
    }
    // Destroyed with the mailbox, never run: the job's captures are freed too.
    QCoreApplication::processEvents();
    QCOMPARE(ran, 0);
    QCOMPARE(token.use_count(), 1);
}

void TestBackgroundJob::jobDeliversOnTheGuiThread()
{
    QThread *deliveredOn = nullptr;
    QThread *workedOn = nullptr;
    int result = 0;
    BackgroundJob<int> job([&](int r) {
        deliveredOn = QThread::currentThread();
        result = r;
    });
    QVERIFY(!job.isRunning());
    job.start([&] {
        workedOn = QThread::currentThread();
        return 42;
    });
    QVERIFY(job.isRunning());
    QTRY_COMPARE(result, 42);
    QVERIFY(!job.isRunning());
    QCOMPARE(deliveredOn, QThread::currentThread());
    QVERIFY(workedOn != QThread::currentThread());
}

void TestBackgroundJob::newerRunOvertakesOlder()
{
    QList<int> delivered;
    BackgroundJob<int> job([&](int r) { delivered.append(r); });
    std::promise<void> release;
    job.start([gate = release.get_future().share()] {
        gate.wait(); // the older run ends after the newer one
        return 1;
    });
    job.start([] { return 2; });
    QTRY_COMPARE(delivered, QList<int>{2});
    release.set_value();
    job.waitForFinished();
    QTest::qWait(50);
    QCOMPARE(delivered, QList<int>{2});
    QVERIFY(!job.isRunning());
}

void TestBackgroundJob::destructorWaitsAndDropsTheResult()
{
    std::atomic_bool finished{false};
    int delivered = 0;
    {
        BackgroundJob<int> job([&](int) { ++delivered; });
        job.start([&] {
            QThread::msleep(200);
            finished = true;
            return 1;
        });
    }
    QVERIFY(finished);
    QCoreApplication::processEvents();
    QCOMPARE(delivered, 0);
}

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "tst_backgroundjob.moc"
