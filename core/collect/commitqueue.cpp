#include "collect/commitqueue.h"

#include "ingest/linestore.h"

#include <QDateTime>

namespace flywheel {
namespace {

qint64 weight(const RequestRecords &records)
{
    return std::max<qint64>(1, qint64(records.lines.size() + records.telemetry.size()));
}

} // namespace

Result<std::unique_ptr<CommitQueue>> CommitQueue::start(const QString &storePath, Options options)
{
    Store::Options storeOptions;
    storeOptions.busyTimeoutMs = options.busyTimeoutMs;
    auto store = Store::open(storePath, storeOptions);
    if (!store)
        return store.error();
    std::unique_ptr<CommitQueue> queue(new CommitQueue(std::move(*store), std::move(options)));
    // The writer keeps a pointer to the store: create it once the store has its final address.
    auto writer = CaptureWriter::create(queue->m_store, queue->m_options.sourceName.toStdString());
    if (!writer)
        return writer.error();
    queue->m_writer.emplace(std::move(*writer));
    auto join = OtlpJoin::create(queue->m_store, queue->m_options.join);
    if (!join)
        return join.error();
    queue->m_join = std::move(*join);
    auto runId = queue->m_writer->startRun(queue->m_options.runInputsJson);
    if (!runId)
        return runId.error();
    queue->m_runId = *runId;
    queue->m_thread = std::thread(&CommitQueue::run, queue.get());
    return queue;
}

CommitQueue::CommitQueue(Store store, Options options)
    : m_store(std::move(store))
    , m_options(std::move(options))
{}

CommitQueue::~CommitQueue()
{
    (void)close();
}

CommitQueue::Submitted CommitQueue::submit(RequestRecords records, Done done)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_closing)
            return Submitted::Closed;
        // A lone request is always taken, however large: the body limit bounds it.
        if (m_queuedRecords > 0 && m_queuedRecords + weight(records) > m_options.maxQueuedRecords)
            return Submitted::Full;
        m_queuedRecords += weight(records);
        m_queue.push_back(Pending{std::move(records), std::move(done)});
    }
    m_wake.notify_one();
    return Submitted::Queued;
}

Status CommitQueue::close()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_closing && !m_thread.joinable())
            return {};
        m_closing = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
    if (!m_writer || m_runId == 0)
        return {};
    const CaptureCounts counts = committed();
    // The run row belongs to this connection; the writer thread is gone, so this thread may use it.
    return m_writer->finishRun(m_runId, counts, "completed", m_lastError.toStdString());
}

CaptureCounts CommitQueue::committed() const
{
    std::lock_guard lock(m_mutex);
    return m_committed;
}

qint64 CommitQueue::transactions() const
{
    std::lock_guard lock(m_mutex);
    return m_transactions;
}

qint64 CommitQueue::queuedRecords() const
{
    std::lock_guard lock(m_mutex);
    return m_queuedRecords;
}

qint64 CommitQueue::waitingCalls() const
{
    std::lock_guard lock(m_mutex);
    return m_waitingCalls;
}

void CommitQueue::run()
{
    std::vector<Pending> batch;
    while (true) {
        {
            std::unique_lock lock(m_mutex);
            const bool woken = m_wake.wait_for(lock, std::chrono::milliseconds(m_options.sweepIntervalMs),
                                               [this] { return !m_queue.empty() || m_closing; });
            if (!woken) {
                lock.unlock();
                sweep();
                continue;
            }
            if (m_queue.empty())
                return;
            qint64 records = 0;
            while (!m_queue.empty() && (batch.empty() || records + weight(m_queue.front().records) <=
                                                             m_options.maxBatchRecords)) {
                records += weight(m_queue.front().records);
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
            m_queuedRecords -= records;
        }
        writeBatch(batch);
        batch.clear();
        if (std::chrono::steady_clock::now() - m_lastSweep >=
            std::chrono::milliseconds(m_options.sweepIntervalMs))
            sweep();
    }
}

// A line's records, and its rejected ones into the quarantine (OTLP's partial success).
Status CommitQueue::storeRequestLine(const std::string &source, const ParsedLine &line, CaptureCounts &counts)
{
    for (const RejectedRecord &record : line.rejected) {
        ++counts.rejected;
        auto kept = m_writer->quarantine(
            QuarantineRecord{source, record.position, record.reason, record.raw, qint64(record.raw.size())},
            m_runId);
        if (!kept)
            return kept.error();
    }
    if (line.interactions.empty() && line.feedback.empty() && line.corrections.empty())
        return {}; // rejected records, or halves of model calls only
    return storeParsedLine(*m_writer, line, counts);
}

Status CommitQueue::storeRequest(const RequestRecords &records, CaptureCounts &counts)
{
    for (const ParsedLine &line : records.lines)
        if (Status s = storeRequestLine(records.source, line, counts); !s)
            return s;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (Status s = m_join->take(records.telemetry, *m_writer, counts, now); !s)
        return s;
    // OTLP exports posted to /v1/interactions, read by the line parser.
    for (const ParsedLine &line : records.lines)
        if (Status s = m_join->take(line.telemetry, *m_writer, counts, now); !s)
            return s;
    return {};
}

// Stores, in a transaction of its own, the OTLP calls whose wait ran out, and forgets old stored
// ones. Reads first, so an idle collector does not take the write lock every second.
void CommitQueue::sweep()
{
    m_lastSweep = std::chrono::steady_clock::now();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (const auto waiting = m_join->waiting()) {
        std::lock_guard lock(m_mutex);
        m_waitingCalls = *waiting;
    }
    auto due = m_join->hasDue(now);
    if (due && !*due)
        return;
    CaptureCounts counts;
    Status status = due ? m_writer->begin() : Status(due.error());
    if (status) {
        auto stored = m_join->sweep(*m_writer, counts, now);
        status = stored ? m_writer->commit() : Status(stored.error());
    }
    if (!status && m_writer->inBatch())
        m_writer->rollback();
    publish(status, status ? counts : CaptureCounts(), status.ok());
}

void CommitQueue::publish(const Status &status, const CaptureCounts &total, bool transaction)
{
    std::lock_guard lock(m_mutex);
    m_committed += total;
    m_transactions += transaction && status.ok();
    if (!status)
        m_lastError = status.errorMessage();
}

void CommitQueue::writeBatch(std::vector<Pending> &batch)
{
    std::vector<CommitOutcome> outcomes(batch.size());
    Status status = m_writer->begin();
    for (size_t i = 0; i < batch.size() && status; ++i) {
        const RequestRecords &records = batch[i].records;
        CaptureCounts &counts = outcomes[i].counts;
        counts.read = records.read;
        counts.skipped = records.skipped;
        counts.recordsSkipped = records.recordsSkipped;
        status = storeRequest(records, counts);
    }
    if (status)
        status = m_writer->commit();
    if (!status && m_writer->inBatch())
        m_writer->rollback();

    CaptureCounts total;
    for (CommitOutcome &outcome : outcomes) {
        outcome.committed = status.ok();
        if (outcome.committed)
            total += outcome.counts;
        else
            outcome = CommitOutcome{false, {}, status.errorMessage()};
    }
    publish(status, total, true);
    for (size_t i = 0; i < batch.size(); ++i)
        batch[i].done(outcomes[i]);
}

} // namespace flywheel
