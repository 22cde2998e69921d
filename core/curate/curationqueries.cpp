#include "curate/curationqueries.h"

#include "curate/textnorm.h"
#include "store/statement.h"
#include "store/store.h"

namespace flywheel {

QString inputPreview(std::string_view inputJson, int maxChars)
{
    QString text = QString::fromStdString(userTextOf(inputJson)).simplified();
    if (text.size() > maxChars)
        text = text.left(maxChars - 1) + QChar(0x2026);
    return text;
}

namespace {

// A feedback value as SQLite writes a REAL as text ("1.0", "4.5"), whichever engine stored it.
QString valueText(double value)
{
    QString text = QString::number(value, 'g', 15);
    if (!text.contains(QLatin1Char('.')) && !text.contains(QLatin1Char('e')) &&
        !text.contains(QLatin1Char('n')))
        text += QStringLiteral(".0");
    return text;
}

Status loadEvents(Store &store, InteractionDetails &d)
{
    // The label, else the value: read apart, since only SQLite lets one column mix text and numbers.
    auto feedback = store.db().prepare(
        "SELECT kind, label, trim(coalesce(name, '') || ' ' || coalesce(comment, '') || "
        "' ' || "
        "coalesce(origin, '')), coalesce(ts, 0), value FROM feedback_events WHERE interaction_id = ?1 "
        "ORDER BY coalesce(ts, 0), id");
    auto corrections = store.db().prepare(
        "SELECT 'correction', corrected_output, coalesce(author, ''), coalesce(ts, 0), NULL FROM "
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
                const QString what = !statement->isNull(1)  ? statement->columnText(1)
                                     : statement->isNull(4) ? QString()
                                                            : valueText(statement->columnDouble(4));
                list->append(
                    {statement->columnText(0), what, statement->columnText(2), statement->columnInt(3)});
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

namespace {

// The interactions @p where selects (with ?1 bound by @p bindKey), with events and curation results.
template <typename BindKey>
Result<QList<InteractionDetails>> loadDetails(Store &store, const char *where, BindKey bindKey)
{
    const QByteArray sql = QByteArray(R"sql(
        SELECT i.id, s.name, i.external_id, i.ts, coalesce(i.session_id, ''), coalesce(i.user_id, ''),
               coalesce(i.model_name, ''), coalesce(i.model_version, ''), coalesce(i.category, ''),
               coalesce(i.finish_reason, ''), i.outcome, coalesce(i.latency_ms, -1), i.input,
               coalesce(i.metadata, ''), i.output, coalesce(i.prompt_tokens, -1),
               coalesce(i.completion_tokens, -1), coalesce(i.output_tool_calls, '')
        FROM interactions i JOIN sources s ON s.id = i.source_id )sql") +
                           where + " ORDER BY i.id";
    auto query = store.db().prepare(sql.constData());
    if (!query)
        return query.error();
    bindKey(*query);
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
            d.promptTokens = query->columnInt(15);
            d.completionTokens = query->columnInt(16);
            d.outputToolCallsJson = query->columnText(17);
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

Status loadSiblings(Store &store, InteractionDetails &d)
{
    constexpr qint64 kMaxSiblings = 12;
    auto query = store.db().prepare(R"sql(
        SELECT id, similarity FROM (
            SELECT second_id AS id, similarity FROM duplicate_pairs WHERE first_id = ?1
            UNION ALL SELECT first_id, similarity FROM duplicate_pairs WHERE second_id = ?1
            ORDER BY similarity DESC LIMIT ?3) AS pairs
        UNION ALL
        SELECT * FROM (SELECT interaction_id, 1.0 FROM curation
                       WHERE cluster_id = ?2 AND ?2 <> 0 AND interaction_id <> ?1 LIMIT ?3) AS cluster)sql");
    auto input = store.db().prepare("SELECT external_id, input FROM interactions WHERE id = ?1");
    if (!query || !input)
        return !query ? query.error() : input.error();
    query->bind(1, d.id);
    query->bind(2, d.clusterId);
    query->bind(3, kMaxSiblings);
    QList<qint64> seen;
    if (Status s = query->forEachRow([&] {
            const qint64 id = query->columnInt(0);
            if (seen.contains(id) || seen.size() >= kMaxSiblings)
                return;
            seen.append(id);
            d.siblings.append({id, QString(), query->columnDouble(1), QString()});
        });
        !s)
        return s;
    for (InteractionDetails::Sibling &sibling : d.siblings) {
        input->reset();
        input->bind(1, sibling.id);
        auto row = input->step();
        if (!row)
            return row.error();
        if (*row) {
            sibling.externalId = input->columnText(0);
            sibling.preview = inputPreview(input->columnUtf8(1), 120);
        }
    }
    return {};
}

} // namespace

Result<QList<InteractionDetails>> loadInteractionDetails(Store &store, const QString &externalId)
{
    return loadDetails(store, "WHERE i.external_id = ?1",
                       [&](Statement &query) { query.bind(1, externalId); });
}

Result<InteractionDetails> loadInteractionDetailsById(Store &store, qint64 id)
{
    auto found = loadDetails(store, "WHERE i.id = ?1", [&](Statement &query) { query.bind(1, id); });
    if (!found)
        return found.error();
    if (found->isEmpty())
        return Error{QStringLiteral("There is no interaction %1 in the store.").arg(id)};
    InteractionDetails d = found->takeFirst();
    if (Status s = loadSiblings(store, d); !s)
        return s.error();
    return d;
}

Result<QList<DuplicateCluster>> loadDuplicateClusters(Store &store, int limit, int membersPerCluster)
{
    auto clusters = store.db().prepare(R"sql(
        SELECT i.id, i.external_id, i.input, count(*) AS size
        FROM curation c JOIN interactions i ON i.id = c.cluster_id
        GROUP BY i.id ORDER BY size DESC, i.id LIMIT ?1)sql");
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
            cluster.preview = inputPreview(clusters->columnUtf8(2));
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
                        inputPreview(pairs->columnUtf8(3)), inputPreview(pairs->columnUtf8(4))});
        });
        !s)
        return s.error();
    return out;
}

} // namespace flywheel
