// An incremental run reads back what the previous run stored for the interactions it does not
// recompute: their labels and whole-store inputs, flags, input signatures, near-duplicate pairs.

#include "curate/curationrun.h"

#include "curate/flags.h"
#include "curate/textnorm.h"
#include "store/statement.h"
#include "store/store.h"

namespace flywheel {

Status CurationRun::loadPrevious()
{
    for (const auto &load : {&CurationRun::loadReviewLabels, &CurationRun::loadRows, &CurationRun::loadFlags,
                             &CurationRun::loadSignatures, &CurationRun::loadPairs}) {
        if (Status s = (this->*load)(); !s || cancelled())
            return s;
    }
    return m_rollup.loadModelNames(m_store->db());
}

// The latest review with a label, per interaction: the label the rule analysis compares with.
Status CurationRun::loadReviewLabels()
{
    auto reviews = m_store->db().prepare(
        "SELECT interaction_id, label FROM reviews WHERE label IS NOT NULL ORDER BY created_at, id");
    if (!reviews)
        return reviews.error();
    return reviews->forEachRow([&] {
        m_reviewLabels[reviews->columnInt(0)] = std::string(reviews->columnUtf8(1));
        return true;
    });
}

// Every stored row, merged in id order with the rows this run computed (which replace theirs).
Status CurationRun::loadRows()
{
    auto rows = m_store->db().prepare(
        "SELECT interaction_id, label, score, input_hash, cluster_id, segment, fired, model_key, latency_ms, "
        "corrected, content_hash, day, signal_bits FROM curation ORDER BY interaction_id");
    if (!rows)
        return rows.error();
    auto fresh = std::move(m_curated);
    m_curated.clear();
    m_curated.reserve(size_t(m_previousCount + m_total));
    size_t next = 0;
    // Rule statistics by the set of rules that voted, for the rows without a review: a few hundred
    // sets for a million rows.
    std::unordered_map<quint64, qint64> unreviewed;
    std::vector<size_t> fired;
    const auto firedRules = [&](quint64 mask) {
        fired.clear();
        for (size_t r = 0; r < m_rules.rules().size(); ++r)
            if (mask >> r & 1)
                fired.push_back(r);
        return fired;
    };
    Status status = rows->forEachRow([&] {
        const qint64 id = rows->columnInt(0);
        while (next < fresh.size() && fresh[next].id < id)
            m_curated.push_back(std::move(fresh[next++]));
        if (next < fresh.size() && fresh[next].id == id) {
            m_curated.push_back(std::move(fresh[next++]));
            return true;
        }
        Curated c;
        c.id = id;
        c.fresh = false;
        c.label = labelFromName(rows->columnUtf8(1)).value_or(Label::Unlabeled);
        c.score = rows->columnDouble(2);
        c.inputHash = quint64(rows->columnInt(3));
        c.storedCluster = rows->isNull(4) ? 0 : rows->columnInt(4);
        c.segment = m_segments.index(rows->columnUtf8(5));
        c.fired = quint64(rows->columnInt(6));
        c.modelKey = quint64(rows->columnInt(7));
        if (!rows->isNull(8))
            c.latencyMs = rows->columnInt(8);
        c.corrected = rows->columnInt(9) != 0;
        c.contentHash = quint64(rows->columnInt(10));
        c.day = qint32(rows->columnInt(11));
        c.signalBits = quint8(rows->columnInt(12));
        if (const auto review = m_reviewLabels.find(id); review != m_reviewLabels.end())
            countRuleStats(m_rules, firedRules(c.fired), review->second, m_report.rules);
        else
            ++unreviewed[c.fired];
        m_curated.push_back(std::move(c));
        return !cancelled();
    });
    while (next < fresh.size())
        m_curated.push_back(std::move(fresh[next++]));
    for (const auto &[mask, times] : unreviewed)
        countRuleStats(m_rules, firedRules(mask), {}, m_report.rules, times);
    return status;
}

// The stored flags of the rows read back; those that need only the interaction are kept, the
// others are found again.
Status CurationRun::loadFlags()
{
    auto flags = m_store->db().prepare(
        "SELECT interaction_id, reason, priority, detail FROM flags ORDER BY interaction_id, reason");
    if (!flags)
        return flags.error();
    size_t row = 0;
    return flags->forEachRow([&] {
        const qint64 id = flags->columnInt(0);
        while (row < m_curated.size() && m_curated[row].id < id)
            ++row;
        if (row == m_curated.size() || m_curated[row].id != id || m_curated[row].fresh)
            return true;
        const std::optional<FlagReason> reason = flagReasonFromName(flags->columnUtf8(1));
        if (!reason)
            return true; // a reason this version does not know: rewritten below
        FlagRow flag{*reason, std::string(flags->columnUtf8(3)), flags->columnDouble(2)};
        Curated &c = m_curated[row];
        if (!needsWholeStore(*reason))
            c.flags.push_back({flag.reason, flag.detail, 0});
        c.storedFlags.push_back(std::move(flag));
        return true;
    });
}

Status CurationRun::loadSignatures()
{
    auto texts =
        m_store->db().prepare("SELECT input_hash, signature FROM curation_texts ORDER BY input_hash");
    if (!texts)
        return texts.error();
    return texts->forEachRow([&] {
        m_storedDuplicates.signatures.emplace_back(texts->columnInt(0), texts->columnBlob(1).toStdString());
        return true;
    });
}

Status CurationRun::loadPairs()
{
    auto pairs = m_store->db().prepare(
        "SELECT first_id, second_id, similarity, bands FROM duplicate_pairs ORDER BY first_id, second_id");
    if (!pairs)
        return pairs.error();
    return pairs->forEachRow([&] {
        m_storedDuplicates.pairs.push_back({pairs->columnInt(0), pairs->columnInt(1),
                                            float(pairs->columnDouble(2)), BandMask(pairs->columnInt(3))});
        return true;
    });
}

Result<std::optional<TopicModel>> CurationRun::loadTopicModel()
{
    auto state = m_store->db().prepare("SELECT name, value, number FROM curation_state "
                                       "WHERE name IN ('topic_model', 'topic_checkpoint', 'uncategorized')");
    if (!state)
        return state.error();
    std::optional<TopicModel> model;
    int counts = 0;
    if (Status s = state->forEachRow([&] {
            const std::string_view name = state->columnUtf8(0);
            if (name == "topic_model") {
                const QByteArray bytes = state->columnBlob(1);
                model = TopicModel::parse(std::string_view(bytes.constData(), size_t(bytes.size())));
            } else {
                (name == "topic_checkpoint" ? m_topicCheckpoint : m_uncategorized) = state->columnInt(2);
                ++counts;
            }
            return true;
        });
        !s)
        return s.error();
    if (counts != 2)
        model.reset();
    return model;
}

// The normalised input of an interaction this run did not read, for an exact near-duplicate check.
Result<std::string> CurationRun::storedText(qint64 interactionId)
{
    static constexpr const char *kInput = "SELECT input FROM interactions WHERE id = ?1";
    auto input = statement(kInput);
    if (!input)
        return input.error();
    (*input)->bind(1, interactionId);
    std::string text;
    const Status read = (*input)->forEachRow([&] {
        text = normalizeText(userTextOf((*input)->columnUtf8(0)));
        return false;
    });
    (*input)->reset();
    if (!read)
        return read.error();
    return text;
}

} // namespace flywheel
