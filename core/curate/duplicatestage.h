#pragma once

#include "curate/interactioncuration.h"
#include "curate/nearduplicates.h"

#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace flywheel {

/// The duplicates stage of a curation run: the distinct normalised inputs and their MinHash
/// signatures, the near-duplicate pairs among them (every LSH bucket in a full run, only the buckets
/// new inputs fall into in an incremental one), and the clusters they link, each represented by its
/// best-labeled member. Its inputs are given to run(); its outputs are read back by the writer.
class DuplicateStage {
public:
    struct Text {
        quint64 hash = 0;
        /// Its first interaction, by which pairs are stored.
        qint64 firstId = 0;
        /// A text computed this run (empty for a text only read back).
        bool fresh = false;
    };
    struct Pair {
        quint32 first; // text indexes, first < second
        quint32 second;
        float similarity;
        BandMask bands;
    };
    struct StoredPair {
        qint64 first; // interaction ids
        qint64 second;
        float similarity;
        BandMask bands;
    };
    /// What the previous run stored, read back for an incremental run.
    struct Stored {
        std::vector<std::pair<qint64, std::string>> signatures; // by input hash, as SQLite orders it
        std::vector<StoredPair> pairs;                          // by (first, second)
    };
    /// The normalised text of a distinct input the run did not compute, by its first interaction.
    using StoredText = std::function<std::string(qint64 interactionId)>;

    DuplicateStage(const NearDuplicateSettings &settings, const std::atomic_bool *cancel);

    /// Runs the stage over @p curated, setting each row's `text`. @p freshTexts holds the normalised
    /// inputs computed this run by input hash; @p previous is what the previous run stored, for an
    /// incremental run, and nullopt for a full one. Stops early, leaving no clusters, when cancelled.
    void run(std::span<Curated> curated, const std::unordered_map<quint64, std::string> &freshTexts,
             std::optional<Stored> previous, const StoredText &storedText);

    // Outputs.
    const std::vector<Text> &texts() const { return m_texts; }
    const TextSignatures &signatures() const { return m_signatures; }
    /// This run's pairs, by (first, second).
    const std::vector<Pair> &pairs() const { return m_pairs; }
    /// The previous run's pairs, to write only the difference.
    const std::vector<StoredPair> &storedPairs() const { return m_stored.pairs; }
    /// Per row, the id of its cluster's representative; 0 for a row in no cluster.
    const std::vector<qint64> &clusterOf() const { return m_clusterOf; }
    /// Per row, whether its input is its own and unlike any other.
    const std::vector<bool> &singleton() const { return m_singleton; }
    qint64 groups() const { return m_groups; }
    qint64 members() const { return m_members; }

private:
    struct KnownPairs;
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    void indexTexts(std::span<Curated> curated, const std::unordered_map<quint64, std::string> &freshTexts);
    KnownPairs knownPairs() const;
    void findPairs(const std::unordered_map<quint64, std::string> &freshTexts, const StoredText &storedText);
    void clusters(std::span<const Curated> curated);
    static bool pairBefore(const Pair &a, const Pair &b);

    const NearDuplicateSettings m_settings;
    const std::atomic_bool *m_cancel;
    bool m_incremental = false;
    Stored m_stored;
    std::vector<Text> m_texts;
    TextSignatures m_signatures;
    std::vector<Pair> m_pairs;
    std::vector<qint64> m_clusterOf;
    std::vector<bool> m_singleton;
    qint64 m_groups = 0;
    qint64 m_members = 0;
};

} // namespace flywheel
