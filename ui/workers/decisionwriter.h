#pragma once

#include "review/decisions.h"
#include "util/mailbox.h"

#include <QHash>
#include <QObject>

#include <memory>

namespace flywheel::ui {

class StoreThread;

/// Writes reviewers' decisions to the store on the session's writer thread, in the order they are made, and
/// says when each is committed. A decision is known by a token from newToken(), so it can be
/// undone (removed) and redone (recorded again, with the same id) before its first write has even
/// finished. Nothing is shown as saved before recorded() arrives.
class DecisionWriter final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DecisionWriter)

public:
    explicit DecisionWriter(std::shared_ptr<StoreThread> writer, QObject *parent = nullptr);
    /// Finishes every write already asked for.
    ~DecisionWriter() override;
    quint64 newToken() { return ++m_lastToken; }

    /// Records @p decision; recorded() or failed() follows.
    void record(quint64 token, const Decision &decision);
    /// Deletes the decision recorded under @p token; removed() or failed() follows.
    void remove(quint64 token);

    /// Writes asked for and not yet answered.
    int pending() const { return m_pending; }

signals:
    void queued(quint64 token, const flywheel::Decision &decision);
    /// @p decision carries its id.
    void recorded(quint64 token, const flywheel::Decision &decision);
    void removed(quint64 token, const flywheel::Decision &decision);
    void failed(quint64 token, const flywheel::Decision &decision, const QString &message);
    void pendingChanged(int pending);

private:
    void answer(const std::function<void()> &signal);

    std::shared_ptr<StoreThread> m_thread;
    Mailbox m_replies;
    quint64 m_lastToken = 0;
    int m_pending = 0;
    // Touched only on the writer's thread: the id each token's decision was recorded with.
    QHash<quint64, qint64> m_ids;
};

} // namespace flywheel::ui

Q_DECLARE_METATYPE(flywheel::Decision)
