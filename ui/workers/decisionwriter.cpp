#include "workers/decisionwriter.h"

#include "workers/storethread.h"

namespace flywheel::ui {

DecisionWriter::DecisionWriter(std::shared_ptr<StoreThread> writer, QObject *parent)
    : QObject(parent)
    , m_thread(std::move(writer))
{
    qRegisterMetaType<flywheel::Decision>();
}

DecisionWriter::~DecisionWriter()
{
    // The writes still queued use this object: they run before it goes.
    m_thread->drain();
}

void DecisionWriter::answer(const std::function<void()> &signal)
{
    m_replies.post([this, signal] {
        --m_pending;
        signal();
        emit pendingChanged(m_pending);
    });
}

void DecisionWriter::record(quint64 token, const Decision &decision)
{
    ++m_pending;
    emit queued(token, decision);
    emit pendingChanged(m_pending);
    m_thread->post([this, token, decision](Store *store, const QString &openError) {
        Decision written = decision;
        written.id = m_ids.value(token, 0);
        if (!store) {
            answer([=, this] { emit failed(token, written, openError); });
            return;
        }
        auto id = recordDecision(*store, written);
        if (!id) {
            answer([=, this, message = id.errorMessage()] { emit failed(token, written, message); });
            return;
        }
        written.id = *id;
        m_ids.insert(token, *id);
        answer([=, this] { emit recorded(token, written); });
    });
}

void DecisionWriter::remove(quint64 token)
{
    ++m_pending;
    emit pendingChanged(m_pending);
    m_thread->post([this, token](Store *store, const QString &openError) {
        Decision gone;
        gone.id = m_ids.value(token, 0);
        if (!store) {
            answer([=, this] { emit failed(token, gone, openError); });
            return;
        }
        // A decision whose write failed has nothing to remove.
        if (gone.id > 0) {
            if (Status s = removeDecision(*store, gone.id); !s) {
                answer([=, this, message = s.errorMessage()] { emit failed(token, gone, message); });
                return;
            }
        }
        answer([=, this] { emit removed(token, gone); });
    });
}

} // namespace flywheel::ui
