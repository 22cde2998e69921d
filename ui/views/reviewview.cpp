#include "views/reviewview.h"

#include "commands/decisioncommand.h"
#include "models/historymodel.h"
#include "models/reviewqueuemodel.h"
#include "review/searchindex.h"
#include "session/studiosession.h"
#include "views/decisionpanel.h"
#include "views/interactionhtml.h"
#include "views/queuepanel.h"
#include "workers/decisionwriter.h"
#include "workers/detailloader.h"
#include "workers/storethread.h"

#include <QAction>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUndoStack>

namespace flywheel::ui {
namespace {

constexpr int kPrefetch = 3;
constexpr int kHistoryLength = 200;
constexpr qint64 kIndexTurnMs = 1000;

} // namespace

ReviewView::ReviewView(StudioSession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_writerThread(session->writer())
    , m_model(new ReviewQueueModel(this))
    , m_details(new DetailLoader(this))
    , m_writer(new DecisionWriter(m_writerThread, this))
    , m_history(new HistoryModel(this))
    , m_undoStack(session->undoStack())
    , m_queue(new QueuePanel(m_model))
    , m_detail(new QTextBrowser)
{
    createActions();
    m_panel = new DecisionPanel(m_actions.mid(0, 4));
    m_detail->setOpenLinks(false);

    auto *right = new QSplitter(Qt::Vertical);
    right->addWidget(m_detail);
    right->addWidget(m_panel);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    right->setChildrenCollapsible(false);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_queue);
    split->addWidget(right);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 4);
    split->setSizes({6000, 4000});
    split->setChildrenCollapsible(false);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connect(m_queue->table()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid() || current.row() == m_currentRow)
                    return;
                m_currentRow = current.row();
                showCurrentRow();
            });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // A new queue starts at its top, unless an item from the history is on screen.
        if (m_currentRow >= 0 || m_returnRow >= 0) {
            m_currentRow = -1;
            m_returnRow = -1;
            m_currentId = 0;
        }
    });
    connect(m_model, &ReviewQueueModel::rowsLoaded, this, [this](int first, int last) {
        if (m_currentRow < 0 && m_returnRow < 0 && first == 0 && m_currentId == 0)
            selectRow(0);
        else if (m_currentRow >= first && m_currentRow <= last && m_currentId == 0)
            showCurrentRow();
    });
    connect(m_model, &ReviewQueueModel::countChanged, this, [this](qint64 count) {
        if (!m_model->isCounted())
            return;
        m_queueCount = count;
        m_decidedSinceCount = 0;
        if (count == 0 && m_currentRow < 0 && m_returnRow < 0)
            showEmptyState();
        updateProgress();
    });
    connect(m_model, &ReviewQueueModel::failed, this, &ReviewView::saveFailed);
    connect(m_details, &DetailLoader::loaded, this, [this](qint64 id) {
        if (id == m_currentId)
            showDetail();
    });
    connect(m_details, &DetailLoader::failed, this, [this](qint64 id, const QString &message) {
        if (id == m_currentId)
            m_detail->setPlainText(tr("Could not read this interaction: %1").arg(message));
    });
    connect(m_writer, &DecisionWriter::queued, this, [this](quint64 token, const Decision &d) {
        m_history->addSaving(token, d, m_externalIds.value(token));
        m_model->setSessionDecision(d.interactionId, token, decisionName(d.kind));
        updateProgress();
    });
    connect(m_writer, &DecisionWriter::recorded, this, &ReviewView::onRecorded);
    connect(m_writer, &DecisionWriter::removed, this, &ReviewView::onRemoved);
    connect(m_writer, &DecisionWriter::failed, this, &ReviewView::onFailed);
    connect(m_writer, &DecisionWriter::pendingChanged, this, &ReviewView::updateProgress);
    connect(m_panel, &DecisionPanel::correctionSubmitted, this, &ReviewView::saveCorrection);
    connect(m_panel, &DecisionPanel::editingCancelled, this, &ReviewView::backToQueue);
    connect(m_queue, &QueuePanel::segmentsChanged, m_panel, &DecisionPanel::setSegments);
    connect(m_queue->searchBox(), &QLineEdit::returnPressed, this, &ReviewView::backToQueue);
    connect(session, &StudioSession::changed, this, [this](StudioSession::Changes what) {
        if (what & StudioSession::Change::Store)
            storeOpened();
        else if (what & (StudioSession::Change::Curation | StudioSession::Change::Import))
            reload();
    });
    showEmptyState();
    if (session->isOpen())
        storeOpened();
}

ReviewView::~ReviewView()
{
    m_cancelIndexing = true;
    m_writerThread->drain(); // an index update still queued uses this view
    m_historyLoad.waitForFinished();
}

QAction *ReviewView::makeAction(const QString &text, const QKeySequence &key,
                                const std::function<void()> &slot)
{
    auto *action = new QAction(text, this);
    action->setShortcut(key);
    // Shortcuts are single keys: text boxes take the keys typed into them first (Qt's shortcut
    // override), so no decision fires while typing a correction, a tag or a search.
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, this, slot);
    QWidget::addAction(action);
    m_actions.append(action);
    return action;
}

void ReviewView::createActions()
{
    m_writeActions.append(makeAction(tr("Accept  A"), Qt::Key_A, [this] { decide(DecisionKind::Accept); }));
    m_writeActions.last()->setToolTip(tr("Good as it is (A)"));
    m_writeActions.append(makeAction(tr("Reject  X"), Qt::Key_X, [this] { decide(DecisionKind::Reject); }));
    m_writeActions.last()->setToolTip(tr("Bad output (X)"));
    m_writeActions.append(makeAction(tr("Correct  E"), Qt::Key_E, [this] { correct(); }));
    m_writeActions.last()->setToolTip(tr("Write the gold answer (E)"));
    m_writeActions.append(
        makeAction(tr("Skip  Space"), Qt::Key_Space, [this] { decide(DecisionKind::Skip); }));
    m_writeActions.last()->setToolTip(tr("Not now; it stays in the queue as skipped (Space)"));
    makeAction(tr("Next Item"), Qt::Key_J, [this] { next(); });
    makeAction(tr("Previous Item"), Qt::Key_K, [this] { previous(); });
    makeAction(tr("Search"), Qt::Key_Slash, [this] { focusSearch(); });
    makeAction(tr("Tags"), Qt::Key_T, [this] { m_panel->tagsEdit()->setFocus(); });
    makeAction(tr("Note"), Qt::Key_N, [this] { m_panel->noteEdit()->setFocus(); });
    for (int i = 0; i < 9; ++i)
        m_writeActions.append(
            makeAction(tr("Segment %1").arg(i + 1), Qt::Key_1 + i, [this, i] { m_panel->chooseSegment(i); }));
    QAction *undo = m_undoStack->createUndoAction(this, tr("Undo Decision"));
    undo->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Z));
    QAction *redo = m_undoStack->createRedoAction(this, tr("Redo Decision"));
    redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    for (QAction *action : {undo, redo}) {
        QWidget::addAction(action);
        m_actions.append(action);
    }
}

void ReviewView::setWritable(bool writable)
{
    m_writable = writable;
    for (QAction *action : std::as_const(m_writeActions))
        action->setEnabled(writable);
    // The undo and redo actions follow the stack: an empty one disables them. A correction being
    // typed stays on screen, so its text can still be copied out.
    if (!writable)
        m_undoStack->clear();
}

void ReviewView::storeOpened()
{
    const QString &path = m_session->storePath();
    m_currentId = 0;
    m_currentRow = -1;
    m_returnRow = -1;
    m_sessionTimer.invalidate();
    m_details->setStorePath(path);
    m_model->setStorePath(path);
    reload();
}

void ReviewView::reload()
{
    if (!m_session->isOpen())
        return;
    m_queue->loadChoices(m_session->storePath());
    loadHistory();
    updateSearchIndex();
    if (m_model->isCounted())
        m_model->refresh();
}

void ReviewView::showQueue(const QueueFilter &filter)
{
    m_returnRow = -1;
    m_queue->applyFilter(filter);
    m_queue->table()->setFocus();
}

void ReviewView::setCurrent(qint64 id, const QString &externalId, const QString &reason,
                            const QString &segment)
{
    m_currentId = id;
    m_currentExternalId = externalId;
    m_currentReason = reason;
    m_itemTimer.start();
    m_panel->startItem(segment);
}

void ReviewView::showEmptyState()
{
    m_currentId = 0;
    m_detail->setHtml(
        tr("<p style='margin:24px'>Nothing to review here.</p><p style='margin:24px'>Run curation "
           "(<b>Review → Run Curation</b>) to flag interactions for review, import more data, or "
           "change the filters.</p>"));
}

void ReviewView::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_returnRow = -1;
    QTableView *table = m_queue->table();
    const QModelIndex index = m_model->index(row, 0);
    if (row == m_currentRow) {
        showCurrentRow();
    } else {
        table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);
    }
    table->scrollTo(index);
}

void ReviewView::showCurrentRow()
{
    const std::optional<QueueRow> row = m_model->rowAt(m_currentRow);
    if (!row) {
        // Its page is on its way; rowsLoaded brings us back.
        m_currentId = 0;
        return;
    }
    setCurrent(row->key.interactionId, row->externalId, row->key.reason, row->segment);
    showDetail();
    prefetchAfter(m_currentRow);
}

void ReviewView::showInteraction(qint64 id, const QString &externalId)
{
    if (m_currentRow >= 0)
        m_returnRow = m_currentRow;
    m_currentRow = -1;
    const InteractionView *cached = m_details->cached(id);
    setCurrent(id, cached ? cached->details.externalId : externalId, QString(),
               cached ? cached->details.segment : QString());
    showDetail();
}

bool ReviewView::isCurrentLoaded() const
{
    return m_currentId > 0 && m_details->cached(m_currentId) != nullptr;
}

void ReviewView::showDetail()
{
    const InteractionView *view = m_details->cached(m_currentId);
    if (!view) {
        m_details->request(m_currentId);
        return;
    }
    if (m_currentExternalId.isEmpty())
        m_currentExternalId = view->details.externalId;
    m_detail->setHtml(interactionHtml(view->details, view->decisions, htmlColors(m_detail->palette())));
}

void ReviewView::prefetchAfter(int row)
{
    for (int r = row + 1; r <= row + kPrefetch; ++r)
        if (const std::optional<QueueRow> next = m_model->rowAt(r))
            m_details->request(next->key.interactionId);
}

void ReviewView::decide(DecisionKind kind)
{
    if (m_currentId <= 0)
        return;
    if (!m_writable) {
        emit saveFailed(tr("Not saved: the store is damaged and the studio no longer writes to it. "
                           "Recover it from the banner above."));
        return;
    }
    if (m_annotator.isEmpty()) {
        emit annotatorNeeded();
        if (m_annotator.isEmpty())
            return;
    }
    Decision d;
    d.interactionId = m_currentId;
    d.kind = kind;
    if (kind == DecisionKind::Correct)
        d.correctedOutput = m_panel->correction();
    if (m_panel->segmentChanged())
        d.segment = m_panel->segment();
    d.tags = m_panel->tags();
    d.note = m_panel->note();
    d.reviewer = m_annotator;
    d.flagReason = m_currentReason;
    d.createdAtMs = currentTimeMs();
    d.seconds = m_itemTimer.isValid() ? m_itemTimer.elapsed() / 1000.0 : 0;
    if (!m_sessionTimer.isValid())
        m_sessionTimer.start();
    if (m_currentRow >= 0)
        ++m_decidedSinceCount;
    auto *command = new DecisionCommand(m_writer, d, m_currentExternalId);
    // Known before push(), which records it at once.
    m_externalIds.insert(command->token(), m_currentExternalId);
    m_undoStack->push(command);

    // The next item at once; the decision shows as saved when the store confirms it.
    m_panel->endCorrection();
    m_queue->table()->setFocus();
    const int row = m_currentRow >= 0 ? m_currentRow + 1 : m_returnRow;
    if (row >= 0 && row < m_model->rowCount())
        selectRow(row);
    else if (m_currentRow >= 0)
        m_panel->startItem(QString());
}

void ReviewView::correct()
{
    const InteractionView *view = m_details->cached(m_currentId);
    if (!view)
        return;
    // Start from the latest gold answer, a reviewer's or a user's, else from the output.
    QString text = view->details.output;
    if (!view->details.corrections.isEmpty())
        text = view->details.corrections.constLast().value;
    for (const Decision &d : view->decisions)
        if (d.kind == DecisionKind::Correct)
            text = d.correctedOutput;
    m_panel->beginCorrection(text, view->details.output);
}

void ReviewView::saveCorrection()
{
    if (m_panel->isCorrecting())
        decide(DecisionKind::Correct);
}

void ReviewView::next()
{
    if (m_currentRow < 0 && m_returnRow >= 0)
        selectRow(m_returnRow);
    else
        selectRow(m_currentRow + 1);
}

void ReviewView::previous()
{
    if (m_currentRow < 0 && m_returnRow >= 0)
        selectRow(m_returnRow);
    else
        selectRow(qMax(0, m_currentRow - 1));
}

void ReviewView::focusSearch()
{
    m_queue->searchBox()->setFocus();
    m_queue->searchBox()->selectAll();
}

void ReviewView::backToQueue()
{
    m_panel->endCorrection();
    m_queue->table()->setFocus();
}

void ReviewView::onRecorded(quint64 token, const Decision &decision)
{
    m_history->setState(token, HistoryModel::State::Saved, decision);
    m_session->notify(StudioSession::Change::Decisions);
    m_details->invalidate(decision.interactionId);
    if (decision.interactionId == m_currentId)
        showDetail();
    if (decision.kind == DecisionKind::Correct)
        updateSearchIndex();
    updateProgress();
}

void ReviewView::onRemoved(quint64 token, const Decision &decision)
{
    m_history->setState(token, HistoryModel::State::Undone, decision);
    m_session->notify(StudioSession::Change::Decisions);
    m_model->setSessionDecision(decision.interactionId, token, QString());
    m_details->invalidate(decision.interactionId);
    if (m_decidedSinceCount > 0)
        --m_decidedSinceCount;
    updateProgress();
}

void ReviewView::onFailed(quint64 token, const Decision &decision, const QString &message)
{
    m_history->setState(token, HistoryModel::State::Failed, decision, message);
    m_model->setSessionDecision(decision.interactionId, token, QString());
    if (m_decidedSinceCount > 0)
        --m_decidedSinceCount;
    const QString text =
        tr("Not saved: %1 Your decision is still here: press its key again to retry.").arg(message);
    emit saveFailed(text);
    // Bring the unsaved decision back on screen rather than let it look done.
    if (decision.interactionId != m_currentId)
        showInteraction(decision.interactionId);
    const InteractionView *view = m_details->cached(decision.interactionId);
    m_panel->restore(decision, text, view ? view->details.output : QString());
    updateProgress();
}

void ReviewView::updateProgress()
{
    const bool todo = m_model->filter().status == QueueFilter::Status::ToDo;
    const qint64 remaining = todo ? qMax<qint64>(0, m_queueCount - m_decidedSinceCount) : m_queueCount;
    const int decided = m_history->savedThisSession();
    QString text = todo ? tr("%1 to do").arg(QLocale().toString(remaining))
                        : tr("%1 in this view").arg(QLocale().toString(remaining));
    text += tr(" · %n decided this session", nullptr, decided);
    const double hours = m_sessionTimer.isValid() ? m_sessionTimer.elapsed() / 3.6e6 : 0;
    if (decided > 0 && hours > 1.0 / 60)
        text += tr(" · %1 an hour").arg(QLocale().toString(qRound(decided / hours)));
    if (m_writer->pending() > 0)
        text += tr(" · saving %1…").arg(m_writer->pending());
    emit progressChanged(text);
}

void ReviewView::showStoredHistory(const StoredHistory &loaded)
{
    if (!loaded)
        return;
    QList<HistoryModel::Entry> entries;
    for (const auto &[decision, externalId] : *loaded)
        entries.append({0, decision, HistoryModel::State::Saved, {}, externalId});
    m_history->setStored(entries);
}

void ReviewView::searchIndexUpdated(bool finished)
{
    if (!finished) {
        updateSearchIndex(); // the next turn
        return;
    }
    emit backgroundStatus(QString());
    if (!m_model->filter().search.isEmpty())
        m_model->refresh();
    if (std::exchange(m_indexAgain, false))
        updateSearchIndex();
}

void ReviewView::loadHistory()
{
    const QString path = m_session->storePath();
    m_historyLoad.start([path]() -> StoredHistory {
        auto store = StudioSession::openReader(path);
        if (!store)
            return store.error();
        return loadRecentDecisions(*store, kHistoryLength);
    });
}

void ReviewView::updateSearchIndex()
{
    if (m_indexing) {
        m_indexAgain = true;
        return;
    }
    m_indexing = true;
    m_cancelIndexing = false;
    m_writerThread->post([this](Store *store, const QString &) {
        const bool finished = !store || indexForSearch(*store);
        m_replies.post([this, finished] {
            m_indexing = false;
            searchIndexUpdated(finished);
        });
    });
}

// On the writer thread: the index is the studio's to write, batch by batch. A turn ends after about
// a second so that decisions made meanwhile are not kept waiting; the next turn goes on from there.
bool ReviewView::indexForSearch(Store &store)
{
    QElapsedTimer turn;
    turn.start();
    QElapsedTimer throttle;
    throttle.start();
    std::atomic_bool stop{false};
    bool finished = true;
    const auto progress = [&](const SearchIndexProgress &p) {
        finished = p.done == p.total;
        if (m_cancelIndexing || turn.elapsed() >= kIndexTurnMs)
            stop = true;
        if (throttle.elapsed() < 250)
            return;
        throttle.restart();
        const QString text =
            tr("Indexing for search: %1 of %2").arg(QLocale().toString(p.done), QLocale().toString(p.total));
        m_replies.post([this, text] { emit backgroundStatus(text); });
    };
    // A failed update keeps what it committed; the next one (after a correction or reload) goes on.
    const bool updated = bool(flywheel::updateSearchIndex(store, progress, &stop));
    return !updated || finished || m_cancelIndexing;
}

} // namespace flywheel::ui
