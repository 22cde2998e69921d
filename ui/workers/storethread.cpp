#include "workers/storethread.h"

#include <condition_variable>
#include <memory>
#include <mutex>

namespace flywheel::ui {
namespace {

Store::Options optionsFor(StoreThread::Role role)
{
    if (role == StoreThread::Role::Reader)
        return Store::readerOptions();
    // The writer also imports: it keeps Store's large page cache.
    Store::Options options;
    options.create = false;
    return options;
}

} // namespace

StoreThread::StoreThread(const QString &name, Role role, QObject *parent)
    : QObject(parent)
    , m_context(new Mailbox)
    , m_role(role)
{
    m_thread.setObjectName(name);
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

StoreThread::~StoreThread()
{
    // The quit is queued behind the jobs, so every posted job runs (a decision is never dropped).
    m_context->post([this] {
        m_store.reset();
        handOffRelease(this);
        m_thread.quit();
    });
    m_thread.wait();
    // QThread::wait() may return on a flag TSan cannot see being set.
    handOffAcquire(this);
}

void StoreThread::setStorePath(const QString &path)
{
    m_context->post([this, path] {
        if (path == m_path)
            return;
        m_path = path;
        m_store.reset();
        m_openError.clear();
    });
}

void StoreThread::ensureOpen()
{
    if (m_store || m_path.isEmpty())
        return;
    auto store = Store::open(m_path, optionsFor(m_role));
    if (store) {
        m_store.emplace(std::move(*store));
        m_openError.clear();
    } else {
        m_openError = store.errorMessage();
    }
}

QString StoreThread::openError() const
{
    if (m_store)
        return {};
    return m_path.isEmpty() ? tr("No store is open.") : m_openError;
}

void StoreThread::post(Job job)
{
    m_context->post([this, job = std::move(job)] {
        ensureOpen();
        job(m_store ? &*m_store : nullptr, openError());
    });
}

void StoreThread::runAndWait(Job job)
{
    waitFor([this, &job] {
        ensureOpen();
        job(m_store ? &*m_store : nullptr, openError());
    });
}

void StoreThread::drain()
{
    waitFor([] {});
}

void StoreThread::waitFor(const std::function<void()> &work)
{
    Q_ASSERT(QThread::currentThread() != &m_thread);
    // A mutex and condition variable rather than a future: TSan sees through pthreads. The job
    // holds its own copy of the work and its state, so the store thread never reads the caller's
    // stack frame itself.
    struct Waiting {
        std::mutex mutex;
        std::condition_variable ran;
        bool done = false;
    };
    const auto waiting = std::make_shared<Waiting>();
    m_context->post([waiting, work] {
        work();
        const std::lock_guard lock(waiting->mutex);
        waiting->done = true;
        waiting->ran.notify_one();
    });
    std::unique_lock lock(waiting->mutex);
    waiting->ran.wait(lock, [&] { return waiting->done; });
}

} // namespace flywheel::ui
