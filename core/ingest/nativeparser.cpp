#include "ingest/nativeparser.h"

#include "ingest/linereader.h"
#include "util/hasher.h"
#include "util/jsontext.h"
#include "util/timestamps.h"

#include <simdjson.h>

#include <cmath>

namespace flywheel {

static_assert(LineReader::kPadding >= simdjson::SIMDJSON_PADDING, "lines must carry simdjson's padding");

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

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

// Collects unknown fields (and the members of an explicit "metadata" object) into one JSON object.
class MetadataBuilder {
public:
    void reset() { m_text.clear(); }
    void addField(std::string_view key, element value)
    {
        m_text.push_back(m_text.empty() ? '{' : ',');
        appendJsonString(m_text, key);
        m_text.push_back(':');
        m_text.append(simdjson::minify(value));
    }
    bool addObject(element value, std::string &reason)
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
    void finishInto(std::string &out)
    {
        if (m_text.empty()) {
            out.clear();
            return;
        }
        m_text.push_back('}');
        out.swap(m_text);
        m_text.clear();
    }

private:
    std::string m_text;
};

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

bool readThumb(element value, std::optional<double> &out, std::string &reason)
{
    if (value.type() == element_type::STRING) {
        const std::string_view text = value.get_string().value_unsafe();
        if (text == "up" || text == "+1" || text == "1")
            out = 1.0;
        else if (text == "down" || text == "-1")
            out = -1.0;
        else
            return fail(reason, "thumbs \"value\" must be \"up\" or \"down\" (or true/false, 1/-1)");
        return true;
    }
    if (value.type() == element_type::BOOL) {
        out = value.get_bool().value_unsafe() ? 1.0 : -1.0;
        return true;
    }
    double number = 0;
    if (readNumber(value, "value", number, reason) && (number == 1 || number == -1)) {
        out = number;
        return true;
    }
    return fail(reason, "thumbs \"value\" must be \"up\" or \"down\" (or true/false, 1/-1)");
}

// The fields feedback and corrections share: which interaction, when, the producer's event id and
// metadata. Returns whether @p key is one of them; @p ok says whether its value was valid.
struct EventFields {
    std::string &interactionId;
    std::optional<qint64> &timestamp;
    std::string &eventId;
    MetadataBuilder &metadata;
};

bool readEventField(std::string_view key, element v, bool standalone, EventFields out, bool &ok,
                    std::string &reason)
{
    if (key == "type")
        ok = true;
    else if (key == "interaction_id" && standalone)
        ok = readId(v, key, out.interactionId, reason);
    else if (key == "timestamp")
        ok = v.is_null() || readTimestamp(v, key, out.timestamp, reason);
    else if (key == "id")
        ok = readId(v, key, out.eventId, reason);
    else if (key == "metadata")
        ok = out.metadata.addObject(v, reason);
    else
        return false;
    return true;
}

// A feedback object, standalone (needs "interaction_id") or embedded in an interaction line.
bool readFeedback(object fields, bool standalone, FeedbackRecord &out, std::string &reason)
{
    out = FeedbackRecord{};
    MetadataBuilder metadata;
    std::string kindName;
    std::optional<element> value;
    const EventFields common{out.interactionExternalId, out.timestampMs, out.eventId, metadata};
    for (auto field : fields) {
        const std::string_view key = field.key;
        const element v = field.value;
        bool ok = true;
        if (readEventField(key, v, standalone, common, ok, reason)) {
            if (!ok)
                return false;
            continue;
        }
        if (key == "kind")
            ok = readString(v, key, kindName, reason);
        else if (key == "value")
            value = v;
        else if (key == "label")
            ok = readString(v, key, out.label, reason);
        else if (key == "name")
            ok = readString(v, key, out.name, reason);
        else if (key == "comment")
            ok = readString(v, key, out.comment, reason);
        else if (key == "source")
            ok = readString(v, key, out.origin, reason);
        else
            metadata.addField(key, v);
        if (!ok)
            return false;
    }
    if (standalone && out.interactionExternalId.empty())
        return fail(reason, "missing required field \"interaction_id\"");
    if (kindName.empty())
        return fail(reason, "missing required field \"kind\" (thumbs, rating, comment or label)");
    const auto kind = feedbackKindFromName(kindName);
    if (!kind)
        return fail(reason,
                    "feedback \"kind\" must be thumbs, rating, comment or label, not \"" + kindName + "\"");
    out.kind = *kind;
    switch (out.kind) {
    case FeedbackKind::Thumbs:
        if (!value)
            return fail(reason, "thumbs feedback needs a \"value\": \"up\" or \"down\"");
        if (!readThumb(*value, out.value, reason))
            return false;
        break;
    case FeedbackKind::Rating: {
        double number = 0;
        if (!value)
            return fail(reason, "rating feedback needs a numeric \"value\"");
        if (!readNumber(*value, "value", number, reason))
            return false;
        out.value = number;
        break;
    }
    case FeedbackKind::Comment:
        if (out.comment.empty() && value && !readString(*value, "value", out.comment, reason))
            return false;
        if (out.comment.empty())
            return fail(reason, "comment feedback needs a non-empty \"comment\"");
        break;
    case FeedbackKind::Label:
        if (out.label.empty() && value && !readString(*value, "value", out.label, reason))
            return false;
        if (out.label.empty())
            return fail(reason, "label feedback needs a non-empty \"label\"");
        break;
    }
    metadata.finishInto(out.metadataJson);
    return true;
}

bool readCorrection(element value, bool standalone, CorrectionRecord &out, std::string &reason)
{
    out = CorrectionRecord{};
    if (!standalone && value.type() == element_type::STRING) {
        out.correctedOutput.assign(value.get_string().value_unsafe());
        return !out.correctedOutput.empty() || fail(reason, "field \"correction\" must not be empty");
    }
    object fields;
    if (value.get_object().get(fields) != simdjson::SUCCESS)
        return fail(reason, "field \"correction\" must be a string or an object with \"output\"");
    MetadataBuilder metadata;
    const EventFields common{out.interactionExternalId, out.timestampMs, out.eventId, metadata};
    for (auto field : fields) {
        const std::string_view key = field.key;
        const element v = field.value;
        bool ok = true;
        if (readEventField(key, v, standalone, common, ok, reason)) {
            if (!ok)
                return false;
            continue;
        }
        if (key == "output")
            ok = readString(v, key, out.correctedOutput, reason);
        else if (key == "author")
            ok = readString(v, key, out.author, reason);
        else
            metadata.addField(key, v);
        if (!ok)
            return false;
    }
    if (standalone && out.interactionExternalId.empty())
        return fail(reason, "missing required field \"interaction_id\"");
    if (out.correctedOutput.empty())
        return fail(reason, "a correction needs a non-empty \"output\"");
    metadata.finishInto(out.metadataJson);
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

} // namespace

NativeParser::NativeParser(size_t maxLineBytes)
    : m_parser(std::make_unique<simdjson::dom::parser>(std::max<size_t>(maxLineBytes, 4096)))
{}

NativeParser::~NativeParser() = default;

bool NativeParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    element document;
    const auto error = m_parser->parse(line.data(), line.size(), false).get(document);
    if (error == simdjson::UTF8_ERROR)
        return fail(reason, "invalid UTF-8");
    if (error != simdjson::SUCCESS)
        return fail(reason, std::string("invalid JSON: ") + simdjson::error_message(error));
    object fields;
    if (document.get_object().get(fields) != simdjson::SUCCESS)
        return fail(reason, "a line must be a JSON object");

    std::string_view type = "interaction";
    element typeValue;
    if (fields["type"].get(typeValue) == simdjson::SUCCESS &&
        typeValue.get_string().get(type) != simdjson::SUCCESS)
        return fail(reason, "field \"type\" must be a string");

    out.feedback.clear();
    out.corrections.clear();
    if (type == "interaction") {
        out.kind = ParsedLine::Kind::Interaction;
        return parseInteraction(fields, line, out, reason);
    }
    if (type == "feedback") {
        out.kind = ParsedLine::Kind::Feedback;
        out.feedback.emplace_back();
        return readFeedback(fields, true, out.feedback.back(), reason);
    }
    if (type == "correction") {
        out.kind = ParsedLine::Kind::Correction;
        out.corrections.emplace_back();
        return readCorrection(document, true, out.corrections.back(), reason);
    }
    return fail(reason, "unknown \"type\" \"" + std::string(type.substr(0, 40)) +
                            "\": expected interaction, feedback or correction");
}

bool NativeParser::parseInteraction(const object &fields, std::string_view line, ParsedLine &out,
                                    std::string &reason)
{
    InteractionRecord &r = out.interaction;
    r = InteractionRecord{};
    MetadataBuilder metadata;
    std::optional<qint64> timestamp;
    bool haveInput = false;
    std::optional<array> feedback;
    std::optional<element> correction;

    for (auto field : fields) {
        const std::string_view key = field.key;
        const element v = field.value;
        bool ok = true;
        if (key == "type")
            continue;
        if (key == "id")
            ok = readId(v, key, r.externalId, reason);
        else if (key == "timestamp")
            ok = readTimestamp(v, key, timestamp, reason);
        else if (key == "input")
            ok = haveInput = readInput(v, r.inputJson, reason);
        else if (key == "output")
            ok = readOutput(v, r, reason);
        else if (key == "session_id")
            ok = readString(v, key, r.sessionId, reason);
        else if (key == "user_id")
            ok = readString(v, key, r.userId, reason);
        else if (key == "model")
            ok = readString(v, key, r.modelName, reason);
        else if (key == "model_version")
            ok = readString(v, key, r.modelVersion, reason);
        else if (key == "latency_ms")
            ok = readCount(v, key, r.latencyMs, reason);
        else if (key == "prompt_tokens")
            ok = readCount(v, key, r.promptTokens, reason);
        else if (key == "completion_tokens")
            ok = readCount(v, key, r.completionTokens, reason);
        else if (key == "usage")
            ok = readUsage(v, r, reason);
        else if (key == "finish_reason")
            ok = readString(v, key, r.finishReason, reason);
        else if (key == "category")
            ok = readString(v, key, r.category, reason);
        else if (key == "outcome") {
            std::string name;
            ok = readString(v, key, name, reason);
            if (ok && !name.empty()) {
                r.outcome = outcomeFromName(name);
                if (!r.outcome)
                    ok = fail(reason,
                              "field \"outcome\" must be one of accepted, edited, regenerated, abandoned, "
                              "copied or none, not \"" +
                                  name.substr(0, 40) + "\"");
            }
        } else if (key == "feedback") {
            array items;
            if (v.get_array().get(items) != simdjson::SUCCESS)
                ok = fail(reason, "field \"feedback\" must be a list of feedback objects");
            else
                feedback = items;
        } else if (key == "correction")
            correction = v;
        else if (key == "metadata")
            ok = metadata.addObject(v, reason);
        else
            metadata.addField(key, v);
        if (!ok)
            return false;
    }

    if (r.externalId.empty())
        return fail(reason, "missing required field \"id\"");
    if (!timestamp)
        return fail(reason, "missing required field \"timestamp\"");
    if (!haveInput)
        return fail(reason, "missing required field \"input\"");
    r.timestampMs = *timestamp;

    if (feedback) {
        for (element item : *feedback) {
            object itemFields;
            if (item.get_object().get(itemFields) != simdjson::SUCCESS)
                return fail(reason, "each item of \"feedback\" must be an object");
            out.feedback.emplace_back();
            if (!readFeedback(itemFields, false, out.feedback.back(), reason))
                return fail(reason, "feedback " + std::to_string(out.feedback.size() - 1) + ": " + reason);
            out.feedback.back().interactionExternalId = r.externalId;
        }
    }
    if (correction && !correction->is_null()) {
        out.corrections.emplace_back();
        if (!readCorrection(*correction, false, out.corrections.back(), reason))
            return false;
        out.corrections.back().interactionExternalId = r.externalId;
    }
    metadata.finishInto(r.metadataJson);
    r.contentHash = hash64(line);
    return true;
}

} // namespace flywheel
