// Stores a run's results in one transaction: a full run replaces everything, an incremental run
// writes what differs from what the store holds.

#include "curate/curationrun.h"

#include "curate/flags.h"
#include "store/statement.h"
#include "store/store.h"

#include <algorithm>

#include <QScopeGuard>

namespace flywheel {
namespace {

bool sameFlags(const std::vector<FlagRow> &a, const std::vector<FlagRow> &b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const FlagRow &x, const FlagRow &y) {
        return x.reason == y.reason && x.detail == y.detail && x.priority == y.priority;
    });
}

} // namespace

Status CurationRun::write()
{
    // As ingest does: a crash loses at most this run's results, which the next run recomputes.
    const SynchronousNormal relaxed(m_store->db());
    // Every id written was read by this run and nothing deletes interactions meanwhile (a later
    // delete still cascades), so the million foreign-key lookups of the inserts are skipped.
    const ForeignKeysUnchecked unchecked(m_store->db());
    Transaction transaction(m_store->db());
    if (!transaction.beginStatus())
        return transaction.beginStatus();
    if (Status s = m_incremental ? writeChanges() : writeEverything(); !s || cancelled())
        return s; // the transaction rolls back: the previous results stay
    auto segment = m_store->db().prepare(
        "INSERT INTO segment_stats (run_id, segment, traffic, curated, failures, traffic_share, "
        "curated_share, "
        "failure_rate, hardness, under_covered) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!segment)
        return segment.error();
    for (const CurationReport::SegmentStats &g : m_report.segmentStats) {
        segment->bind(1, m_report.runId);
        segment->bind(2, std::string_view(g.name));
        segment->bind(3, g.traffic);
        segment->bind(4, g.curated);
        segment->bind(5, g.failures);
        segment->bind(6, g.trafficShare);
        segment->bind(7, g.curatedShare);
        segment->bind(8, g.failureRate);
        segment->bind(9, g.hardness);
        segment->bind(10, qint64(g.underCovered));
        if (Status s = segment->run(); !s)
            return s;
    }
    if (Status s = m_rollup.write(m_store->db(), m_segments, m_report.runId); !s)
        return s;
    // The changes this run has seen are handled; those logged since wait for the next run.
    auto handled = m_store->db().prepare("DELETE FROM curation_dirty WHERE seq <= ?1");
    if (!handled)
        return handled.error();
    handled->bind(1, m_dirtySeq);
    if (Status s = handled->run(); !s)
        return s;
    return transaction.commit();
}

Status CurationRun::writeEverything()
{
    for (const char *sql : {"DELETE FROM flags", "DELETE FROM pii_spans", "DELETE FROM duplicate_pairs",
                            "DELETE FROM curation", "DELETE FROM curation_texts"})
        if (Status s = m_store->db().exec(sql); !s)
            return s;
    for (size_t i = 0; i < m_curated.size(); ++i) {
        const Curated &c = m_curated[i];
        for (Status s : {writeRow(i, false), writeFlags(c), writeSpans(c)})
            if (!s)
                return s;
        if (cancelled())
            return {};
    }
    for (Status s : {writeTexts(false), writePairs(), writeState()})
        if (!s)
            return s;
    return {};
}

Status CurationRun::writeChanges()
{
    auto clearFlags = m_store->db().prepare("DELETE FROM flags WHERE interaction_id = ?1");
    auto clearSpans = m_store->db().prepare("DELETE FROM pii_spans WHERE interaction_id = ?1");
    auto cluster = m_store->db().prepare("UPDATE curation SET cluster_id = ?2 WHERE interaction_id = ?1");
    if (!clearFlags || !clearSpans || !cluster)
        return !clearFlags ? clearFlags.error() : !clearSpans ? clearSpans.error() : cluster.error();
    for (size_t i = 0; i < m_curated.size(); ++i) {
        const Curated &c = m_curated[i];
        if (c.fresh) {
            clearFlags->bind(1, c.id);
            clearSpans->bind(1, c.id);
            for (Status s :
                 {clearFlags->run(), clearSpans->run(), writeRow(i, true), writeFlags(c), writeSpans(c)})
                if (!s)
                    return s;
            continue;
        }
        if (m_duplicates.clusterOf()[i] != c.storedCluster) {
            cluster->bind(1, c.id);
            if (m_duplicates.clusterOf()[i] != 0)
                cluster->bind(2, m_duplicates.clusterOf()[i]);
            else
                cluster->bindNull(2);
            if (Status s = cluster->run(); !s)
                return s;
        }
        if (!sameFlags(c.flags, c.storedFlags)) {
            clearFlags->bind(1, c.id);
            for (Status s : {clearFlags->run(), writeFlags(c)})
                if (!s)
                    return s;
        }
    }
    for (Status s : {writeTexts(true), writePairs(), writeState()})
        if (!s)
            return s;
    return {};
}

// Row @p i of m_curated, with its cluster.
Status CurationRun::writeRow(size_t i, bool replace)
{
    static constexpr const char *kReplace =
        "INSERT INTO curation (interaction_id, label, score, votes, input_hash, cluster_id, "
        "segment, fingerprint, run_id, fired, model_key, latency_ms, corrected, content_hash, day, "
        "signal_bits) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
        "ON CONFLICT (interaction_id) DO UPDATE SET label = excluded.label, score = excluded.score, "
        "votes = excluded.votes, input_hash = excluded.input_hash, cluster_id = excluded.cluster_id, "
        "segment = excluded.segment, fingerprint = excluded.fingerprint, run_id = excluded.run_id, "
        "fired = excluded.fired, model_key = excluded.model_key, latency_ms = excluded.latency_ms, "
        "corrected = excluded.corrected, content_hash = excluded.content_hash, day = excluded.day, "
        "signal_bits = excluded.signal_bits";
    static constexpr const char *kInsert =
        "INSERT INTO curation (interaction_id, label, score, votes, input_hash, cluster_id, segment, "
        "fingerprint, run_id, fired, model_key, latency_ms, corrected, content_hash, day, signal_bits) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
    auto prepared = statement(replace ? kReplace : kInsert);
    if (!prepared)
        return prepared.error();
    Statement *row = *prepared;
    const Curated &c = m_curated[i];
    row->bind(1, c.id);
    row->bind(2, labelName(c.label));
    row->bind(3, c.score);
    row->bindTextOrNull(4, c.votes);
    row->bind(5, qint64(c.inputHash));
    if (m_duplicates.clusterOf()[i] != 0)
        row->bind(6, m_duplicates.clusterOf()[i]);
    else
        row->bindNull(6);
    row->bind(7, std::string_view(m_segments.name(c.segment)));
    row->bind(8, qint64(c.fingerprint));
    row->bind(9, m_report.runId);
    if (m_rules.rules().size() <= 64)
        row->bind(10, qint64(c.fired));
    else
        row->bindNull(10);
    row->bind(11, qint64(c.modelKey));
    row->bind(12, c.latencyMs);
    row->bind(13, qint64(c.corrected));
    row->bind(14, qint64(c.contentHash));
    row->bind(15, qint64(c.day));
    row->bind(16, qint64(c.signalBits));
    return row->run();
}

Status CurationRun::writeFlags(const Curated &c)
{
    static constexpr const char *kInsert =
        "INSERT INTO flags (interaction_id, reason, priority, detail) VALUES (?1, ?2, ?3, ?4)";
    auto prepared = statement(kInsert);
    if (!prepared)
        return prepared.error();
    Statement *flag = *prepared;
    for (const FlagRow &row : c.flags) {
        flag->bind(1, c.id);
        flag->bind(2, flagReasonName(row.reason));
        flag->bind(3, row.priority);
        flag->bindTextOrNull(4, row.detail);
        if (Status s = flag->run(); !s)
            return s;
    }
    return {};
}

Status CurationRun::writeSpans(const Curated &c)
{
    static constexpr const char *kInsert =
        "INSERT INTO pii_spans (interaction_id, field, message_index, kind, "
        "start, length) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    auto prepared = statement(kInsert);
    if (!prepared)
        return prepared.error();
    Statement *span = *prepared;
    for (const SpanRow &row : c.spans) {
        span->bind(1, c.id);
        span->bind(2, std::string_view(row.output ? "output" : "input"));
        if (row.output)
            span->bindNull(3);
        else
            span->bind(3, row.messageIndex);
        span->bind(4, personalDataKindName(row.span.kind));
        span->bind(5, row.span.start);
        span->bind(6, row.span.length);
        if (Status s = span->run(); !s)
            return s;
    }
    return {};
}

// The signatures of the inputs first seen by this run (all of them in a full run).
Status CurationRun::writeTexts(bool onlyFresh)
{
    auto text =
        m_store->db().prepare("INSERT INTO curation_texts (input_hash, signature) VALUES (?1, ?2) "
                              "ON CONFLICT (input_hash) DO UPDATE SET signature = excluded.signature");
    if (!text)
        return text.error();
    const std::vector<DuplicateStage::Text> &texts = m_duplicates.texts();
    for (size_t t = 0; t < texts.size(); ++t) {
        if (onlyFresh && !texts[t].fresh)
            continue;
        const std::string bytes = m_duplicates.signatures().bytes(t);
        text->bind(1, qint64(texts[t].hash));
        text->bindBlob(2, bytes.data(), int(bytes.size()));
        if (Status s = text->run(); !s)
            return s;
    }
    return {};
}

// Pairs by the first interaction of each input. An incremental run compares with what it read:
// both lists are in (first, second) order, because inputs are numbered in order of first id.
Status CurationRun::writePairs()
{
    auto insert =
        m_store->db().prepare("INSERT INTO duplicate_pairs (first_id, second_id, similarity, bands) "
                              "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (first_id, second_id) DO UPDATE "
                              "SET similarity = excluded.similarity, bands = excluded.bands");
    auto remove = m_store->db().prepare("DELETE FROM duplicate_pairs WHERE first_id = ?1 AND second_id = ?2");
    if (!insert || !remove)
        return !insert ? insert.error() : remove.error();
    const auto put = [&](qint64 first, qint64 second, const DuplicateStage::Pair &p) {
        insert->bind(1, first);
        insert->bind(2, second);
        insert->bind(3, double(p.similarity));
        insert->bind(4, qint64(p.bands));
        return insert->run();
    };
    size_t old = 0;
    const std::vector<DuplicateStage::Text> &texts = m_duplicates.texts();
    const std::vector<DuplicateStage::StoredPair> &storedPairs = m_duplicates.storedPairs();
    for (const DuplicateStage::Pair &p : m_duplicates.pairs()) {
        const qint64 first = texts[p.first].firstId, second = texts[p.second].firstId;
        const auto before = [&](const DuplicateStage::StoredPair &s) {
            return s.first != first ? s.first < first : s.second < second;
        };
        for (; old < storedPairs.size() && before(storedPairs[old]); ++old) {
            remove->bind(1, storedPairs[old].first);
            remove->bind(2, storedPairs[old].second);
            if (Status s = remove->run(); !s)
                return s;
        }
        const bool stored =
            old < storedPairs.size() && storedPairs[old].first == first && storedPairs[old].second == second;
        if (!stored || storedPairs[old].bands != p.bands || storedPairs[old].similarity != p.similarity)
            if (Status s = put(first, second, p); !s)
                return s;
        old += stored;
    }
    for (; old < storedPairs.size(); ++old) {
        remove->bind(1, storedPairs[old].first);
        remove->bind(2, storedPairs[old].second);
        if (Status s = remove->run(); !s)
            return s;
    }
    return {};
}

// The topic model a full run trained and the count of interactions without a category, for the
// incremental runs that follow.
Status CurationRun::writeState()
{
    auto state = m_store->db().prepare("INSERT INTO curation_state (name, value, number) VALUES (?1, ?2, ?3) "
                                       "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                                       "number = excluded.number");
    if (!state)
        return state.error();
    const auto number = [&](std::string_view name, qint64 value) {
        state->bind(1, name);
        state->bindBlob(2, "", 0);
        state->bind(3, value);
        return state->run();
    };
    if (Status s = number("uncategorized", m_uncategorized); !s || !m_topicsTrained)
        return s;
    const std::string model = m_topicModel->serialize();
    state->bind(1, std::string_view("topic_model"));
    state->bindBlob(2, model.data(), int(model.size()));
    state->bindNull(3);
    if (Status s = state->run(); !s)
        return s;
    return number("topic_checkpoint", m_topicCheckpoint);
}

} // namespace flywheel
