#pragma once

// Half of a GenAI model call: a span whose content is elsewhere, or a log record (event) that holds
// content for a span. The official instrumentations send the two separately; they are joined by
// trace and span id (core/ingest/otlp/otlpjoin.h).

#include <string>

namespace flywheel {

struct TelemetryPiece {
    enum class Kind {
        Span,   ///< a model call's span, waiting for its content events
        Event,  ///< a content event, waiting for its span
        Stored, ///< the call is stored: its span (empty when it never came), kept for late events
        Kept,   ///< a content event of a stored call, kept for late events
    };
    Kind kind = Kind::Span;
    /// Lower-case hex, as interactions' external ids write them.
    std::string traceId;
    std::string spanId;
    /// The resource's service.name.
    std::string service;
    /// The Span or LogRecord in protobuf; an event's name is in its event_name field.
    std::string payload;
};

} // namespace flywheel
