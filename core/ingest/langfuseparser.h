#pragma once

#include "ingest/lineparser.h"

#include <memory>

namespace flywheel {

namespace json {
class LineDocument;
} // namespace json

/// Reads Langfuse exports (docs/capture-format.md, "Langfuse"): traces as the API returns them
/// (one trace with its observations and scores a line, or a page {"data": [traces]}), and the rows
/// of the snake_case blob export (observations and scores). GENERATION observations become
/// interactions keyed by trace and observation id; scores become feedback events (BOOLEAN ->
/// thumbs, NUMERIC -> rating, CATEGORICAL -> label) keeping their name, source and comment.
class LangfuseParser final : public LineParser {
public:
    explicit LangfuseParser(size_t maxLineBytes);
    ~LangfuseParser() override;

    bool parse(std::string_view line, ParsedLine &out, std::string &reason) override;

private:
    std::unique_ptr<json::LineDocument> m_document;
};

} // namespace flywheel
