// What people did, read live from the reviews table and placed by each interaction's curation row
// (its day, model version and segment, as in the rollups). Placing a review costs a lookup in
// curation, so every figure comes from two passes: one over the reviews, one over the reviewed
// interactions.

#include "metrics/dashboardqueries.h"
#include "review/latestreview.h"
#include "store/statement.h"
#include "store/store.h"

#include <QString>

namespace flywheel::dashboard {
namespace {

// Each review in the filter's model versions and segments, with its interaction's keys. The
// filter's dates apply to the interaction's day for seconds, to the review's day for decisions
// (placed in the review's bucket).
constexpr const char *kReviewsSql = R"sql(
SELECT CASE WHEN ?5 THEN k.review_day - ((k.review_day + 3) % 7 + 7) % 7 ELSE k.review_day END,
       k.model_name, k.model_version,
       sum(k.decision <> 'skip' AND (k.review_day >= ?1 OR ?1 IS NULL) AND (k.review_day <= ?2 OR ?2 IS NULL)),
       total(CASE WHEN (k.day >= ?1 OR ?1 IS NULL) AND (k.day <= ?2 OR ?2 IS NULL) THEN k.seconds END)
FROM (SELECT (r.created_at - (r.created_at % 86400000 + 86400000) % 86400000) / 86400000 AS review_day,
             r.decision, r.seconds, c.day, m.model_name, m.model_version
      FROM reviews r JOIN curation c ON c.interaction_id = r.interaction_id
      JOIN (SELECT DISTINCT model_key, model_name, model_version FROM daily_rollup) m
        ON m.model_key = c.model_key
      WHERE (?3 = '[]' OR m.model_version IN (SELECT value FROM json_each(?3)))
        AND (?4 = '[]' OR c.segment IN (SELECT value FROM json_each(?4)))
      LIMIT 9223372036854775807) k
GROUP BY 1, 2, 3)sql";

// Each reviewed interaction in the filter: the label of its latest review that gave one
// (effective_labels'), the decision of its latest review, and its flags' reasons (a set, in the
// flags' key order), grouped. A LIMIT (as large as can be: PostgreSQL refuses SQLite's -1) keeps
// SQLite from flattening the derived table into the aggregate, which would run each correlated
// subquery once per use of its column.
constexpr const char *kReviewedSql = R"sql(
SELECT k.model_name, k.model_version, k.segment, k.reasons,
       count(k.label),
       sum(k.label IS NOT NULL AND k.rules_label IN ('gold', 'positive', 'negative')),
       sum(k.label IS NOT NULL AND (k.rules_label = 'negative' OR k.corrected <> 0)),
       sum(k.label = 'negative' OR (k.label IS NOT NULL AND k.corrected <> 0)),
       sum(k.decision <> 'skip')
FROM (SELECT m.model_name, m.model_version, c.segment, c.label AS rules_label, c.corrected,
             %1 AS label,
             %2 AS decision,
             (SELECT group_concat(reason, ' ') FROM flags WHERE interaction_id = i.interaction_id) AS reasons
      FROM (SELECT DISTINCT interaction_id FROM reviews) i
      JOIN curation c ON c.interaction_id = i.interaction_id
      JOIN (SELECT DISTINCT model_key, model_name, model_version FROM daily_rollup) m
        ON m.model_key = c.model_key
      WHERE (c.day >= ?1 OR ?1 IS NULL) AND (c.day <= ?2 OR ?2 IS NULL)
        AND (?3 = '[]' OR m.model_version IN (SELECT value FROM json_each(?3)))
        AND (?4 = '[]' OR c.segment IN (SELECT value FROM json_each(?4)))
      LIMIT 9223372036854775807) k
GROUP BY 1, 2, 3, 4)sql";

QByteArray reviewedSql()
{
    return QString::fromLatin1(kReviewedSql)
        .arg(QString::fromStdString(latestReview("label", "i.interaction_id", "label IS NOT NULL")),
             QString::fromStdString(latestReview("decision", "i.interaction_id")))
        .toUtf8();
}

} // namespace

Result<ReviewFigures> loadReviewFigures(Database &db, const DashboardFilter &filter)
{
    auto reviews = prepare(db, kReviewsSql, filter);
    auto reviewed = prepare(db, reviewedSql(), filter);
    if (!reviews || !reviewed)
        return !reviews ? reviews.error() : reviewed.error();
    ReviewFigures f;
    if (Status s = reviews->forEachRow([&] {
            if (const qint64 decisions = reviews->columnInt(3); decisions > 0)
                f.decisionsByBucket[reviews->columnInt(0)] += decisions;
            f.secondsByVersion[{reviews->columnText(1), reviews->columnText(2)}] += reviews->columnDouble(4);
        });
        !s)
        return s.error();
    if (Status s = reviewed->forEachRow([&] {
            ReviewFigures::Labels &l =
                f.labels[{reviewed->columnText(0), reviewed->columnText(1), reviewed->columnText(2)}];
            l.reviewed += reviewed->columnInt(4);
            l.rulesCurated += reviewed->columnInt(5);
            l.rulesFailures += reviewed->columnInt(6);
            l.failures += reviewed->columnInt(7);
            const qint64 decided = reviewed->columnInt(8);
            if (reviewed->isNull(3) || decided == 0)
                return;
            f.decidedFlagged += decided;
            for (const QString &reason : reviewed->columnText(3).split(QLatin1Char(' '), Qt::SkipEmptyParts))
                f.decidedByReason[reason] += decided;
        });
        !s)
        return s.error();
    return f;
}

} // namespace flywheel::dashboard
