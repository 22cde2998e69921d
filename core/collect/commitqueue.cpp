#include "collect/commitqueue.h"

#include "ingest/linestore.h"

namespace flywheel {
namespace {

qint64 weight(const RequestRecords &records)
{
    return std::max<qint64>(1, qint64(records.lines.size()));
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

void CommitQueue::run()
{
    std::vector<Pending> batch;
    while (true) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return !m_queue.empty() || m_closing; });
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
        return {};
    return storeParsedLine(*m_writer, line, counts);
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
        for (const ParsedLine &line : records.lines) {
            if (status = storeRequestLine(records.source, line, counts); !status)
                break;
        }
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
    {
        std::lock_guard lock(m_mutex);
        m_committed += total;
        m_transactions += status.ok();
        if (!status)
            m_lastError = status.errorMessage();
    }
    for (size_t i = 0; i < batch.size(); ++i)
        batch[i].done(outcomes[i]);
}

} // namespace flywheel
