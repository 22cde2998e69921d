#pragma once

#include "ingest/lineparser.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class element;
class object;
} // namespace simdjson::dom

namespace flywheel {

namespace json {
class LineDocument;
} // namespace json

/// Parses lines of the native capture format (docs/capture-format.md) with simdjson.
/// Never throws; a line that cannot be taken yields a reason a person can act on.
class NativeParser final : public LineParser {
public:
    explicit NativeParser(size_t maxLineBytes);
    ~NativeParser() override;
    NativeParser(const NativeParser &) = delete;
    NativeParser &operator=(const NativeParser &) = delete;

    /// @p line must be followed by at least 64 readable bytes (simdjson's padding).
    /// Returns false and sets @p reason when the line is rejected.
    bool parse(std::string_view line, ParsedLine &out, std::string &reason) override;

private:
    bool parseInteraction(const simdjson::dom::object &object, std::string_view line, ParsedLine &out,
                          std::string &reason);

    std::unique_ptr<json::LineDocument> m_document;
};

} // namespace flywheel
