#pragma once

#include "models/queuesource.h"
#include "review/reviewqueue.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

#include <memory>
#include <optional>

namespace flywheel::ui {

/// The review queue as a table over millions of rows: the exact count first, rows in pages of
/// kPageSize read off the GUI thread into a bounded cache of kMaxCachedPages (keyset paging when the
/// page before is cached, an offset for a jump, counted from the end in the second half), answers
/// to an older question dropped by a generation counter. Decisions made in
/// this session show at once in the Status column without re-reading the queue.
class ReviewQueueModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewQueueModel)

public:
    enum Column { Priority, Reason, Status, Preview, Segment, Label, ModelVersion, Time, ColumnCount };
    enum Role { InteractionIdRole = Qt::UserRole + 1, ExternalIdRole, FlagReasonRole };
    static constexpr int kPageSize = 100;
    static constexpr int kMaxCachedPages = 60;

    /// Reads the store (StoreQueueSource).
    explicit ReviewQueueModel(QObject *parent = nullptr);
    ReviewQueueModel(std::unique_ptr<QueueSource> source, QObject *parent = nullptr);
    ~ReviewQueueModel() override;

    void setStorePath(const QString &path);
    const QueueFilter &filter() const { return m_filter; }
    /// Shows the rows @p filter selects, from the top.
    void setFilter(const QueueFilter &filter);
    /// Reads the queue again with the same filter.
    void refresh();

    /// The row, when its page is loaded; otherwise asks for the page and returns nothing.
    std::optional<QueueRow> rowAt(int row) const;
    /// The exact count arrived (and the first page).
    bool isCounted() const { return m_counted; }
    /// Pages waiting for the store.
    bool isLoading() const { return !m_requested.isEmpty() || !m_counted; }

    /// Shows @p decision ("approve", "skip", ...; empty to clear) for @p interactionId, made in this
    /// session under @p token.
    void setSessionDecision(qint64 interactionId, quint64 token, const QString &decision);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void sort(int column, Qt::SortOrder order) override;

signals:
    void countChanged(qint64 count);
    /// Rows [first, last] are loaded.
    void rowsLoaded(int first, int last);
    void failed(const QString &message);

private:
    void requestPage(int page) const;
    void receivePage(int generation, int page, const QList<QueueRow> &rows);
    void receiveCount(int generation, qint64 count);
    void evictFarPages(int nearPage);
    QString statusText(const QueueRow &row) const;

    std::unique_ptr<QueueSource> m_source;
    QueueFilter m_filter;
    int m_generation = 0;
    qint64 m_count = 0;
    bool m_counted = false;
    mutable QHash<int, QList<QueueRow>> m_pages;
    mutable QSet<int> m_requested;
    // Per interaction, the decisions of this session in order: token and store name.
    QHash<qint64, QList<std::pair<quint64, QString>>> m_sessionDecisions;
};

} // namespace flywheel::ui
