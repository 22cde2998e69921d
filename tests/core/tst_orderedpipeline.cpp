#include "util/orderedpipeline.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

using namespace flywheel;

namespace {

struct Numbers {
    std::vector<int> values;
    int squaredBy = -1; // the worker that squared them
};

// Fills batches of @p perBatch consecutive numbers, @p batches of them.
auto countingProducer(int batches, int perBatch)
{
    return [=](OrderedPipeline<Numbers> &out) {
        for (int b = 0; b < batches; ++b) {
            Numbers *batch = out.acquire();
            if (!batch)
                return;
            batch->values.clear();
            for (int i = 0; i < perBatch; ++i)
                batch->values.push_back(b * perBatch + i);
            out.submit(batch);
        }
    };
}

} // namespace

class TestOrderedPipeline : public QObject {
    Q_OBJECT

private slots:
    void batchesComeBackInOrderWhateverOrderWorkersFinishIn();
    void neverMoreBatchesThanItsCapacity();
    void withoutWorkersItHandsBatchesOver();
    void stopEndsTheProducerAndTheWorkers();
    void anEmptyProducerEndsAtOnce();
};

void TestOrderedPipeline::batchesComeBackInOrderWhateverOrderWorkersFinishIn()
{
    std::set<size_t> workersSeen;
    OrderedPipeline<Numbers> pipeline(8, 3, [](Numbers &batch, size_t worker) {
        // Early batches take longest, so later ones finish first.
        const int first = batch.values.front();
        std::this_thread::sleep_for(std::chrono::milliseconds(first % 40 < 20 ? 6 : 0));
        for (int &v : batch.values)
            v = v * v;
        batch.squaredBy = int(worker);
    });
    pipeline.start(countingProducer(60, 20));
    int expected = 0;
    while (Numbers *batch = pipeline.next()) {
        QCOMPARE(batch->values.size(), size_t(20));
        for (const int v : batch->values) {
            QCOMPARE(v, expected * expected);
            ++expected;
        }
        workersSeen.insert(size_t(batch->squaredBy));
        pipeline.recycle(batch);
    }
    QCOMPARE(expected, 60 * 20);
    QVERIFY2(workersSeen.size() > 1, "the work is shared between the workers");
}

void TestOrderedPipeline::neverMoreBatchesThanItsCapacity()
{
    std::set<const Numbers *> distinct;
    OrderedPipeline<Numbers> pipeline(3, 2, [](Numbers &, size_t) {});
    pipeline.start(countingProducer(50, 1));
    int taken = 0;
    while (Numbers *batch = pipeline.next()) {
        distinct.insert(batch);
        QCOMPARE(batch->values.front(), taken++);
        // A slow caller: the producer must wait for recycled batches rather than make more.
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        pipeline.recycle(batch);
    }
    QCOMPARE(taken, 50);
    QVERIFY2(distinct.size() <= 3, "batches are recycled, never more than the capacity");
}

void TestOrderedPipeline::withoutWorkersItHandsBatchesOver()
{
    OrderedPipeline<Numbers> pipeline(2);
    pipeline.start(countingProducer(10, 5));
    int expected = 0;
    while (Numbers *batch = pipeline.next()) {
        for (const int v : batch->values)
            QCOMPARE(v, expected++);
        QCOMPARE(batch->squaredBy, -1);
        pipeline.recycle(batch);
    }
    QCOMPARE(expected, 50);
}

void TestOrderedPipeline::stopEndsTheProducerAndTheWorkers()
{
    std::atomic_int produced{0};
    OrderedPipeline<Numbers> pipeline(4, 2, [](Numbers &, size_t) {});
    pipeline.start([&](OrderedPipeline<Numbers> &out) {
        // Would run for ever without stop().
        while (Numbers *batch = out.acquire()) {
            batch->values = {produced++};
            out.submit(batch);
        }
    });
    Numbers *first = pipeline.next();
    QVERIFY(first);
    QCOMPARE(first->values.front(), 0);
    // Not recycled: the producer soon waits for a free batch, and stop() must still end it.
    pipeline.stop();
    QCOMPARE(pipeline.next(), nullptr);
    pipeline.finish(); // returns: every thread has ended
    QVERIFY(produced.load() <= 4);
}

void TestOrderedPipeline::anEmptyProducerEndsAtOnce()
{
    std::atomic_int worked{0};
    OrderedPipeline<Numbers> pipeline(4, 2, [&](Numbers &, size_t) { ++worked; });
    pipeline.start([](OrderedPipeline<Numbers> &) {});
    QCOMPARE(pipeline.next(), nullptr);
    pipeline.finish();
    QCOMPARE(worked.load(), 0);
}

QTEST_APPLESS_MAIN(TestOrderedPipeline)
#include "tst_orderedpipeline.moc"
