#pragma once

#include "review/decisions.h"
#include "review/reviewqueue.h"
#include "util/mailbox.h"
#include "workers/backgroundjob.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QAction;
class QLabel;
class QTextBrowser;
class QUndoStack;

namespace flywheel::ui {

class DecisionPanel;
class DecisionWriter;
class DetailLoader;
class HistoryModel;
class QueuePanel;
class ReviewQueueModel;
class StoreThread;
class StudioSession;

/// The review studio: the queue, the interaction in detail and the decision controls, driven from
/// the keyboard. Each decision goes on the session's undo stack and to the store through
/// DecisionWriter; the next item shows at once, and the decision is shown as saved only once the
/// store has it. It follows the session: another store is shown from its top, and the queue is read
/// again after curation, an import or a reload.
class ReviewView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewView)

public:
    explicit ReviewView(StudioSession *session, QWidget *parent = nullptr);
    ~ReviewView() override;

    /// Reads the queue, its filters' choices and the history again (after an import or curation).
    void reload();
    void setAnnotator(const QString &name) { m_annotator = name; }
    const QString &annotator() const { return m_annotator; }
    /// Off when the store is damaged: the decision, segment, undo and redo actions are disabled,
    /// the undo history is dropped (nothing of it could be written), and a decision still asked
    /// for (a correction being saved) fails with saveFailed().
    void setWritable(bool writable);
    bool isWritable() const { return m_writable; }

    /// Shows the queue filtered by @p filter (the dashboard hands a segment over this way).
    void showQueue(const QueueFilter &filter);
    /// Shows interaction @p id (from the history) so its decision can be changed.
    void showInteraction(qint64 id, const QString &externalId = {});
    qint64 currentInteraction() const { return m_currentId; }
    /// The current interaction's details are on screen.
    bool isCurrentLoaded() const;

    /// The review actions, for the menus: decisions, moves, search, undo and redo.
    const QList<QAction *> &actions() const { return m_actions; }
    QUndoStack *undoStack() const { return m_undoStack; }
    HistoryModel *history() const { return m_history; }
    ReviewQueueModel *queueModel() const { return m_model; }
    QueuePanel *queuePanel() const { return m_queue; }
    DecisionPanel *decisionPanel() const { return m_panel; }
    QTextBrowser *detailView() const { return m_detail; }
    DecisionWriter *writer() const { return m_writer; }

signals:
    /// Done and remaining in the current queue, and this session's rate; for the status bar.
    void progressChanged(const QString &text);
    /// A decision could not be saved.
    void saveFailed(const QString &message);
    /// An annotator name is needed before the first decision; set it with setAnnotator().
    void annotatorNeeded();
    /// Background work on the store (the search index), for the status bar; empty when done.
    void backgroundStatus(const QString &text);

private:
    using StoredHistory = Result<QList<std::pair<Decision, QString>>>;

    /// Shows the session's newly opened store.
    void storeOpened();
    void createActions();
    QAction *makeAction(const QString &text, const QKeySequence &key, const std::function<void()> &slot);
    void setCurrent(qint64 id, const QString &externalId, const QString &reason, const QString &segment);
    void showEmptyState();
    void decide(DecisionKind kind);
    void correct();
    void saveCorrection();
    void next();
    void previous();
    void focusSearch();
    void backToQueue();
    void selectRow(int row);
    void showCurrentRow();
    void showDetail();
    void prefetchAfter(int row);
    void onRecorded(quint64 token, const Decision &decision);
    void onRemoved(quint64 token, const Decision &decision);
    void onFailed(quint64 token, const Decision &decision, const QString &message);
    void updateProgress();
    void loadHistory();
    void showStoredHistory(const StoredHistory &loaded);
    void searchIndexUpdated(bool finished);
    void updateSearchIndex();
    bool indexForSearch(Store &store);

    StudioSession *m_session;
    // Shared with the session: the index's jobs run on it and must finish before the view goes.
    std::shared_ptr<StoreThread> m_writerThread;
    QString m_annotator;
    ReviewQueueModel *m_model;
    DetailLoader *m_details;
    DecisionWriter *m_writer;
    HistoryModel *m_history;
    QUndoStack *m_undoStack;
    QueuePanel *m_queue;
    QTextBrowser *m_detail;
    DecisionPanel *m_panel;
    QList<QAction *> m_actions;
    QList<QAction *> m_writeActions;
    bool m_writable = true;

    qint64 m_currentId = 0;
    QString m_currentExternalId;
    QString m_currentReason;
    // The queue row shown, or -1 when the item came from the history.
    int m_currentRow = -1;
    int m_returnRow = -1;
    // The external id of each decision's interaction, by writer token, for the history.
    QHash<quint64, QString> m_externalIds;
    QElapsedTimer m_itemTimer;
    QElapsedTimer m_sessionTimer;
    qint64 m_queueCount = 0;
    int m_decidedSinceCount = 0;
    Mailbox m_replies;
    // The search index is brought up to date on the writer thread, a batch at a time.
    bool m_indexing = false;
    std::atomic_bool m_cancelIndexing{false};
    bool m_indexAgain = false;
    BackgroundJob<StoredHistory> m_historyLoad{[this](StoredHistory h) {
        showStoredHistory(h);
    }};
};

} // namespace flywheel::ui
