#include "models/queuesource.h"

#include "workers/storethread.h"

namespace flywheel::ui {

StoreQueueSource::StoreQueueSource()
    : m_thread(std::make_unique<StoreThread>(QStringLiteral("queue loader"), StoreThread::Role::Reader))
{}

StoreQueueSource::~StoreQueueSource() = default;

void StoreQueueSource::setStorePath(const QString &path)
{
    m_thread->setStorePath(path);
}

void StoreQueueSource::readPage(const QueuePageRequest &request, std::function<void(Rows)> answer)
{
    m_thread->post([this, request, answer = std::move(answer)](Store *store, const QString &openError) {
        Rows rows = Error{openError};
        if (store) {
            ReviewQueue queue(*store, request.filter);
            rows = request.after     ? queue.pageAfter(&*request.after, request.limit)
                   : request.fromEnd ? queue.pageBeforeEnd(request.offsetFromEnd, request.limit)
                                     : queue.pageAt(request.offset, request.limit);
        }
        m_replies.post([answer, rows] { answer(rows); });
    });
}

void StoreQueueSource::readCount(const QueueFilter &filter, std::function<void(Result<qint64>)> answer)
{
    m_thread->post([this, filter, answer = std::move(answer)](Store *store, const QString &openError) {
        Result<qint64> count = store ? ReviewQueue(*store, filter).count() : Result<qint64>(Error{openError});
        m_replies.post([answer, count] { answer(count); });
    });
}

} // namespace flywheel::ui
