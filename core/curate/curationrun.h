#pragma once

// One curation run, internal to the curate module. curationrun.cpp has the stages, DuplicateStage
// (curationduplicates.cpp gives it its inputs) finds duplicates, DashboardRollup counts for the
// dashboard, curationload.cpp reads back the previous run's results for an incremental run, and
// curationwrite.cpp stores the results.

#include "curate/curator.h"
#include "curate/dashboardrollup.h"
#include "curate/duplicatestage.h"
#include "curate/interactioncuration.h"
#include "curate/nearduplicates.h"
#include "curate/signalreader.h"
#include "curate/topics.h"
#include "util/allocator.h"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace flywheel {

class Statement;
class Transaction;
template <typename Batch>
class OrderedPipeline;

/// Topics are trained on the interactions without a category up to a checkpoint: every one while
/// there are fewer than 1,000, then the first 1,000 · 1.25^k. A model changes only when they have
/// grown by a quarter, so the runs in between assign new inputs to the topics as they are.
qint64 topicCheckpoint(qint64 uncategorized);

class CurationRun {
public:
    CurationRun(Store &store, const RuleSet &rules, const Curator::ProgressCallback &progress,
                const std::atomic_bool *cancel, bool full, WriteTurn writeTurn);
    ~CurationRun();

    Result<CurationReport> execute();

private:
    struct Computed;
    bool cancelled() const { return m_cancel && m_cancel->load(std::memory_order_relaxed); }
    /// A statement prepared once per run (by the address of its SQL text), reset for reuse.
    Result<Statement *> statement(const char *sql);
    void progress(const char *stage, qint64 done, qint64 total) const;

    // curationrun.cpp
    /// Runs @p write with m_store the writer's connection when a write turn was given.
    Status writing(const std::function<Status()> &write);
    Result<qint64> startRun();
    Status finishRun(const char *status, const QString &message);
    Status chooseMode();
    Status chooseModeFromChanges(qint64 curated);
    /// A full run, for @p reason (shown in the report).
    Status fullBecause(std::string reason);
    Status readSignals(const SignalSelection &selection);
    struct SignalBatch;
    Result<qint64> readSignalBatches(const SignalSelection &selection, OrderedPipeline<SignalBatch> &out);
    void compute(const InteractionSignals &s, SpanCache &cache, std::vector<size_t> &fired,
                 Computed &out) const;
    void take(const InteractionSignals &s, Computed &&computed);
    void countRules();
    Status topics();

    // curationduplicates.cpp
    Status duplicates();
    NearDuplicateSettings nearDuplicateSettings() const;

    void latencyOutliers();
    void coverage();
    void prioritise();

    // curationload.cpp
    Status loadPrevious();
    Status loadRows();
    Status loadFlags();
    Status loadReviewLabels();
    Status loadSignatures();
    Status loadPairs();
    /// Also reads the checkpoint and the count of interactions without a category it was made at.
    Result<std::optional<TopicModel>> loadTopicModel();
    Result<std::string> storedText(qint64 interactionId);

    // curationwrite.cpp
    Status write();
    Status writeEverything();
    Status writeChanges();
    Status writeRow(size_t i, bool replace);
    Status writeFlags(const Curated &c);
    Status writeSpans(const Curated &c);
    Status writeTexts(bool onlyFresh);
    Status writePairs();
    Status writeState();

    // The reader's connection, or the writer's while writing() runs.
    Store *m_store;
    WriteTurn m_writeTurn;
    const RuleSet &m_rules;
    const Curator::ProgressCallback &m_progress;
    const std::atomic_bool *m_cancel;
    CurationReport m_report;

    bool m_incremental = false;
    qint64 m_watermark = 0;      // the highest interaction id this run curates
    qint64 m_dirtySeq = 0;       // the change log up to here is handled by this run
    qint64 m_previousLastId = 0; // the highest interaction id the previous run curated
    qint64 m_previousCount = 0;  // and how many it curated
    qint64 m_total = 0;
    std::unique_ptr<Transaction> m_snapshot;
    std::unordered_map<const char *, std::unique_ptr<Statement>> m_statements;

    // Every interaction, in id order: a few hundred megabytes at a million, faulted in by huge pages.
    std::vector<Curated, LargeBlockAllocator<Curated>> m_curated;
    std::unordered_map<qint64, std::string> m_reviewLabels;
    Names m_segments;
    std::unordered_map<quint64, int> m_versions;
    std::unordered_map<quint64, std::string> m_freshTexts; // normalised inputs computed this run
    DuplicateStage::Stored m_storedDuplicates;             // read back for an incremental run
    DuplicateStage m_duplicates;
    std::optional<TopicModel> m_topicModel;
    qint64 m_topicCheckpoint = 0;
    qint64 m_uncategorized = 0; // interactions without a category
    bool m_topicsTrained = false;
    std::vector<double> m_hardness;
    DashboardRollup m_rollup;
};

} // namespace flywheel
