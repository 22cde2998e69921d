#pragma once

#include "collect/requestbody.h"
#include "ingest/otlp/otlpjoin.h"
#include "store/capturewriter.h"
#include "store/store.h"
#include "util/result.h"

#include <QString>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace flywheel {

/// How one request's records fared: committed with their counts, or not written at all.
struct CommitOutcome {
    bool committed = false;
    CaptureCounts counts;
    /// Why nothing was written (the store could not be written); the request may be retried.
    QString error;
};

/// Writes requests' records into the store on a thread of its own, committing many requests in one
/// transaction (group commit): while one commit waits for the disk, the next requests queue up and
/// share the following one. Each request is answered only after the transaction holding it is
/// committed, and a failed transaction writes none of its requests.
class CommitQueue final {
public:
    struct Options {
        /// Namespace of the external ids (as `flywheel ingest --source`).
        QString sourceName = QStringLiteral("native");
        /// A transaction takes queued requests until it holds about this many records.
        qint64 maxBatchRecords = 20000;
        /// Requests are refused (submit() returns Full) while this many records wait.
        qint64 maxQueuedRecords = 400000;
        /// How long a commit waits for another writer (an ingest, say) before the batch fails.
        int busyTimeoutMs = 10000;
        /// What the ingest run records as its input, as a JSON array.
        std::string runInputsJson = "[]";
        /// How the halves of OTLP model calls (spans, content events) wait for each other.
        OtlpJoin::Options join;
        /// How often the writer, when idle, stores the calls whose wait has run out.
        int sweepIntervalMs = 1000;
    };
    enum class Submitted { Queued, Full, Closed };
    /// Called on the writer thread once the request's transaction has ended.
    using Done = std::function<void(const CommitOutcome &)>;

    /// Opens the store and records an ingest run for this queue's lifetime.
    static Result<std::unique_ptr<CommitQueue>> start(const QString &storePath, Options options);
    ~CommitQueue();
    CommitQueue(const CommitQueue &) = delete;
    CommitQueue &operator=(const CommitQueue &) = delete;

    Submitted submit(RequestRecords records, Done done);
    /// Stops taking requests, commits every queued one, finishes the run record and stops the thread.
    Status close();

    /// What has been committed so far.
    CaptureCounts committed() const;
    qint64 transactions() const;
    qint64 queuedRecords() const;
    /// OTLP model calls waiting for their other half, as of the last write.
    qint64 waitingCalls() const;

private:
    struct Pending {
        RequestRecords records;
        Done done;
    };
    CommitQueue(Store store, Options options);
    void run();
    void writeBatch(std::vector<Pending> &batch);
    Status storeRequestLine(const std::string &source, const ParsedLine &line, CaptureCounts &counts);
    Status storeRequest(const RequestRecords &records, CaptureCounts &counts);
    void sweep();
    void publish(const Status &status, const CaptureCounts &total, bool transaction);

    Store m_store;
    std::optional<CaptureWriter> m_writer;
    std::unique_ptr<OtlpJoin> m_join;
    qint64 m_runId = 0;
    Options m_options;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Pending> m_queue;
    qint64 m_queuedRecords = 0;
    bool m_closing = false;
    CaptureCounts m_committed;
    qint64 m_transactions = 0;
    qint64 m_waitingCalls = 0;
    std::chrono::steady_clock::time_point m_lastSweep;
    QString m_lastError;
    std::thread m_thread;
};

} // namespace flywheel
