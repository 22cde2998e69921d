#pragma once

#include "ingest/lineparser.h"
#include "ingest/otlp/telemetrypiece.h"

#include <memory>

#include <vector>

namespace opentelemetry::proto::collector {
namespace trace::v1 {
class ExportTraceServiceRequest;
} // namespace trace::v1
namespace logs::v1 {
class ExportLogsServiceRequest;
} // namespace logs::v1
} // namespace opentelemetry::proto::collector

namespace flywheel {

namespace otlp {
class GenAiSpanReader;
} // namespace otlp

/// The model calls of an OTLP trace export, whichever encoding brought it, into @p out (cleared
/// first by the caller). Spans that are not model calls are counted as skipped records; unusable
/// model calls go to out.rejected with their reasons. With @p waiting, a model call without
/// content is not read but handed there, to wait for its content events.
void readTraces(otlp::GenAiSpanReader &reader,
                const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request,
                ParsedLine &out, std::vector<TelemetryPiece> *waiting = nullptr);

/// The content events of an OTLP logs export (GenAiSpanReader::isContentEvent) as pieces to join
/// with their spans; other log records are counted in out.skippedRecords, and content events
/// without trace and span ids go to out.rejected.
void readLogs(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest &request,
              ParsedLine &out, std::vector<TelemetryPiece> &pieces);

/// Reads OTLP JSON trace and logs exports ({"resourceSpans": [...]} or {"resourceLogs": [...]}, one
/// export request a line; model calls without content and content events become
/// ParsedLine::telemetry, joined by the ingest)
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
