#pragma once

#include "ingest/lineparser.h"

#include <memory>

namespace flywheel {

namespace json {
class LineDocument;
} // namespace json

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
    std::unique_ptr<json::LineDocument> m_document;
};

} // namespace flywheel
