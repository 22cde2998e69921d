#pragma once

#include "ingest/lineparser.h"

#include <memory>

namespace opentelemetry::proto::collector::trace::v1 {
class ExportTraceServiceRequest;
} // namespace opentelemetry::proto::collector::trace::v1

namespace flywheel {

namespace otlp {
class GenAiSpanReader;
} // namespace otlp

/// The model calls of an OTLP trace export, whichever encoding brought it, into @p out (cleared
/// first by the caller). Spans that are not model calls are counted as skipped records; unusable
/// model calls go to out.rejected with their reasons. False only if nothing could be read.
bool readTraces(otlp::GenAiSpanReader &reader,
                const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request,
                ParsedLine &out, std::string &reason);

/// Reads OTLP/HTTP JSON trace exports ({"resourceSpans": [...]}, one export request a line)
/// holding GenAI spans in the OpenTelemetry semantic conventions' three generations, or
/// OpenInference LLM spans (docs/capture-format.md, "OpenTelemetry and OpenInference"). Each LLM
/// span becomes an interaction keyed by trace and span id, in a session per trace; other spans
/// are skipped and counted. OpenInference annotations become feedback events.
class OtlpParser final : public LineParser {
public:
    explicit OtlpParser(size_t maxLineBytes);
    ~OtlpParser() override;

    bool parse(std::string_view line, ParsedLine &out, std::string &reason) override;

private:
    struct Readers;
    std::unique_ptr<Readers> m_readers;
};

} // namespace flywheel
