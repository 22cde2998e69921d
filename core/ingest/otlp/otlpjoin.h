#pragma once

// Joins the halves of GenAI model calls that the official OpenTelemetry instrumentations send
// apart: the span (model, tokens, latency, errors) on /v1/traces and its content events (the
// messages and the choice) as log records on /v1/logs, in either order and across requests. Each
// half waits, durably, in telemetry_held; when the wait runs out the call is stored with what came,
// flagged with what is missing ("content_captured": false, "span_missing": true). Stored calls
// are kept a while longer, so a late event still completes its call (an update).
//
// Runs on the writer's thread, inside its transactions.

#include "ingest/lineparser.h"
#include "ingest/otlp/telemetrypiece.h"
#include "store/capturewriter.h"
#include "store/heldtelemetry.h"

#include <memory>
#include <set>

namespace flywheel {

namespace otlp {
class GenAiSpanReader;
} // namespace otlp

class OtlpJoin final {
public:
    struct Options {
        /// How long a half waits for the other before the call is stored without it.
        qint64 waitMs = 60'000;
        /// How long a stored call is kept for late events.
        qint64 keepMs = 3'600'000;
    };

    static Result<std::unique_ptr<OtlpJoin>> create(Store &store, Options options);
    ~OtlpJoin();

    /// Holds the pieces, or stores the calls they complete (or, for calls stored already, update).
    Status take(const std::vector<TelemetryPiece> &pieces, CaptureWriter &writer, CaptureCounts &counts,
                qint64 nowMs);
    /// Stores the calls whose wait has run out (at most @p limit), and forgets old stored ones.
    /// Returns how many calls it stored.
    Result<qint64> sweep(CaptureWriter &writer, CaptureCounts &counts, qint64 nowMs, int limit = 1000);
    /// Stores those of @p calls still waiting, with what came: the end of an ingest, whose files
    /// hold all there is.
    Result<qint64> storeWaiting(const std::set<HeldTelemetry::SpanKey> &calls, CaptureWriter &writer,
                                CaptureCounts &counts, qint64 nowMs);
    /// Whether sweep() has anything to do: read only, outside any transaction.
    Result<bool> hasDue(qint64 nowMs);
    /// Calls waiting for their other half.
    Result<qint64> waiting() { return m_held.count(); }

private:
    OtlpJoin(HeldTelemetry held, Options options);
    Status takeCall(const HeldTelemetry::SpanKey &key, const std::vector<const TelemetryPiece *> &news,
                    CaptureWriter &writer, CaptureCounts &counts, qint64 nowMs);
    Result<qint64> storeDue(CaptureWriter &writer, CaptureCounts &counts, qint64 beforeMs, qint64 nowMs,
                            int limit);
    Status store(const std::vector<TelemetryPiece> &pieces, const TelemetryPiece *span, CaptureWriter &writer,
                 CaptureCounts &counts, qint64 nowMs);

    HeldTelemetry m_held;
    Options m_options;
    std::unique_ptr<otlp::GenAiSpanReader> m_reader;
    ParsedLine m_line;
};

} // namespace flywheel
