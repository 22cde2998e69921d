#include "ingest/jsonfields.h"

#include "util/jsontext.h"
#include "util/timestamps.h"

#include <cmath>

namespace flywheel::json {

// Failures are reported by filling `reason`; every helper returns false after doing so.
bool fail(std::string &reason, std::string text)
{
    reason = std::move(text);
    return false;
}

std::string quoted(std::string_view key)
{
    return "\"" + std::string(key) + "\"";
}

bool readString(element value, std::string_view key, std::string &out, std::string &reason)
{
    if (value.is_null()) {
        out.clear();
        return true;
    }
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS)
        return fail(reason, "field " + quoted(key) + " must be a string");
    out.assign(text);
    return true;
}

// Ids may be strings or integers; both become the same text.
bool readId(element value, std::string_view key, std::string &out, std::string &reason)
{
    switch (value.type()) {
    case element_type::STRING:
        out.assign(value.get_string().value_unsafe());
        break;
    case element_type::INT64:
        out = std::to_string(value.get_int64().value_unsafe());
        break;
    case element_type::UINT64:
        out = std::to_string(value.get_uint64().value_unsafe());
        break;
    default:
        return fail(reason, "field " + quoted(key) + " must be a string or an integer");
    }
    if (out.empty())
        return fail(reason, "field " + quoted(key) + " must not be empty");
    return true;
}

bool readNumber(element value, std::string_view key, double &out, std::string &reason)
{
    switch (value.type()) {
    case element_type::INT64:
        out = double(value.get_int64().value_unsafe());
        return true;
    case element_type::UINT64:
        out = double(value.get_uint64().value_unsafe());
        return true;
    case element_type::DOUBLE:
        out = value.get_double().value_unsafe();
        return true;
    default:
        return fail(reason, "field " + quoted(key) + " must be a number");
    }
}

bool readCount(element value, std::string_view key, std::optional<qint64> &out, std::string &reason)
{
    if (value.is_null()) {
        out.reset();
        return true;
    }
    double number = 0;
    if (!readNumber(value, key, number, reason))
        return false;
    if (number < 0 || !std::isfinite(number) || number > 9.0e15)
        return fail(reason, "field " + quoted(key) + " must be a non-negative number");
    out = qint64(std::llround(number));
    return true;
}

bool readTimestamp(element value, std::string_view key, std::optional<qint64> &out, std::string &reason)
{
    if (value.type() == element_type::STRING) {
        const std::string_view text = value.get_string().value_unsafe();
        out = parseRfc3339(text);
        if (!out)
            return fail(reason, "field " + quoted(key) +
                                    " is not an RFC 3339 time with a UTC offset, e.g. "
                                    "2026-11-01T12:30:00Z: \"" +
                                    std::string(text.substr(0, 40)) + "\"");
        return true;
    }
    double number = 0;
    if (!readNumber(value, key, number, reason))
        return fail(reason, "field " + quoted(key) + " must be an RFC 3339 string or epoch milliseconds");
    if (!std::isfinite(number) || number < double(kSmallestEpochMs) || number > 1.0e15)
        return fail(reason,
                    "field " + quoted(key) +
                        " must be epoch milliseconds (this number looks like seconds or is out of range)");
    out = qint64(std::llround(number));
    return true;
}

LineDocument::LineDocument(size_t maxLineBytes)
    : m_parser(std::max<size_t>(maxLineBytes, 4096))
{}

bool LineDocument::parse(std::string_view line, element &root, std::string &reason)
{
    const auto error = m_parser.parse(line.data(), line.size(), false).get(root);
    if (error == simdjson::UTF8_ERROR)
        return fail(reason, "invalid UTF-8");
    if (error != simdjson::SUCCESS)
        return fail(reason, std::string("invalid JSON: ") + simdjson::error_message(error));
    return true;
}

bool LineDocument::parseObject(std::string_view line, object &fields, std::string &reason)
{
    element root;
    if (!parse(line, root, reason))
        return false;
    if (root.get_object().get(fields) != simdjson::SUCCESS)
        return fail(reason, "a line must be a JSON object");
    return true;
}

void MetadataBuilder::addField(std::string_view key, element value)
{
    addRaw(key, simdjson::minify(value));
}

void MetadataBuilder::addRaw(std::string_view key, std::string_view json)
{
    m_text.push_back(m_text.empty() ? '{' : ',');
    appendJsonString(m_text, key);
    m_text.push_back(':');
    m_text.append(json);
}

bool MetadataBuilder::addObject(element value, std::string &reason)
{
    if (value.is_null())
        return true;
    object members;
    if (value.get_object().get(members) != simdjson::SUCCESS)
        return fail(reason, "field \"metadata\" must be an object");
    for (auto field : members)
        addField(field.key, field.value);
    return true;
}

void MetadataBuilder::finishInto(std::string &out)
{
    if (m_text.empty()) {
        out.clear();
        return;
    }
    m_text.push_back('}');
    out.swap(m_text);
    m_text.clear();
}

// The text of a message's content: a string, or the text parts of a list of parts.
bool readContentText(element value, std::string_view key, std::optional<std::string> &out,
                     std::string &reason)
{
    if (value.is_null()) {
        out.reset();
        return true;
    }
    if (value.type() == element_type::STRING) {
        out.emplace(value.get_string().value_unsafe());
        return true;
    }
    array parts;
    if (value.get_array().get(parts) != simdjson::SUCCESS)
        return fail(reason, "field " + quoted(key) + " must be a string, a list of content parts or null");
    std::string text;
    for (element part : parts) {
        std::string_view piece;
        if (part.type() == element_type::STRING)
            piece = part.get_string().value_unsafe();
        else if (part["text"].get_string().get(piece) != simdjson::SUCCESS &&
                 part["content"].get_string().get(piece) != simdjson::SUCCESS)
            continue; // images, audio: not text
        text.append(piece);
    }
    out = std::move(text);
    return true;
}

bool readInput(element value, std::string &out, std::string &reason)
{
    if (value.type() == element_type::STRING) {
        out.assign(R"([{"role":"user","content":)");
        appendJsonString(out, value.get_string().value_unsafe());
        out.append("}]");
        return true;
    }
    array messages;
    if (value.get_array().get(messages) != simdjson::SUCCESS)
        return fail(reason, "field \"input\" must be a string or a list of chat messages");
    size_t index = 0;
    for (element message : messages) {
        std::string_view role;
        if (message.type() != element_type::OBJECT ||
            message["role"].get_string().get(role) != simdjson::SUCCESS)
            return fail(reason, "input message " + std::to_string(index) +
                                    " must be an object with a string \"role\"");
        ++index;
    }
    if (index == 0)
        return fail(reason, "field \"input\" must not be an empty list");
    out = simdjson::minify(value);
    return true;
}

bool readOutput(element value, InteractionRecord &record, std::string &reason)
{
    if (value.type() != element_type::OBJECT)
        return readContentText(value, "output", record.output, reason);
    object message = value.get_object().value_unsafe();
    element content;
    if (message["content"].get(content) == simdjson::SUCCESS) {
        if (!readContentText(content, "output.content", record.output, reason))
            return false;
    }
    element toolCalls;
    if (message["tool_calls"].get(toolCalls) == simdjson::SUCCESS && !toolCalls.is_null()) {
        if (toolCalls.type() != element_type::ARRAY)
            return fail(reason, "field \"output.tool_calls\" must be a list");
        record.outputToolCallsJson = simdjson::minify(toolCalls);
    }
    return true;
}

bool readUsage(element value, InteractionRecord &record, std::string &reason)
{
    object usage;
    if (value.get_object().get(usage) != simdjson::SUCCESS)
        return fail(reason, "field \"usage\" must be an object");
    for (auto field : usage) {
        const std::string_view key = field.key;
        if ((key == "prompt_tokens" || key == "input_tokens") &&
            !readCount(field.value, "usage." + std::string(key), record.promptTokens, reason))
            return false;
        if ((key == "completion_tokens" || key == "output_tokens") &&
            !readCount(field.value, "usage." + std::string(key), record.completionTokens, reason))
            return false;
    }
    return true;
}

} // namespace flywheel::json
