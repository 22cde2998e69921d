#include "workers/storethread.h"

namespace flywheel::ui {

Store::Options studioStoreOptions()
{
    Store::Options options;
    options.create = false;
    options.cacheKb = 8192;
    return options;
}

StoreThread::StoreThread(const QString &name, QObject *parent)
    : QObject(parent)
    , m_context(new Mailbox)
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

void StoreThread::post(Job job)
{
    m_context->post([this, job = std::move(job)] {
        if (!m_store && !m_path.isEmpty()) {
            auto store = Store::open(m_path, studioStoreOptions());
            if (store) {
                m_store.emplace(std::move(*store));
                m_openError.clear();
            } else {
                m_openError = store.errorMessage();
            }
        }
        job(m_store ? &*m_store : nullptr,
            m_store ? QString() : (m_path.isEmpty() ? tr("No store is open.") : m_openError));
    });
}

} // namespace flywheel::ui
