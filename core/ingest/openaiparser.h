#pragma once

#include "ingest/lineparser.h"

#include <memory>

namespace flywheel {

namespace json {
class LineDocument;
} // namespace json

/// Reads what proxies log of OpenAI chat completions (docs/capture-format.md, "OpenAI and
/// LiteLLM"): lines of {"request": ..., "response": ...} pairs, and LiteLLM's standard logging
/// payload. The response id (or LiteLLM's id) is the idempotency key.
class OpenAiParser final : public LineParser {
public:
    explicit OpenAiParser(size_t maxLineBytes);
    ~OpenAiParser() override;

    bool parse(std::string_view line, ParsedLine &out, std::string &reason) override;

private:
    std::unique_ptr<json::LineDocument> m_document;
};

} // namespace flywheel
