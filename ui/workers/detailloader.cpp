#include "workers/detailloader.h"

#include "workers/storethread.h"

#include <memory>

namespace flywheel::ui {

DetailLoader::DetailLoader(QObject *parent)
    : QObject(parent)
    , m_thread(new StoreThread(QStringLiteral("detail loader"), StoreThread::Role::Reader, this))
    , m_cache(64)
{}

DetailLoader::~DetailLoader()
{
    delete m_thread;
}

void DetailLoader::setStorePath(const QString &path)
{
    m_cache.clear();
    m_requested.clear();
    m_thread->setStorePath(path);
}

void DetailLoader::request(qint64 id)
{
    if (id <= 0 || m_cache.contains(id) || m_requested.contains(id))
        return;
    m_requested.insert(id);
    const int generation = m_generation.value(id);
    m_thread->post([this, id, generation](Store *store, const QString &openError) {
        if (!store) {
            m_replies.post([=, this] {
                m_requested.remove(id);
                emit failed(id, openError);
            });
            return;
        }
        auto details = loadInteractionDetailsById(*store, id);
        auto decisions = details ? loadDecisionsFor(*store, id) : Result<QList<Decision>>(details.error());
        if (!details || !decisions) {
            const QString message = !details ? details.errorMessage() : decisions.errorMessage();
            m_replies.post([=, this] {
                m_requested.remove(id);
                emit failed(id, message);
            });
            return;
        }
        // Shared, so it is freed even when the loader is gone before the answer is delivered.
        auto view =
            std::make_shared<InteractionView>(InteractionView{std::move(*details), std::move(*decisions)});
        m_replies.post([=, this] {
            m_requested.remove(id);
            if (m_generation.value(id) != generation) {
                request(id);
                return;
            }
            m_cache.insert(id, new InteractionView(std::move(*view)));
            emit loaded(id);
        });
    });
}

void DetailLoader::invalidate(qint64 id)
{
    m_cache.remove(id);
    ++m_generation[id];
}

} // namespace flywheel::ui
