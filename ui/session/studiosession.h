#pragma once

#include "store/store.h"

#include <QFlags>
#include <QObject>

#include <memory>

class QUndoStack;

namespace flywheel::ui {

class StoreThread;

/// The studio's hold on one store: its path, the undo stack of decisions, the one thread that
/// writes to it, and how readers open their connections.
///
/// Every write the studio makes (decisions, guidelines, the search index, and the writes of
/// curation and import) runs on the writer thread, one at a time and in the order asked, on the
/// process's only writing connection, which runs the checkpoints. Everything else reads, on
/// connections that refuse writes. Views do not poke each other after a change: whoever changed
/// the store calls notify(), and every view that shows it listens to changed().
///
/// It is the one place that knows which store is open, so an engine other than a SQLite file
/// (and the offline journal of decisions a shared store needs) fits here without touching views.
class StudioSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StudioSession)

public:
    enum class Change {
        /// Another store was opened (or the same one again).
        Store = 0x1,
        /// A decision was recorded, changed or removed.
        Decisions = 0x2,
        Guidelines = 0x4,
        /// Curation wrote new results: flags, labels, duplicates, the dashboard's figures.
        Curation = 0x8,
        /// An import added or changed interactions.
        Import = 0x10,
        /// File → Reload: the store may have changed outside the studio.
        Everything = Decisions | Guidelines | Curation | Import,
    };
    Q_DECLARE_FLAGS(Changes, Change)
    Q_FLAG(Changes)

    explicit StudioSession(QObject *parent = nullptr);
    /// Writes still queued are finished first; the writer thread stops once nobody holds it.
    ~StudioSession() override;

    /// Works on the store at @p path from now on (an existing store; see create()): the writer
    /// switches to it, the undo stack is cleared, and changed(Store) is emitted.
    void open(const QString &path);
    const QString &storePath() const { return m_path; }
    bool isOpen() const { return !m_path.isEmpty(); }

    QUndoStack *undoStack() const { return m_undoStack; }
    /// The thread of every write. Shared, so that work still holding it outlives a closing session.
    const std::shared_ptr<StoreThread> &writer() const { return m_writer; }
    /// For a worker thread: runs a write on the writer thread's connection and waits for it.
    WriteTurn writeTurn() const;

    /// Tells every view that @p what changed in the store.
    void notify(Changes what);

    /// Creates the store at @p path, or upgrades an older one: the only write the GUI thread
    /// makes, on a connection it closes at once.
    static Status create(const QString &path);
    /// A connection for the calling thread that reads the store at @p path and refuses writes.
    static Result<Store> openReader(const QString &path);

signals:
    void changed(flywheel::ui::StudioSession::Changes what);

private:
    QString m_path;
    QUndoStack *m_undoStack;
    std::shared_ptr<StoreThread> m_writer;
};

} // namespace flywheel::ui

Q_DECLARE_OPERATORS_FOR_FLAGS(flywheel::ui::StudioSession::Changes)
