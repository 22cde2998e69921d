#pragma once

// GenAI model calls read from OTLP spans: the OpenTelemetry semantic conventions' generations
// (1.26's flattened prompt and completion, 1.27-1.36's message events, the newest JSON attributes
// gen_ai.input.messages, gen_ai.output.messages and gen_ai.system_instructions) and OpenInference's
// LLM spans (docs/capture-format.md, "OpenTelemetry and OpenInference").

#include "ingest/lineparser.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <memory>
#include <string>
#include <vector>

namespace flywheel::otlp {

enum class SpanRead {
    NotModelCall,       ///< an HTTP, database or other span: skipped
    Read,               ///< an interaction (and its annotations) added to the output
    ReadWithoutContent, ///< as Read, but neither the span nor the events given held messages
    Unusable,           ///< a model call that cannot be stored; the reason says why
};

/// Reads spans into interactions keyed "<trace id>:<span id>" in a session per trace (unless the
/// span names one). A model call without message content (content capture is opt-in in the
/// instrumentations) is still an interaction: model, tokens, latency, finish reason and errors,
/// with "content_captured": false in its metadata. Keeps a JSON parser between spans; use one per
/// thread.
class GenAiSpanReader {
public:
    using LogRecord = opentelemetry::proto::logs::v1::LogRecord;

    GenAiSpanReader();
    ~GenAiSpanReader();

    /// @p events: the span's content events sent as log records (gen_ai.user.message and its kin,
    /// gen_ai.choice, gen_ai.client.inference.operation.details), read when the span has no
    /// messages of its own.
    SpanRead read(const opentelemetry::proto::trace::v1::Span &span, const std::string &service,
                  ParsedLine &out, std::string &reason, const std::vector<LogRecord> &events = {});
    /// A model call known only from its content events, their span never having come: the events'
    /// time, messages and output, with "span_missing": true in its metadata. With @p spanStored
    /// (the call was stored from its span earlier), only what the events add: no session, no flag.
    void readEventsOnly(const std::string &traceId, const std::string &spanId, const std::string &service,
                        const std::vector<LogRecord> &events, ParsedLine &out, bool spanStored = false);
    /// Whether @p record is an event that holds a model call's content, by its event_name (or, as
    /// older SDKs send it, its event.name attribute); sets @p name.
    static bool isContentEvent(const LogRecord &record, std::string &name);

private:
    // Behind a pointer: simdjson's parser changes layout with SIMDJSON_THREADS_ENABLED, which not
    // every includer defines.
    struct Parser;
    std::unique_ptr<Parser> m_json;
};

} // namespace flywheel::otlp
