#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace flywheel {

/// Batches made by one producer thread, worked on by a pool of worker threads and handed to the
/// caller in the order they were made, each exactly once. At most `capacity` batches exist at a
/// time, so memory stays bounded however far the producer runs ahead; a batch the caller recycles
/// is reused, so its buffers keep their capacity. Without workers it is a bounded hand-off from
/// the producer thread to the caller.
///
/// The producer calls acquire() for an empty batch (nullptr: stop producing) and submit() to pass
/// it on; the pipeline has ended when the producer returns and every batch is taken. The caller
/// takes batches with next(), gives them back with recycle(), and may stop() early. finish() (and
/// the destructor) stops and joins every thread. Used by curation (signals read on one thread,
/// computed on several) and by ingest (lines parsed on one thread, written on the caller's).
template <typename Batch>
class OrderedPipeline final {
public:
    using Produce = std::function<void(OrderedPipeline &)>;
    /// Works on one batch; @p worker is the thread's index (0 to workers - 1), for state kept per
    /// thread.
    using Work = std::function<void(Batch &, size_t worker)>;

    explicit OrderedPipeline(size_t capacity, size_t workers = 0, Work work = {})
        : m_capacity(std::max<size_t>(capacity, 1))
        , m_workerCount(work ? workers : 0)
        , m_work(std::move(work))
    {}
    ~OrderedPipeline() { finish(); }
    OrderedPipeline(const OrderedPipeline &) = delete;
    OrderedPipeline &operator=(const OrderedPipeline &) = delete;

    /// Starts the producer and the workers; call once.
    void start(Produce produce)
    {
        m_producer = std::thread([this, produce = std::move(produce)] {
            produce(*this);
            std::lock_guard lock(m_mutex);
            m_produced = true;
            m_changed.notify_all();
        });
        for (size_t w = 0; w < m_workerCount; ++w)
            m_workers.emplace_back([this, w] { workLoop(w); });
    }

    /// Producer: an empty (recycled) batch, waiting while `capacity` are out; nullptr once stopped.
    Batch *acquire()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock,
                       [this] { return !m_free.empty() || m_batches.size() < m_capacity || m_stopped; });
        if (m_stopped)
            return nullptr;
        if (m_free.empty()) {
            m_batches.push_back(std::make_unique<Batch>());
            return m_batches.back().get();
        }
        Batch *batch = m_free.front();
        m_free.pop_front();
        return batch;
    }

    /// Producer: passes a batch from acquire() on, after those submitted before it.
    void submit(Batch *batch)
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back({batch, m_workerCount ? State::Waiting : State::Done});
        m_changed.notify_all();
    }

    /// Caller: the next batch in order, once worked on; nullptr when all are taken or after stop().
    Batch *next()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] {
            return m_stopped || (m_queue.empty() ? m_produced : m_queue.front().state == State::Done);
        });
        if (m_stopped || m_queue.empty())
            return nullptr;
        Batch *batch = m_queue.front().batch;
        m_queue.pop_front();
        return batch;
    }

    /// Caller: gives a batch from next() back for reuse.
    void recycle(Batch *batch)
    {
        std::lock_guard lock(m_mutex);
        m_free.push_back(batch);
        m_changed.notify_all();
    }

    /// Caller: asks the producer and the workers to stop; batches not yet taken are dropped.
    void stop()
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_changed.notify_all();
    }

    /// Stops and waits for every thread.
    void finish()
    {
        stop();
        if (m_producer.joinable())
            m_producer.join();
        for (std::thread &worker : m_workers)
            worker.join();
        m_workers.clear();
    }

private:
    enum class State { Waiting, Working, Done };
    struct Slot {
        Batch *batch;
        State state;
    };

    Slot *firstWaiting()
    {
        for (Slot &slot : m_queue)
            if (slot.state == State::Waiting)
                return &slot;
        return nullptr;
    }

    void workLoop(size_t worker)
    {
        std::unique_lock lock(m_mutex);
        while (true) {
            m_changed.wait(lock, [this] { return m_stopped || m_produced || firstWaiting(); });
            Slot *slot = m_stopped ? nullptr : firstWaiting();
            if (!slot)
                return; // stopped, or produced with nothing left to work on
            slot->state = State::Working;
            Batch *batch = slot->batch;
            lock.unlock();
            m_work(*batch, worker);
            lock.lock();
            // The slot may have moved in the deque; find it by its batch.
            for (Slot &s : m_queue)
                if (s.batch == batch)
                    s.state = State::Done;
            m_changed.notify_all();
        }
    }

    const size_t m_capacity;
    const size_t m_workerCount;
    Work m_work;
    std::vector<std::unique_ptr<Batch>> m_batches; // every batch made, at most m_capacity

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch *> m_free;
    std::deque<Slot> m_queue; // submitted and not yet taken, in order
    bool m_produced = false;
    bool m_stopped = false;
    std::thread m_producer;
    std::vector<std::thread> m_workers;
};

} // namespace flywheel
