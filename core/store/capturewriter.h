#pragma once

#include "store/records.h"
#include "store/statement.h"
#include "util/result.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace flywheel {

class Database;

class Store;

/// Counts of what an ingest did, line by line:
/// read = stored + updated + unchanged + skipped + rejected.
struct CaptureCounts {
    qint64 read = 0;
    qint64 stored = 0;
    qint64 updated = 0;
    qint64 unchanged = 0;
    /// Read and deliberately not stored: records that are not model calls (spans, events).
    qint64 skipped = 0;
    /// Records not stored because they are not model calls, inside lines or as lines of their own.
    qint64 recordsSkipped = 0;
    qint64 rejected = 0;
    qint64 interactionsAdded = 0;
    qint64 feedbackAdded = 0;
    qint64 correctionsAdded = 0;

    CaptureCounts &operator+=(const CaptureCounts &other);
};

/// The one write path for captured data: ingest, the demo and every importer write through it, so
/// idempotency, late feedback and the model-version registry behave the same whatever the source.
///
/// Writes happen inside batches (begin() ... commit()); a batch is one transaction, so a crash
/// loses at most the uncommitted batch and never leaves half a line behind.
class CaptureWriter final {
public:
    enum class Upsert { Inserted, Updated, Unchanged };

    /// @p sourceName namespaces external ids: the same id from two sources is two interactions.
    static Result<CaptureWriter> create(Store &store, std::string_view sourceName);

    CaptureWriter(CaptureWriter &&) noexcept = default;
    ~CaptureWriter();

    Status begin();
    Status commit();
    void rollback();
    bool inBatch() const { return m_inBatch; }

    Result<Upsert> upsertInteraction(const InteractionRecord &record);
    /// Returns whether the event is new (false: the same event was stored before).
    Result<bool> addFeedback(const FeedbackRecord &record);
    Result<bool> addCorrection(const CorrectionRecord &record);
    Result<bool> quarantine(const QuarantineRecord &record, qint64 ingestRunId);
    /// Records when a model version went live (deployment markers on the dashboard).
    Status recordDeployment(std::string_view modelName, std::string_view version, qint64 deployedAtMs);

    /// Records an ingest run as running, in its own transaction, and returns its id.
    Result<qint64> startRun(std::string_view inputsJson);
    Status finishRun(qint64 runId, const CaptureCounts &counts, std::string_view status,
                     std::string_view message);

    qint64 sourceId() const { return m_sourceId; }
    /// The id of this source's interaction with @p externalId, if it is stored.
    Result<std::optional<qint64>> findInteraction(std::string_view externalId);

    /// Replaces the id hash, so tests can force collisions. nullptr restores the real one.
    using KeyFunction = qint64 (*)(qint64 sourceId, std::string_view externalId);
    static void setKeyFunctionForTesting(KeyFunction function);

private:
    CaptureWriter(Store &store, qint64 sourceId, std::string sourceName);
    Status prepareAll();
    qint64 externalKey(std::string_view externalId) const;
    Result<bool> keyHeldByOther(qint64 key, std::string_view externalId);
    void bindInteraction(const InteractionRecord &record, qint64 key);
    /// Runs the bound upsert: nothing when it changed no row, else the id it inserted or 0 for an update.
    Result<std::optional<qint64>> runUpsert(Database &db);
    Result<Upsert> stored(const InteractionRecord &record, qint64 insertedId);
    Status attachWaitingEvents(qint64 interactionId, std::string_view externalId);
    Result<bool> insertEvent(Statement &insert, bool attached);
    Status flushModelVersions();
    void noteModelVersion(const InteractionRecord &record);

    Store *m_store;
    qint64 m_sourceId;
    std::string m_sourceName;
    bool m_inBatch = false;
    bool m_eventsWaiting = false;
    qint64 m_batchTime = 0;
    static KeyFunction s_keyFunction;

    Statement m_upsert;
    Statement m_findInteraction;
    Statement m_keyHolder;
    Statement m_insertFeedback;
    Statement m_insertCorrection;
    Statement m_attachFeedback;
    Statement m_attachCorrections;
    Statement m_upsertModelVersion;
    Statement m_insertQuarantine;
    Statement m_logChanged;

    /// (model, version) -> (first seen, last seen) in the current batch.
    using ModelVersions = std::map<std::pair<std::string, std::string>, std::pair<qint64, qint64>>;
    ModelVersions m_modelVersions;
    /// The entry of the last line's model version; nodes survive moves of the map, end() does not.
    ModelVersions::value_type *m_lastModelVersion = nullptr;
};

} // namespace flywheel
