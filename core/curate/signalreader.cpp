#include "curate/signalreader.h"

#include "curate/textnorm.h"
#include "review/latestreview.h"
#include "store/statement.h"
#include "store/store.h"

#include <QString>

namespace flywheel {
namespace {

// Events are aggregated per interaction in SQL; the read is one ordered pass over interactions.
// %1 selects the interactions (by "interaction_id"), in the event tables as in the main query.
// %3 and %4 are the latest review's label and segment (latestReview()).
constexpr const char *kSignalsSql = R"sql(
SELECT i.id, i.external_id, i.ts, i.model_name, i.model_version, i.category, i.finish_reason, i.outcome,
       i.latency_ms, i.input, i.output, i.metadata, i.content_hash,
       f.up, f.down, f.ratings, f.rating_sum, f.events, f.labels,
       c.n, c.latest, r.n, r.label, r.segment
FROM interactions i
LEFT JOIN (SELECT interaction_id,
                  sum(kind = 'thumbs' AND value > 0) AS up,
                  sum(kind = 'thumbs' AND value < 0) AS down,
                  sum(kind = 'rating') AS ratings,
                  total(CASE WHEN kind = 'rating' THEN value END) AS rating_sum,
                  count(*) AS events,
                  group_concat(CASE WHEN kind = 'label' THEN label END, '%5') AS labels
           FROM feedback_events WHERE %1 GROUP BY interaction_id) f
       ON f.interaction_id = i.id
LEFT JOIN (SELECT interaction_id, count(*) AS n,
                  (SELECT corrected_output FROM corrections c2 WHERE c2.interaction_id = c1.interaction_id
                   ORDER BY coalesce(c2.ts, 0) DESC, c2.id DESC LIMIT 1) AS latest
           FROM corrections c1 WHERE %1 GROUP BY interaction_id) c
       ON c.interaction_id = i.id
LEFT JOIN (SELECT interaction_id, count(*) AS n,
                  %3 AS label,
                  %4 AS segment
           FROM reviews r1 WHERE %1 GROUP BY interaction_id) r
       ON r.interaction_id = i.id
WHERE %2
ORDER BY i.id
)sql";

std::string text(const Statement &row, int column)
{
    return std::string(row.columnUtf8(column));
}

// One row of kSignalsSql, with the text signals derived from it.
void readRow(const Statement &r, InteractionSignals &s)
{
    s = InteractionSignals{};
    s.id = r.columnInt(0);
    s.externalId = text(r, 1);
    s.timestampMs = r.columnInt(2);
    s.modelName = text(r, 3);
    s.modelVersion = text(r, 4);
    s.category = text(r, 5);
    s.finishReason = text(r, 6);
    s.outcome = text(r, 7);
    if (!r.isNull(8))
        s.latencyMs = r.columnInt(8);
    s.inputJson = text(r, 9);
    if (!r.isNull(10))
        s.output = text(r, 10);
    s.metadataJson = text(r, 11);
    s.contentHash = r.columnInt(12);
    s.thumbsUp = r.columnInt(13);
    s.thumbsDown = r.columnInt(14);
    s.ratings = r.columnInt(15);
    s.ratingSum = r.columnDouble(16);
    s.feedbackEvents = r.columnInt(17);
    for (std::string_view labels = r.columnUtf8(18); !labels.empty();) {
        const size_t end = std::min(labels.find('\x1f'), labels.size());
        s.feedbackLabels.emplace_back(labels.substr(0, end));
        labels.remove_prefix(std::min(end + 1, labels.size()));
    }
    s.corrections = r.columnInt(19);
    s.correctedOutput = text(r, 20);
    s.reviews = r.columnInt(21);
    s.reviewLabel = text(r, 22);
    s.reviewSegment = text(r, 23);
    s.userText = userTextOf(s.inputJson);
    s.inputChars = codePoints(s.userText);
    s.outputChars = s.output ? codePoints(*s.output) : 0;
}

} // namespace

Result<qint64> SignalReader::read(const Visit &visit, const SignalSelection &selection)
{
    std::optional<Transaction> snapshot;
    if (!m_store.db().inTransaction()) {
        snapshot.emplace(m_store.db(), Transaction::Kind::Deferred);
        if (!snapshot->beginStatus())
            return snapshot->beginStatus().error();
    }
    // The selection, on the event tables' column and on the interactions' own. The dirty list is
    // short: its ids are looked up one by one in the events' indexes.
    const auto selected = [&](const QString &column) {
        QString predicate = QStringLiteral("%1 > ?1 AND %1 <= ?2").arg(column);
        if (selection.dirtyUpToSeq)
            predicate +=
                QStringLiteral(" AND %1 IN (SELECT interaction_id FROM curation_dirty WHERE seq <= ?3)")
                    .arg(column);
        return predicate;
    };
    const QByteArray sql =
        QString::fromLatin1(kSignalsSql)
            .arg(selected(QStringLiteral("interaction_id")), selected(QStringLiteral("i.id")),
                 QString::fromStdString(latestReview("label", "r1.interaction_id", "label IS NOT NULL")),
                 QString::fromStdString(latestReview("segment", "r1.interaction_id", "segment <> ''")),
                 // The unit separator as a literal: SQLite's char(31) is not PostgreSQL's.
                 QString(QChar(0x1f)))
            .toUtf8();
    auto statement = m_store.db().prepare(sql.constData());
    if (!statement)
        return statement.error();
    statement->bind(1, selection.afterId);
    statement->bind(2, selection.upToId);
    if (selection.dirtyUpToSeq)
        statement->bind(3, *selection.dirtyUpToSeq);
    InteractionSignals s;
    qint64 visited = 0;
    if (Status status = statement->forEachRow([&] {
            readRow(*statement, s);
            ++visited;
            return visit(s);
        });
        !status)
        return status.error();
    return visited;
}

} // namespace flywheel
