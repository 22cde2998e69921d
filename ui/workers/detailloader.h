#pragma once

#include "curate/curationqueries.h"
#include "review/decisions.h"
#include "util/mailbox.h"

#include <QCache>
#include <QObject>
#include <QSet>

namespace flywheel::ui {

class StoreThread;

/// Everything the detail pane shows about one interaction.
struct InteractionView {
    InteractionDetails details;
    QList<Decision> decisions;
};

/// Loads interactions for the detail pane on its own thread, with a small cache and prefetching,
/// so moving to the next item in the queue shows it at once.
class DetailLoader final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailLoader)

public:
    explicit DetailLoader(QObject *parent = nullptr);
    ~DetailLoader() override;

    void setStorePath(const QString &path);
    /// The cached view of @p id, or null.
    const InteractionView *cached(qint64 id) const { return m_cache.object(id); }
    /// Loads @p id unless it is cached or on its way; loaded() follows.
    void request(qint64 id);
    /// Forgets @p id, so the next request reads the store again (after a decision about it).
    void invalidate(qint64 id);

signals:
    void loaded(qint64 id);
    void failed(qint64 id, const QString &message);

private:
    StoreThread *m_thread;
    Mailbox m_replies;
    QCache<qint64, InteractionView> m_cache;
    QSet<qint64> m_requested;
    // Bumped by invalidate(), so a load started before it does not fill the cache.
    QHash<qint64, int> m_generation;
};

} // namespace flywheel::ui
