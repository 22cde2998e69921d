#include "curate/curationqueries.h"

#include "curate/textnorm.h"
#include "store/statement.h"
#include "store/store.h"

namespace flywheel {
namespace {

QString preview(std::string_view inputJson, int maxChars = 80)
{
    QString text = QString::fromStdString(userTextOf(inputJson)).simplified();
    if (text.size() > maxChars)
        text = text.left(maxChars - 1) + QChar(0x2026);
    return text;
}

} // namespace

Result<QList<QueueEntry>> loadReviewQueue(Store &store, int limit)
{
    auto query = store.db().prepare(R"sql(
        SELECT f.interaction_id, s.name, i.external_id, f.reason, f.priority, f.detail, c.segment, c.label, i.input
        FROM flags f
        JOIN interactions i ON i.id = f.interaction_id
        JOIN sources s ON s.id = i.source_id
        LEFT JOIN curation c ON c.interaction_id = f.interaction_id
        WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.interaction_id = f.interaction_id)
        ORDER BY f.priority DESC, f.interaction_id, f.reason
        LIMIT ?1)sql");
    if (!query)
        return query.error();
    query->bind(1, qint64(limit));
    QList<QueueEntry> entries;
    if (Status s = query->forEachRow([&] {
            QueueEntry e;
            e.interactionId = query->columnInt(0);
            e.source = query->columnText(1);
            e.externalId = query->columnText(2);
            e.reason = query->columnText(3);
            e.priority = query->columnDouble(4);
            e.detail = query->columnText(5);
            e.segment = query->columnText(6);
            e.label = query->columnText(7);
            e.preview = preview(query->columnUtf8(8));
            entries.append(e);
        });
        !s)
        return s.error();
    return entries;
}

namespace {

Status loadEvents(Store &store, InteractionDetails &d)
{
    auto feedback = store.db().prepare(
        "SELECT kind, coalesce(label, value, ''), trim(coalesce(name, '') || ' ' || coalesce(comment, '') || "
        "' ' || "
        "coalesce(origin, '')) FROM feedback_events WHERE interaction_id = ?1 ORDER BY coalesce(ts, 0), id");
    auto corrections =
        store.db().prepare("SELECT 'correction', corrected_output, coalesce(author, '') FROM "
                           "corrections WHERE interaction_id = ?1 ORDER BY coalesce(ts, 0), id");
    if (!feedback || !corrections)
        return !feedback ? feedback.error() : corrections.error();
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    for (const auto &source :
         {std::pair{&*feedback, &d.feedback}, std::pair{&*corrections, &d.corrections}}) {
        Statement *statement = source.first;
        auto *list = source.second;
        statement->bind(1, d.id);
        if (Status s = statement->forEachRow([&] {
                list->append({statement->columnText(0), statement->columnText(1), statement->columnText(2)});
            });
            !s)
            return s.error();
    }
    return {};
}

Status loadCuration(Store &store, InteractionDetails &d)
{
    auto curation = store.db().prepare("SELECT label, score, votes, segment, cluster_id, (SELECT count(*) "
                                       "FROM curation c2 WHERE c2.cluster_id = "
                                       "c.cluster_id) FROM curation c WHERE interaction_id = ?1");
    if (!curation)
        return curation.error();
    curation->bind(1, d.id);
    auto row = curation->step();
    if (!row)
        return row.error();
    if (*row) {
        d.label = curation->columnText(0);
        d.score = curation->columnDouble(1);
        d.votesJson = curation->columnText(2);
        d.segment = curation->columnText(3);
        d.clusterId = curation->isNull(4) ? 0 : curation->columnInt(4);
        d.clusterSize = curation->isNull(4) ? 0 : curation->columnInt(5);
    }
    auto flags = store.db().prepare("SELECT reason, priority, coalesce(detail, '') FROM flags WHERE "
                                    "interaction_id = ?1 ORDER BY priority DESC");
    auto spans =
        store.db().prepare("SELECT field, coalesce(message_index, -1), kind, start, length FROM pii_spans "
                           "WHERE interaction_id = ?1 ORDER BY field, message_index, start");
    auto reviews = store.db().prepare("SELECT decision, coalesce(label, ''), coalesce(reviewer, ''), "
                                      "coalesce(note, ''), created_at FROM reviews WHERE interaction_id = ?1 "
                                      "ORDER BY created_at, id");
    if (!flags || !spans || !reviews)
        return !flags ? flags.error() : !spans ? spans.error() : reviews.error();
    flags->bind(1, d.id);
    spans->bind(1, d.id);
    reviews->bind(1, d.id);
    if (Status s = flags->forEachRow([&] {
            d.flags.append({flags->columnText(0), flags->columnDouble(1), flags->columnText(2)});
        });
        !s)
        return s;
    if (Status s = spans->forEachRow([&] {
            d.personalData.append({spans->columnText(0), spans->columnInt(1), spans->columnText(2),
                                   spans->columnInt(3), spans->columnInt(4)});
        });
        !s)
        return s;
    return reviews->forEachRow([&] {
        d.reviews.append({reviews->columnText(0), reviews->columnText(1), reviews->columnText(2),
                          reviews->columnText(3), reviews->columnInt(4)});
    });
}

} // namespace

Result<QList<InteractionDetails>> loadInteractionDetails(Store &store, const QString &externalId)
{
    auto query = store.db().prepare(R"sql(
        SELECT i.id, s.name, i.external_id, i.ts, coalesce(i.session_id, ''), coalesce(i.user_id, ''),
               coalesce(i.model_name, ''), coalesce(i.model_version, ''), coalesce(i.category, ''),
               coalesce(i.finish_reason, ''), i.outcome, coalesce(i.latency_ms, -1), i.input,
               coalesce(i.metadata, ''), i.output
        FROM interactions i JOIN sources s ON s.id = i.source_id
        WHERE i.external_id = ?1 ORDER BY i.id)sql");
    if (!query)
        return query.error();
    query->bind(1, externalId);
    QList<InteractionDetails> found;
    if (Status s = query->forEachRow([&] {
            InteractionDetails d;
            d.id = query->columnInt(0);
            d.source = query->columnText(1);
            d.externalId = query->columnText(2);
            d.timestampMs = query->columnInt(3);
            d.sessionId = query->columnText(4);
            d.userId = query->columnText(5);
            d.modelName = query->columnText(6);
            d.modelVersion = query->columnText(7);
            d.category = query->columnText(8);
            d.finishReason = query->columnText(9);
            d.outcome = query->columnText(10);
            d.latencyMs = query->columnInt(11);
            d.inputJson = query->columnText(12);
            d.metadataJson = query->columnText(13);
            d.hasOutput = !query->isNull(14);
            d.output = query->columnText(14);
            found.append(d);
        });
        !s)
        return s.error();
    for (InteractionDetails &d : found) {
        if (Status s = loadEvents(store, d); !s)
            return s.error();
        if (Status s = loadCuration(store, d); !s)
            return s.error();
    }
    return found;
}

Result<QList<DuplicateCluster>> loadDuplicateClusters(Store &store, int limit, int membersPerCluster)
{
    auto clusters = store.db().prepare(R"sql(
        SELECT c.cluster_id, i.external_id, i.input, count(*) AS size
        FROM curation c JOIN interactions i ON i.id = c.cluster_id
        WHERE c.cluster_id IS NOT NULL
        GROUP BY c.cluster_id ORDER BY size DESC, c.cluster_id LIMIT ?1)sql");
    auto members = store.db().prepare(R"sql(
        SELECT i.external_id FROM curation c JOIN interactions i ON i.id = c.interaction_id
        WHERE c.cluster_id = ?1 ORDER BY c.interaction_id LIMIT ?2)sql");
    if (!clusters || !members)
        return !clusters ? clusters.error() : members.error();
    clusters->bind(1, qint64(limit));
    QList<DuplicateCluster> out;
    if (Status s = clusters->forEachRow([&] {
            DuplicateCluster cluster;
            cluster.representativeId = clusters->columnInt(0);
            cluster.representativeExternalId = clusters->columnText(1);
            cluster.preview = preview(clusters->columnUtf8(2));
            cluster.size = clusters->columnInt(3);
            out.append(cluster);
        });
        !s)
        return s.error();
    for (DuplicateCluster &cluster : out) {
        members->bind(1, cluster.representativeId);
        members->bind(2, qint64(membersPerCluster));
        if (Status s = members->forEachRow([&] { cluster.memberExternalIds.append(members->columnText(0)); });
            !s)
            return s.error();
        members->reset();
    }
    return out;
}

Result<QList<NearDuplicatePairRow>> loadNearDuplicatePairs(Store &store, int limit)
{
    auto pairs = store.db().prepare(R"sql(
        SELECT a.external_id, b.external_id, p.similarity, a.input, b.input
        FROM duplicate_pairs p
        JOIN interactions a ON a.id = p.first_id JOIN interactions b ON b.id = p.second_id
        ORDER BY p.similarity DESC, p.first_id, p.second_id LIMIT ?1)sql");
    if (!pairs)
        return pairs.error();
    pairs->bind(1, qint64(limit));
    QList<NearDuplicatePairRow> out;
    if (Status s = pairs->forEachRow([&] {
            out.append({pairs->columnText(0), pairs->columnText(1), pairs->columnDouble(2),
                        preview(pairs->columnUtf8(3)), preview(pairs->columnUtf8(4))});
        });
        !s)
        return s.error();
    return out;
}

} // namespace flywheel
