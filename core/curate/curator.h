#pragma once

#include "curate/rules.h"
#include "store/store.h"
#include "util/result.h"

#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace flywheel {

struct CurationProgress {
    QString stage;
    qint64 done = 0;
    /// -1 when unknown.
    qint64 total = -1;
};

struct CurationReport {
    qint64 runId = 0;
    bool cancelled = false;
    /// Incremental: only the interactions new or changed since the previous run were computed, and
    /// the results equal a full run's. Otherwise the reason it was full.
    bool incremental = false;
    std::string fullReason;
    /// Interactions computed by this run.
    qint64 processed = 0;
    /// Interactions curated (all, up to the run's start).
    qint64 interactions = 0;
    /// Interactions per automated label ("gold", "positive", ...).
    std::map<std::string, qint64> labels;
    /// Flags per reason ("conflicting_signals", ...).
    std::map<std::string, qint64> flags;
    qint64 personalDataSpans = 0;
    /// Clusters of interactions with the same or nearly the same input, and the interactions in them.
    qint64 duplicateGroups = 0;
    qint64 duplicateMembers = 0;
    /// Pairs of distinct inputs found nearly the same (before clusters are closed transitively).
    qint64 nearDuplicatePairs = 0;
    qint64 segments = 0;
    /// Per rule, in the rules file's order: how it behaves on this store (a Snorkel-style analysis).
    struct RuleStats {
        std::string id;
        std::string label;
        /// Interactions it voted on.
        qint64 coverage = 0;
        /// ... on which another rule voted too.
        qint64 overlaps = 0;
        /// ... on which another rule voted the opposite way (positive against negative).
        qint64 conflicts = 0;
        /// Of its votes on reviewed interactions, those whose review gave another label.
        qint64 reviewed = 0;
        qint64 overturned = 0;
    };
    std::vector<RuleStats> rules;
    /// Per segment: how much traffic it has and how much of it is curated and failing.
    struct SegmentStats {
        std::string name;
        qint64 traffic = 0;
        /// Interactions labeled gold, positive or negative.
        qint64 curated = 0;
        /// Negatives and corrected interactions.
        qint64 failures = 0;
        double trafficShare = 0;
        double curatedShare = 0;
        double failureRate = 0;
        /// The failure rate drawn toward the store's for small segments (a prior of 20 interactions).
        double hardness = 0;
        /// Curated share under half the traffic share, with at least 20 interactions.
        bool underCovered = false;
    };
    std::vector<SegmentStats> segmentStats;
    struct Stage {
        QString name;
        qint64 ms = 0;
    };
    QList<Stage> stages;
};

/// Runs curation over a store with a rule set (docs/curation.md): labels from signals, exact
/// duplicates, personal data, segments and the flags of the review queue. A run is recorded in
/// curation_runs. It is incremental when it can be (only interactions new or changed since the
/// previous run are computed, the results are those of a full run) and full otherwise or when
/// asked. Results are written in one transaction at the end, so a cancelled or failed run leaves
/// the previous results as they were; reviews are never touched.
class Curator final {
public:
    using ProgressCallback = std::function<void(const CurationProgress &)>;

    Curator(Store &store, RuleSet rules);

    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    void setCancelFlag(const std::atomic_bool *cancel) { m_cancel = cancel; }
    /// Recompute every interaction even when an incremental run is possible.
    void setFull(bool full) { m_full = full; }
    /// Writes (the run's record and its results) go through @p turn instead of the store the
    /// curator reads, which may then be a reader (Store::Options::readOnly).
    void setWriteTurn(WriteTurn turn) { m_writeTurn = std::move(turn); }

    Result<CurationReport> run();

private:
    Store &m_store;
    RuleSet m_rules;
    ProgressCallback m_progress;
    const std::atomic_bool *m_cancel = nullptr;
    bool m_full = false;
    WriteTurn m_writeTurn;
};

} // namespace flywheel
