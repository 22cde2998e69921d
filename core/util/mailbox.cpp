#include "util/mailbox.h"

#include <QCoreApplication>
#include <QEvent>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace flywheel {

void handOffRelease(const void *token)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_release(const_cast<void *>(token));
#else
    (void)token;
#endif
}

void handOffAcquire(const void *token)
{
#if defined(__SANITIZE_THREAD__)
    __tsan_acquire(const_cast<void *>(token));
#else
    (void)token;
#endif
}

namespace {

const QEvent::Type kJobEvent = static_cast<QEvent::Type>(QEvent::registerEventType());

// The job travels in the event: built on the posting thread, run and freed on the mailbox's.
class JobEvent final : public QEvent {
public:
    explicit JobEvent(std::function<void()> job)
        : QEvent(kJobEvent)
        , m_job(std::move(job))
    {
        handOffRelease(this);
    }
    // Also reached without run() when the mailbox goes first and Qt drops the event.
    ~JobEvent() override { handOffAcquire(this); }

    void run()
    {
        handOffAcquire(this);
        m_job();
    }

private:
    std::function<void()> m_job;
};

} // namespace

Mailbox::Mailbox(QObject *parent)
    : QObject(parent)
{}

Mailbox::~Mailbox() = default;

void Mailbox::post(std::function<void()> job)
{
    QCoreApplication::postEvent(this, new JobEvent(std::move(job)));
}

bool Mailbox::event(QEvent *event)
{
    // Before the type is read: the event was written on the posting thread. For Qt's own events
    // the acquire pairs with nothing and costs nothing.
    handOffAcquire(event);
    if (event->type() != kJobEvent)
        return QObject::event(event);
    static_cast<JobEvent *>(event)->run();
    return true;
}

} // namespace flywheel
