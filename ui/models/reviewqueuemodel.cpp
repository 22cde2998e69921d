#include "models/reviewqueuemodel.h"

#include "review/decisions.h"
#include "util/displaytext.h"

#include <QDateTime>
#include <QLocale>

namespace flywheel::ui {
ReviewQueueModel::ReviewQueueModel(QObject *parent)
    : ReviewQueueModel(std::make_unique<StoreQueueSource>(), parent)
{}

ReviewQueueModel::ReviewQueueModel(std::unique_ptr<QueueSource> source, QObject *parent)
    : QAbstractTableModel(parent)
    , m_source(std::move(source))
{}

ReviewQueueModel::~ReviewQueueModel()
{
    // The source goes before the members its answers would touch.
    m_source.reset();
}

void ReviewQueueModel::setStorePath(const QString &path)
{
    m_source->setStorePath(path);
    m_sessionDecisions.clear();
    refresh();
}

void ReviewQueueModel::setFilter(const QueueFilter &filter)
{
    m_filter = filter;
    refresh();
}

void ReviewQueueModel::refresh()
{
    beginResetModel();
    ++m_generation;
    m_pages.clear();
    m_requested.clear();
    m_count = 0;
    m_counted = false;
    endResetModel();
    emit countChanged(0);
    // The first page before the count: the count steps over every matching row.
    requestPage(0);
    const int generation = m_generation;
    m_source->readCount(m_filter, [this, generation](const Result<qint64> &count) {
        if (!count)
            emit failed(count.errorMessage());
        else
            receiveCount(generation, *count);
    });
}

void ReviewQueueModel::requestPage(int page) const
{
    if (m_requested.contains(page) || m_pages.contains(page))
        return;
    m_requested.insert(page);
    // After the page before it when that is here (keyset); a page in the second half from the end,
    // so a jump to the end reads no more than a jump to the start.
    std::optional<QueueKey> after;
    if (page > 0 && m_pages.contains(page - 1) && !m_pages.value(page - 1).isEmpty())
        after = m_pages.value(page - 1).constLast().key;
    QueuePageRequest request;
    request.filter = m_filter;
    request.after = after;
    request.offset = qint64(page) * kPageSize;
    request.fromEnd = !after && m_counted && request.offset > m_count / 2;
    request.limit = request.fromEnd ? int(qMin<qint64>(kPageSize, m_count - request.offset)) : kPageSize;
    request.offsetFromEnd = request.fromEnd ? m_count - request.offset - request.limit : 0;
    const int generation = m_generation;
    auto *self = const_cast<ReviewQueueModel *>(this);
    m_source->readPage(request, [self, generation, page](const QueueSource::Rows &rows) {
        if (!rows)
            emit self->failed(rows.errorMessage());
        else
            self->receivePage(generation, page, *rows);
    });
}

void ReviewQueueModel::receivePage(int generation, int page, const QList<QueueRow> &rows)
{
    if (generation != m_generation)
        return;
    m_requested.remove(page);
    m_pages.insert(page, rows);
    evictFarPages(page);
    const int first = page * kPageSize;
    // Before the count arrives the first page is shown on its own.
    if (!m_counted && page == 0 && !rows.isEmpty()) {
        beginInsertRows({}, 0, int(rows.size()) - 1);
        m_count = rows.size();
        endInsertRows();
    }
    const int last = int(qMin<qint64>(first + rows.size(), m_count)) - 1;
    if (last >= first) {
        emit dataChanged(index(first, 0), index(last, ColumnCount - 1));
        emit rowsLoaded(first, last);
    }
}

void ReviewQueueModel::receiveCount(int generation, qint64 count)
{
    if (generation != m_generation)
        return;
    m_counted = true;
    const qint64 rows = qMin<qint64>(count, std::numeric_limits<int>::max());
    if (rows > m_count) {
        beginInsertRows({}, int(m_count), int(rows) - 1);
        m_count = rows;
        endInsertRows();
    } else if (rows < m_count) {
        beginRemoveRows({}, int(rows), int(m_count) - 1);
        m_count = rows;
        endRemoveRows();
    }
    emit countChanged(count);
}

void ReviewQueueModel::evictFarPages(int nearPage)
{
    while (m_pages.size() > kMaxCachedPages) {
        int farthest = nearPage;
        for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
            if (qAbs(it.key() - nearPage) > qAbs(farthest - nearPage))
                farthest = it.key();
        m_pages.remove(farthest);
    }
}

std::optional<QueueRow> ReviewQueueModel::rowAt(int row) const
{
    if (row < 0 || row >= m_count)
        return std::nullopt;
    const int page = row / kPageSize;
    auto it = m_pages.constFind(page);
    if (it == m_pages.cend()) {
        requestPage(page);
        return std::nullopt;
    }
    const int at = row % kPageSize;
    if (at >= it->size())
        return std::nullopt;
    return it->at(at);
}

void ReviewQueueModel::setSessionDecision(qint64 interactionId, quint64 token, const QString &decision)
{
    auto &list = m_sessionDecisions[interactionId];
    list.removeIf([token](const auto &entry) { return entry.first == token; });
    if (!decision.isEmpty())
        list.append({token, decision});
    if (list.isEmpty())
        m_sessionDecisions.remove(interactionId);
    // Only loaded rows can show it; find them in the cache.
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
        for (int i = 0; i < it->size(); ++i)
            if (it->at(i).key.interactionId == interactionId) {
                const int row = it.key() * kPageSize + i;
                emit dataChanged(index(row, Status), index(row, Status));
            }
}

QString ReviewQueueModel::statusText(const QueueRow &row) const
{
    const auto it = m_sessionDecisions.constFind(row.key.interactionId);
    if (it != m_sessionDecisions.cend())
        return decisionTitle(it->constLast().second);
    // A decision undone in this session leaves the row as the store had it.
    return decisionTitle(row.decision);
}

int ReviewQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_count);
}

int ReviewQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReviewQueueModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const std::optional<QueueRow> row = rowAt(index.row());
    if (!row) {
        if (role == Qt::DisplayRole && index.column() == Preview)
            return tr("Loading…");
        return {};
    }
    switch (role) {
    case InteractionIdRole:
        return row->key.interactionId;
    case ExternalIdRole:
        return row->externalId;
    case FlagReasonRole:
        return row->key.reason;
    case Qt::ToolTipRole:
        if (index.column() == Reason)
            return row->detail;
        if (index.column() == Preview)
            return row->preview;
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Priority ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case Priority:
        return QLocale().toString(row->key.priority, 'f', 2);
    case Reason:
        return readableName(row->key.reason);
    case Segment:
        return row->segment;
    case Label:
        return row->label;
    case ModelVersion:
        return row->modelVersion;
    case Time:
        return QLocale().toString(QDateTime::fromMSecsSinceEpoch(row->timestampMs),
                                  QStringLiteral("d MMM yy HH:mm"));
    case Status:
        return statusText(*row);
    case Preview:
        return row->preview;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ReviewQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Priority:
        return tr("Priority");
    case Reason:
        return tr("Flagged for");
    case Segment:
        return tr("Segment");
    case Label:
        return tr("Label");
    case ModelVersion:
        return tr("Model");
    case Time:
        return tr("Time");
    case Status:
        return tr("Status");
    case Preview:
        return tr("User message");
    case ColumnCount:
        break;
    }
    return {};
}

void ReviewQueueModel::sort(int column, Qt::SortOrder order)
{
    // Only the orders the store's indexes give fast: priority and time (interaction id).
    QueueFilter filter = m_filter;
    if (column == Time)
        filter.order = order == Qt::DescendingOrder ? QueueFilter::Order::Newest : QueueFilter::Order::Oldest;
    else
        filter.order = QueueFilter::Order::Priority;
    if (!(filter == m_filter))
        setFilter(filter);
}

} // namespace flywheel::ui
