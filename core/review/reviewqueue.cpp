#include "review/reviewqueue.h"

#include "review/latestreview.h"

#include "curate/curationqueries.h"
#include "curate/rules.h"
#include "review/searchindex.h"
#include "store/statement.h"
#include "store/store.h"

#include <algorithm>

namespace flywheel {
namespace {

// Parameters, by number. Each condition is a fixed piece of SQL; values are only ever bound.
enum Parameter {
    Reason = 1,
    Segment,
    ModelVersion,
    EffectiveLabel,
    Annotator,
    From,
    To,
    Search,
    AfterPriority,
    AfterId,
    AfterReason,
    Limit,
    Offset,
};

// The flags, in the queue's order (a search starts from the index instead: searchSql()).
constexpr const char *kFlags = " FROM flags f";
constexpr const char *kInteractions = " JOIN interactions i ON i.id = f.interaction_id";
constexpr const char *kCuration = " LEFT JOIN curation c ON c.interaction_id = f.interaction_id";
const QByteArray kLatestReview =
    QByteArray::fromStdString(" LEFT JOIN reviews r ON r.id = " + latestReview("id", "f.interaction_id"));

// The label that counts: the latest reviewer's label, else curation's.
const QByteArray kEffectiveLabel = QByteArray::fromStdString(
    "coalesce(" + latestReview("label", "f.interaction_id", "label IS NOT NULL") + ", c.label, '')");

const char *orderBy(QueueFilter::Order order, bool reversed)
{
    switch (order) {
    case QueueFilter::Order::Newest:
        return reversed ? " ORDER BY f.interaction_id, f.reason DESC"
                        : " ORDER BY f.interaction_id DESC, f.reason";
    case QueueFilter::Order::Oldest:
        return reversed ? " ORDER BY f.interaction_id DESC, f.reason DESC"
                        : " ORDER BY f.interaction_id, f.reason";
    case QueueFilter::Order::Priority:
        break;
    }
    return reversed ? " ORDER BY f.priority, f.interaction_id DESC, f.reason DESC"
                    : " ORDER BY f.priority DESC, f.interaction_id, f.reason";
}

const char *after(QueueFilter::Order order)
{
    switch (order) {
    case QueueFilter::Order::Newest:
        return " AND (f.interaction_id < ?10 OR (f.interaction_id = ?10 AND f.reason > ?11))";
    case QueueFilter::Order::Oldest:
        return " AND (f.interaction_id > ?10 OR (f.interaction_id = ?10 AND f.reason > ?11))";
    case QueueFilter::Order::Priority:
        break;
    }
    return " AND f.priority <= ?9 AND (f.priority < ?9 OR f.interaction_id > ?10 OR "
           "(f.interaction_id = ?10 AND f.reason > ?11))";
}

} // namespace

ReviewQueue::ReviewQueue(Store &store, QueueFilter filter)
    : m_store(store)
    , m_filter(std::move(filter))
    , m_search(searchSql(store.isPostgres(), m_filter.search))
{}

QByteArray ReviewQueue::fromAndWhere() const
{
    const bool search = !m_search.argument.isEmpty();
    // Join only what the conditions read: interactions are large, and reading a row of each for a
    // count over a million would cost a second.
    const bool interactions = !m_filter.modelVersion.isEmpty() || !m_filter.time.isOpen();
    const bool curation = !m_filter.segment.isEmpty() || !m_filter.label.isEmpty();
    const bool withLatestReview = m_filter.status != QueueFilter::Status::All || !m_filter.segment.isEmpty();
    QByteArray sql = search ? m_search.fromIndex : kFlags;
    if (interactions)
        sql += kInteractions;
    if (curation)
        sql += kCuration;
    if (withLatestReview)
        sql += kLatestReview;
    sql += search ? m_search.condition : " WHERE TRUE";
    if (m_filter.reason.isEmpty())
        sql += " AND f.reason = (SELECT f2.reason FROM flags f2 WHERE f2.interaction_id = f.interaction_id "
               "ORDER BY f2.priority DESC, f2.reason LIMIT 1)";
    else
        sql += " AND f.reason = ?1";
    switch (m_filter.status) {
    case QueueFilter::Status::ToDo:
        sql += " AND r.id IS NULL";
        break;
    case QueueFilter::Status::Skipped:
        sql += " AND r.decision = 'skip'";
        break;
    case QueueFilter::Status::Decided:
        sql += " AND r.decision IN ('approve', 'reject', 'correct')";
        break;
    case QueueFilter::Status::All:
        break;
    }
    if (!m_filter.segment.isEmpty())
        sql += " AND coalesce(r.segment, c.segment) = ?2";
    if (!m_filter.modelVersion.isEmpty())
        sql += " AND i.model_version = ?3";
    if (!m_filter.label.isEmpty())
        sql += " AND " + kEffectiveLabel + " = ?4";
    if (!m_filter.annotator.isEmpty())
        sql +=
            " AND EXISTS (SELECT 1 FROM reviews WHERE interaction_id = f.interaction_id AND reviewer = ?5)";
    if (m_filter.time.fromMs)
        sql += " AND i.ts >= ?6";
    if (m_filter.time.toMs)
        sql += " AND i.ts < ?7";
    return sql;
}

void ReviewQueue::bindFilter(Statement &statement) const
{
    if (!m_filter.reason.isEmpty())
        statement.bind(Reason, m_filter.reason);
    if (!m_filter.segment.isEmpty())
        statement.bind(Segment, m_filter.segment);
    if (!m_filter.modelVersion.isEmpty())
        statement.bind(ModelVersion, m_filter.modelVersion);
    if (!m_filter.label.isEmpty())
        statement.bind(EffectiveLabel, m_filter.label);
    if (!m_filter.annotator.isEmpty())
        statement.bind(Annotator, m_filter.annotator);
    if (m_filter.time.fromMs)
        statement.bind(From, *m_filter.time.fromMs);
    if (m_filter.time.toMs)
        statement.bind(To, *m_filter.time.toMs);
    if (!m_search.argument.isEmpty())
        statement.bind(Search, m_search.argument);
}

Result<qint64> ReviewQueue::count()
{
    const QByteArray sql = "SELECT count(*)" + fromAndWhere();
    auto query = m_store.db().prepare(sql.constData());
    if (!query)
        return query.error();
    bindFilter(*query);
    auto row = query->step();
    if (!row)
        return row.error();
    return query->columnInt(0);
}

Result<QList<QueueRow>> ReviewQueue::pageAfter(const QueueKey *key, int limit)
{
    return readPage(key ? QByteArray(after(m_filter.order)) : QByteArray(), key, 0, limit, false);
}

Result<QList<QueueRow>> ReviewQueue::pageAt(qint64 offset, int limit)
{
    return readPage({}, nullptr, offset, limit, false);
}

Result<QList<QueueRow>> ReviewQueue::pageBeforeEnd(qint64 offsetFromEnd, int limit)
{
    auto rows = readPage({}, nullptr, offsetFromEnd, limit, true);
    if (rows)
        std::reverse(rows->begin(), rows->end());
    return rows;
}

Result<QList<QueueRow>> ReviewQueue::readPage(const QByteArray &extraCondition, const QueueKey *key,
                                              qint64 offset, int limit, bool reversed)
{
    // The page is chosen from the flags and what the filters read; only its rows then read their
    // interactions, which are large (a search may match ten thousand).
    const QByteArray page = QByteArray("SELECT f.priority, f.interaction_id, f.reason, f.detail") +
                            fromAndWhere() + extraCondition + orderBy(m_filter.order, reversed) +
                            " LIMIT ?12 OFFSET ?13";
    const QByteArray sql =
        QByteArray("SELECT f.priority, f.interaction_id, f.reason, coalesce(f.detail, ''), "
                   "(SELECT name FROM sources WHERE id = i.source_id), i.external_id, "
                   "coalesce(r.segment, c.segment, ''), coalesce(i.model_version, ''), ") +
        kEffectiveLabel + ", i.ts, coalesce(r.decision, ''), coalesce(r.reviewer, ''), i.input FROM (" +
        page + ") f" + kInteractions + kCuration + kLatestReview + orderBy(m_filter.order, reversed);
    auto query = m_store.db().prepare(sql.constData());
    if (!query)
        return query.error();
    bindFilter(*query);
    if (key) {
        query->bind(AfterPriority, key->priority);
        query->bind(AfterId, key->interactionId);
        query->bind(AfterReason, key->reason);
    }
    query->bind(Limit, qint64(limit));
    query->bind(Offset, offset);
    QList<QueueRow> rows;
    if (Status s = query->forEachRow([&] {
            QueueRow row;
            row.key = {query->columnDouble(0), query->columnInt(1), query->columnText(2)};
            row.detail = query->columnText(3);
            row.source = query->columnText(4);
            row.externalId = query->columnText(5);
            row.segment = query->columnText(6);
            row.modelVersion = query->columnText(7);
            row.label = query->columnText(8);
            row.timestampMs = query->columnInt(9);
            row.decision = query->columnText(10);
            row.reviewer = query->columnText(11);
            row.preview = inputPreview(query->columnUtf8(12), 160);
            rows.append(row);
        });
        !s)
        return s.error();
    return rows;
}

Result<QueueFacets> loadQueueFacets(Store &store)
{
    // Every label, reviewers' first.
    QueueFacets facets;
    for (const std::string_view label : labelNames())
        facets.labels.append(QString::fromLatin1(label.data(), qsizetype(label.size())));
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    for (const auto &source : {
             std::pair{"SELECT DISTINCT reason FROM flags ORDER BY 1", &facets.reasons},
             std::pair{"SELECT segment FROM segment_stats WHERE run_id = "
                       "(SELECT max(id) FROM curation_runs WHERE status = 'completed') "
                       "UNION SELECT segment FROM reviews WHERE segment IS NOT NULL ORDER BY 1",
                       &facets.segments},
             std::pair{"SELECT DISTINCT version FROM model_versions ORDER BY 1", &facets.modelVersions},
             std::pair{"SELECT DISTINCT reviewer FROM reviews WHERE reviewer IS NOT NULL ORDER BY 1",
                       &facets.annotators},
         }) {
        auto query = store.db().prepare(source.first);
        if (!query)
            return query.error();
        QStringList *list = source.second;
        if (Status s = query->forEachRow([&] { list->append(query->columnText(0)); }); !s)
            return s.error();
    }
    return facets;
}

} // namespace flywheel
