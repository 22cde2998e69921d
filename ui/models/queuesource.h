#pragma once

#include "review/reviewqueue.h"
#include "util/mailbox.h"

#include <functional>
#include <memory>
#include <optional>

namespace flywheel::ui {

class StoreThread;

/// One page the queue model asks for: after a row it has (keyset), at an offset, or counted from
/// the end of the queue.
struct QueuePageRequest {
    QueueFilter filter;
    std::optional<QueueKey> after;
    qint64 offset = 0;
    bool fromEnd = false;
    qint64 offsetFromEnd = 0;
    int limit = 0;
};

/// Where ReviewQueueModel's pages and counts come from. Each answer arrives later, on the thread
/// that asked, and answers may arrive in any order: the model keeps only those of its newest
/// question. None arrives after the source is destroyed.
class QueueSource {
public:
    using Rows = Result<QList<QueueRow>>;

    virtual ~QueueSource() = default;
    virtual void setStorePath(const QString &path) = 0;
    virtual void readPage(const QueuePageRequest &request, std::function<void(Rows)> answer) = 0;
    virtual void readCount(const QueueFilter &filter, std::function<void(Result<qint64>)> answer) = 0;
};

/// The studio's source: the store, read in order on a reader thread of its own.
class StoreQueueSource final : public QueueSource {
public:
    StoreQueueSource();
    /// Finishes the read in progress; answers still queued are dropped.
    ~StoreQueueSource() override;

    void setStorePath(const QString &path) override;
    void readPage(const QueuePageRequest &request, std::function<void(Rows)> answer) override;
    void readCount(const QueueFilter &filter, std::function<void(Result<qint64>)> answer) override;

private:
    // Declared first so it goes last: the thread's last answers find it still there.
    Mailbox m_replies;
    std::unique_ptr<StoreThread> m_thread;
};

} // namespace flywheel::ui
