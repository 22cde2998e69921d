#pragma once

// The telemetry_held table (schema version 12): halves of model calls waiting for each other.

#include "ingest/otlp/telemetrypiece.h"
#include "store/statement.h"
#include "util/result.h"

#include <QtGlobal>

#include <utility>
#include <vector>

namespace flywheel {

class Store;

class HeldTelemetry final {
public:
    using SpanKey = std::pair<std::string, std::string>; ///< trace id, span id

    static Result<HeldTelemetry> create(Store &store);

    /// Holds @p piece; a piece already held (a retried request) is held once.
    Status hold(const TelemetryPiece &piece, qint64 nowMs);
    /// Every piece held for one span, oldest first.
    Result<std::vector<TelemetryPiece>> piecesOf(const SpanKey &span);
    /// Removes the pieces of one kind held for a span.
    Status remove(const SpanKey &span, TelemetryPiece::Kind kind);
    /// Marks a stored call's waiting events as kept (no longer waiting).
    Status keepEvents(const SpanKey &span);
    /// Spans not stored yet whose first piece came before @p beforeMs, oldest first.
    Result<std::vector<SpanKey>> waitingSince(qint64 beforeMs, int limit);
    /// Forgets stored calls (and their events) stored before @p beforeMs.
    Status forgetStored(qint64 beforeMs);
    /// Whether a call stored before @p beforeMs is still kept.
    Result<bool> hasStoredBefore(qint64 beforeMs);
    /// Model calls waiting for their other half.
    Result<qint64> count();

private:
    explicit HeldTelemetry(Store &store)
        : m_store(&store)
    {}
    Store *m_store;
    Statement m_insert;
    Statement m_select;
    Statement m_remove;
    Statement m_waiting;
    Statement m_forget;
    Statement m_keep;
    Statement m_oldStored;
};

} // namespace flywheel
