#pragma once

#include "store/capturewriter.h"
#include "util/result.h"

#include <atomic>
#include <functional>

namespace flywheel {

class Store;

struct DemoOptions {
    /// How many interactions to generate. The default opens instantly in the GUI.
    qint64 interactions = 20000;
    quint64 seed = 42;
};

struct DemoReport {
    /// As for an ingest: each interaction with its events is a line; a survey answer that arrives
    /// later as its own event is a line of its own.
    CaptureCounts counts;
    /// What this run added to the store (all zero when the same demo was generated before).
    qint64 interactions = 0;
    qint64 feedbackEvents = 0;
    qint64 corrections = 0;
    /// The cancel flag stopped the run; what was generated before is committed.
    bool cancelled = false;
};

/// Fills a store with a deterministic, realistic flywheel (see docs/demo.md): about 90 days,
/// categories of different traffic and difficulty, three model versions deployed one after another
/// (quality improves on easy categories, stagnates on a hard one), implicit outcomes, sparse
/// feedback, corrections, near-duplicate prompts, abandoned sessions and some personal data.
///
/// The same options always give the same store content; external ids are namespaced by seed
/// under the source "demo", so running it twice adds nothing.
class DemoGenerator final {
public:
    using ProgressCallback = std::function<void(qint64 done, qint64 total)>;

    DemoGenerator(Store &store, DemoOptions options);

    void setProgressCallback(ProgressCallback callback) { m_progress = std::move(callback); }
    void setCancelFlag(const std::atomic_bool *cancel) { m_cancel = cancel; }

    Result<DemoReport> run();

private:
    Status checkSameSeedSameSize();

    Store &m_store;
    DemoOptions m_options;
    ProgressCallback m_progress;
    const std::atomic_bool *m_cancel = nullptr;
};

} // namespace flywheel
