#pragma once

#include "ingest/lineparser.h"

#include <memory>

namespace simdjson::dom {
class element;
} // namespace simdjson::dom

namespace flywheel {

namespace json {
class LineDocument;
} // namespace json

/// Reads OpenAssistant message trees (one tree a line, as in its exports): each assistant reply
/// becomes an interaction whose input is the thread that led to it; "+1"/"-1" emoji reactions
/// become thumbs feedback; rank, language and review fields are kept in metadata. A worked
/// example of a custom source (docs/capture-format.md).
class OasstParser final : public LineParser {
public:
    explicit OasstParser(size_t maxLineBytes);
    ~OasstParser() override;

    bool parse(std::string_view line, ParsedLine &out, std::string &reason) override;

private:
    bool walk(const simdjson::dom::element &message, const std::string &thread, ParsedLine &out,
              std::string &reason);

    std::unique_ptr<json::LineDocument> m_document;
    std::string_view m_line;
    std::string m_treeId;
    qint64 m_timestampMs = 0;
};

} // namespace flywheel
