// The duplicates stage of a curation run: the distinct inputs and their signatures, near-duplicate
// pairs (every LSH bucket in a full run, the buckets new inputs fall into in an incremental one),
// and the clusters with their representatives.

#include "curate/duplicatestage.h"

#include <algorithm>
#include <unordered_set>

namespace flywheel {

DuplicateStage::DuplicateStage(const NearDuplicateSettings &settings, const std::atomic_bool *cancel)
    : m_settings(settings)
    , m_cancel(cancel)
    , m_signatures(settings.width())
{}

// Interactions whose normalised inputs are the same or nearly the same (linked by near-duplicate
// pairs, transitively) are one cluster, represented by its best-labeled member.
void DuplicateStage::run(std::span<Curated> curated,
                         const std::unordered_map<quint64, std::string> &freshTexts,
                         std::optional<Stored> previous, const StoredText &storedText)
{
    m_incremental = previous.has_value();
    if (previous)
        m_stored = std::move(*previous);
    indexTexts(curated, freshTexts);
    findPairs(freshTexts, storedText);
    if (!cancelled())
        clusters(curated);
}

// The distinct inputs in order of their first interaction, with their signatures: read back when
// an earlier run stored them, computed otherwise.
void DuplicateStage::indexTexts(std::span<Curated> curated,
                                const std::unordered_map<quint64, std::string> &freshTexts)
{
    std::unordered_map<quint64, quint32> textOfHash;
    for (Curated &c : curated) {
        const auto [it, added] = textOfHash.try_emplace(c.inputHash, quint32(m_texts.size()));
        if (added)
            m_texts.push_back({c.inputHash, c.id, false});
        c.text = it->second;
    }
    const auto stored = [&](quint64 hash) -> const std::string * {
        const auto it = std::lower_bound(m_stored.signatures.begin(), m_stored.signatures.end(), qint64(hash),
                                         [](const auto &entry, qint64 key) { return entry.first < key; });
        return it != m_stored.signatures.end() && it->first == qint64(hash) ? &it->second : nullptr;
    };
    std::vector<std::string_view> unsigned_;
    for (Text &text : m_texts) {
        text.fresh = stored(text.hash) == nullptr;
        if (text.fresh)
            unsigned_.push_back(freshTexts.at(text.hash));
    }
    TextSignatures computed(int(m_signatures.width()));
    signTexts(unsigned_, m_settings, computed, m_cancel);
    size_t next = 0;
    for (const Text &text : m_texts) {
        if (!text.fresh) {
            m_signatures.appendBytes(*stored(text.hash));
        } else if (next < computed.size()) {
            const size_t i = next++;
            if (computed.empty(i))
                m_signatures.appendEmpty();
            else
                m_signatures.append(computed.of(i));
        }
    }
    std::vector<std::pair<qint64, std::string>>().swap(m_stored.signatures);
}

bool DuplicateStage::pairBefore(const Pair &a, const Pair &b)
{
    return a.first != b.first ? a.first < b.first : a.second < b.second;
}

// The previous run's pairs for an incremental run, in (first, second) order since inputs are
// numbered by first interaction; the inputs new this run (seeds) and those in a known pair.
struct DuplicateStage::KnownPairs {
    std::vector<Pair> pairs;
    std::vector<bool> seeds;
    std::vector<char> paired;
};

DuplicateStage::KnownPairs DuplicateStage::knownPairs() const
{
    KnownPairs out;
    out.seeds.resize(m_texts.size());
    for (size_t t = 0; t < m_texts.size(); ++t)
        out.seeds[t] = m_texts[t].fresh;
    // Per input, the bands in which it shares a bucket with a new input: those buckets are
    // searched again, and the pairs found there before are forgotten until found again.
    std::vector<std::unordered_set<quint64>> searched(size_t(m_settings.bands));
    for (size_t t = 0; t < m_texts.size(); ++t)
        if (out.seeds[t] && !m_signatures.empty(t))
            for (int b = 0; b < m_settings.bands; ++b)
                searched[size_t(b)].insert(bandKey(m_signatures, t, b, m_settings.rows));
    std::unordered_map<qint64, quint32> textOfFirst;
    for (size_t t = 0; t < m_texts.size(); ++t)
        textOfFirst.emplace(m_texts[t].firstId, quint32(t));
    out.paired.assign(m_texts.size(), 0);
    constexpr BandMask kNotYet = ~BandMask(0);
    std::vector<BandMask> searchedBands(m_texts.size(), kNotYet); // computed when first needed
    for (const StoredPair &stored : m_stored.pairs) {
        const auto a = textOfFirst.find(stored.first), b = textOfFirst.find(stored.second);
        if (a == textOfFirst.end() || b == textOfFirst.end())
            continue; // cannot happen without deleted interactions, which make a run full
        BandMask &mask = searchedBands[a->second];
        if (mask == kNotYet) {
            mask = 0;
            for (int band = 0; band < m_settings.bands && !m_signatures.empty(a->second); ++band)
                if (searched[size_t(band)].count(bandKey(m_signatures, a->second, band, m_settings.rows)))
                    mask |= bandBit(band);
        }
        out.pairs.push_back({a->second, b->second, stored.similarity, stored.bands & ~mask});
        out.paired[a->second] = out.paired[b->second] = 1;
    }
    std::sort(out.pairs.begin(), out.pairs.end(), pairBefore);
    return out;
}

// A full run searches every LSH bucket. An incremental one searches only the buckets new inputs
// fell into: the pairs the previous run found in them are forgotten (their band bit cleared) and
// found again, with the new inputs, as a full run would; pairs found in other buckets stay.
void DuplicateStage::findPairs(const std::unordered_map<quint64, std::string> &freshTexts,
                               const StoredText &storedText)
{
    const NearDuplicateSettings &settings = m_settings;
    KnownPairs previous = m_incremental ? knownPairs() : KnownPairs{};
    std::vector<Pair> &known = previous.pairs;
    const std::vector<bool> &seeds = previous.seeds;
    const std::vector<char> &paired = previous.paired;
    // Searched buckets of templated inputs hold thousands of earlier pairs, each looked up here:
    // among the pairs of its first input only (where each input's pairs start), not all of them.
    std::vector<quint32> pairsFrom(m_incremental ? m_texts.size() + 1 : 0, 0);
    for (const Pair &pair : known)
        ++pairsFrom[pair.first + 1];
    for (size_t t = 1; t < pairsFrom.size(); ++t)
        pairsFrom[t] += pairsFrom[t - 1];
    const auto find = [&](quint32 a, quint32 b) -> Pair * {
        if (known.empty())
            return nullptr;
        const auto end = known.begin() + pairsFrom[a + 1];
        const auto it =
            std::lower_bound(known.begin() + pairsFrom[a], end, b,
                             [](const Pair &pair, quint32 second) { return pair.second < second; });
        return it != end && it->second == b ? &*it : nullptr;
    };
    // Of two earlier inputs, a searched bucket yields only pairs it yielded before (see
    // bucketCandidates): those that were near-duplicates are known, the others were checked and
    // dropped. Only pairs with a new input need checking.
    const CandidateFilter keep = [&](quint32 a, quint32 b) {
        return seeds[a] || seeds[b] || (paired[a] && paired[b] && find(a, b));
    };
    const std::vector<NearDuplicateCandidate> candidates =
        bucketCandidates(m_signatures, settings, m_incremental ? &seeds : nullptr,
                         m_incremental ? keep : CandidateFilter(), m_cancel);
    if (cancelled())
        return;
    std::vector<NearDuplicateCandidate> unknown;
    for (const NearDuplicateCandidate &candidate : m_incremental ? candidates : unknown) {
        if (Pair *pair = find(candidate.first, candidate.second))
            pair->bands |= candidate.bands;
        else
            unknown.push_back(candidate);
    }
    const std::vector<NearDuplicateCandidate> &checked = m_incremental ? unknown : candidates;
    const auto textOf = [&](quint32 t) {
        const auto fresh = freshTexts.find(m_texts[t].hash);
        return fresh != freshTexts.end() ? fresh->second : storedText(m_texts[t].firstId);
    };
    const std::vector<float> similarity =
        candidateSimilarities(m_signatures, checked, settings, textOf, m_cancel);
    if (cancelled())
        return;
    for (const Pair &pair : known)
        if (pair.bands != 0)
            m_pairs.push_back(pair);
    for (size_t c = 0; c < checked.size(); ++c)
        if (similarity[c] >= settings.threshold)
            m_pairs.push_back({checked[c].first, checked[c].second, similarity[c], checked[c].bands});
    std::sort(m_pairs.begin(), m_pairs.end(), pairBefore);
}

void DuplicateStage::clusters(std::span<const Curated> curated)
{
    std::vector<std::vector<size_t>> members(m_texts.size());
    for (size_t i = 0; i < curated.size(); ++i)
        members[curated[i].text].push_back(i);
    std::vector<quint32> parent(m_texts.size());
    for (quint32 t = 0; t < parent.size(); ++t)
        parent[t] = t;
    const auto root = [&](quint32 t) {
        while (parent[t] != t)
            t = parent[t] = parent[parent[t]];
        return t;
    };
    for (const Pair &pair : m_pairs)
        parent[std::max(root(pair.first), root(pair.second))] = std::min(root(pair.first), root(pair.second));
    std::vector<std::vector<size_t>> clusters(m_texts.size());
    for (quint32 t = 0; t < m_texts.size(); ++t) {
        auto &cluster = clusters[root(t)];
        cluster.insert(cluster.end(), members[t].begin(), members[t].end());
    }
    m_clusterOf.assign(curated.size(), 0);
    m_singleton.assign(curated.size(), false);
    for (const std::vector<size_t> &cluster : clusters) {
        if (cluster.size() == 1)
            m_singleton[cluster[0]] = true;
        if (cluster.size() <= 1)
            continue;
        const size_t best = *std::min_element(cluster.begin(), cluster.end(), [&](size_t a, size_t b) {
            const Curated &x = curated[a];
            const Curated &y = curated[b];
            if (labelRank(x.label) != labelRank(y.label))
                return labelRank(x.label) < labelRank(y.label);
            if (x.score != y.score)
                return x.score > y.score;
            return x.id < y.id;
        });
        for (const size_t member : cluster)
            m_clusterOf[member] = curated[best].id;
        ++m_groups;
        m_members += qint64(cluster.size());
    }
}

} // namespace flywheel
