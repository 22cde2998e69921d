#pragma once

// Readers of JSON fields shared by the capture-format parsers: each validates one value and, when
// it cannot be taken, fills `reason` with a sentence a person can act on. All return false then.

#include "store/records.h"

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace flywheel::json {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

/// Sets @p reason to @p text and returns false, so a reader can `return fail(reason, "...")`.
bool fail(std::string &reason, std::string text);
std::string quoted(std::string_view key);

/// A string; null reads as empty (absent).
bool readString(element value, std::string_view key, std::string &out, std::string &reason);
/// A non-empty string or integer id, as text.
bool readId(element value, std::string_view key, std::string &out, std::string &reason);
bool readNumber(element value, std::string_view key, double &out, std::string &reason);
/// A non-negative count, rounded; null reads as absent.
bool readCount(element value, std::string_view key, std::optional<qint64> &out, std::string &reason);
/// RFC 3339 with an offset, or epoch milliseconds.
bool readTimestamp(element value, std::string_view key, std::optional<qint64> &out, std::string &reason);
/// A string, or the text parts of a list of content parts, or null.
bool readContentText(element value, std::string_view key, std::optional<std::string> &out,
                     std::string &reason);
/// A string (one user message) or a list of chat messages with a string role, as a JSON array.
bool readInput(element value, std::string &out, std::string &reason);
/// A string, null, or an assistant message with content and tool_calls.
bool readOutput(element value, InteractionRecord &record, std::string &reason);
/// {"prompt_tokens"|"input_tokens", "completion_tokens"|"output_tokens"}.
bool readUsage(element value, InteractionRecord &record, std::string &reason);

/// A simdjson parser sized for the line limit: parses one line (followed by simdjson's padding)
/// into its root value, telling invalid UTF-8 from other invalid JSON.
class LineDocument {
public:
    explicit LineDocument(size_t maxLineBytes);
    bool parse(std::string_view line, element &root, std::string &reason);
    /// parse(), and the root must be an object ("a line must be a JSON object" otherwise).
    bool parseObject(std::string_view line, object &fields, std::string &reason);

private:
    simdjson::dom::parser m_parser;
};

/// Collects unknown fields (and the members of an explicit "metadata" object) into one JSON object.
class MetadataBuilder {
public:
    void reset() { m_text.clear(); }
    void addField(std::string_view key, element value);
    /// Adds a member whose value is already JSON text.
    void addRaw(std::string_view key, std::string_view json);
    bool addObject(element value, std::string &reason);
    void finishInto(std::string &out);

private:
    std::string m_text;
};

} // namespace flywheel::json
