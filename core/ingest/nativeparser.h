#pragma once

#include "store/records.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class parser;
class element;
class object;
} // namespace simdjson::dom

namespace flywheel {

/// One line of the native capture format, parsed. Reused from line to line to avoid allocations.
struct ParsedLine {
    enum class Kind { Interaction, Feedback, Correction };
    Kind kind = Kind::Interaction;
    /// Set for Kind::Interaction.
    InteractionRecord interaction;
    /// Events embedded in an interaction line, or the single event of a standalone line.
    std::vector<FeedbackRecord> feedback;
    std::vector<CorrectionRecord> corrections;
};

/// Parses lines of the native capture format (docs/capture-format.md) with simdjson.
/// Never throws; a line that cannot be taken yields a reason a person can act on.
class NativeParser final {
public:
    explicit NativeParser(size_t maxLineBytes);
    ~NativeParser();
    NativeParser(const NativeParser &) = delete;
    NativeParser &operator=(const NativeParser &) = delete;

    /// @p line must be followed by at least 64 readable bytes (simdjson's padding).
    /// Returns false and sets @p reason when the line is rejected.
    bool parse(std::string_view line, ParsedLine &out, std::string &reason);

private:
    bool parseInteraction(const simdjson::dom::object &object, std::string_view line, ParsedLine &out,
                          std::string &reason);

    std::unique_ptr<simdjson::dom::parser> m_parser;
};

} // namespace flywheel
