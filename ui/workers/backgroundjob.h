#pragma once

#include "util/mailbox.h"

#include <QtGlobal>

#include <functional>
#include <map>
#include <thread>

namespace flywheel::ui {

/// Long work off the GUI thread, its result handed to a callback on the GUI thread.
///
/// Each start() runs on a thread of its own, so ThreadSanitizer sees every hand-off (the thread's
/// start, the mailbox, the join), which it cannot through Qt's uninstrumented thread pool. Only the
/// latest start() reports: a result that a newer start() has overtaken is dropped. The destructor
/// waits for work still running and drops its results.
template <typename T>
class BackgroundJob {
    Q_DISABLE_COPY_MOVE(BackgroundJob)

public:
    using Finished = std::function<void(T)>;

    /// @p finished runs on the thread that constructs the job.
    explicit BackgroundJob(Finished finished)
        : m_finished(std::move(finished))
    {}
    ~BackgroundJob() { waitForFinished(); }

    void start(std::function<T()> work)
    {
        const quint64 run = ++m_latest;
        m_threads.emplace(run, std::thread([this, run, work = std::move(work)] {
                              T result = work();
                              m_mailbox.post([this, run, result = std::move(result)]() mutable {
                                  deliver(run, std::move(result));
                              });
                          }));
    }

    /// Between start() and the delivery of its result.
    bool isRunning() const { return m_threads.count(m_latest) > 0; }

    /// Blocks until every started run has finished; their results are then delivered as usual,
    /// from the event loop, unless the job is destroyed first.
    void waitForFinished()
    {
        for (auto &[run, thread] : m_threads)
            if (thread.joinable())
                thread.join();
    }

private:
    void deliver(quint64 run, T result)
    {
        const auto found = m_threads.find(run);
        if (found == m_threads.end())
            return;
        // Posting the result was the thread's last act, so this join does not wait.
        if (found->second.joinable())
            found->second.join();
        m_threads.erase(found);
        if (run == m_latest)
            m_finished(std::move(result));
    }

    // Declared first so it goes last: results still queued are dropped after the joins.
    Mailbox m_mailbox;
    Finished m_finished;
    std::map<quint64, std::thread> m_threads;
    quint64 m_latest = 0;
};

} // namespace flywheel::ui
