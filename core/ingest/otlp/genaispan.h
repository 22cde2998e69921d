#pragma once

// GenAI model calls read from OTLP spans: the OpenTelemetry semantic conventions' generations
// (1.26's flattened prompt and completion, 1.27-1.36's message events, the newest JSON attributes
// gen_ai.input.messages, gen_ai.output.messages and gen_ai.system_instructions) and OpenInference's
// LLM spans (docs/capture-format.md, "OpenTelemetry and OpenInference").

#include "ingest/lineparser.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <simdjson.h>

#include <string>

namespace flywheel::otlp {

enum class SpanRead {
    NotModelCall, ///< an HTTP, database or other span: skipped
    Read,         ///< an interaction (and its annotations) added to the output
    Unusable,     ///< a model call that cannot be stored; the reason says why
};

/// Reads spans into interactions keyed "<trace id>:<span id>" in a session per trace (unless the
/// span names one). A model call without message content (content capture is opt-in in the
/// instrumentations) is still an interaction: model, tokens, latency, finish reason and errors,
/// with "content_captured": false in its metadata. Keeps a JSON parser between spans; use one per
/// thread.
class GenAiSpanReader {
public:
    SpanRead read(const opentelemetry::proto::trace::v1::Span &span, const std::string &service,
                  ParsedLine &out, std::string &reason);

private:
    simdjson::dom::parser m_parser;
};

} // namespace flywheel::otlp
