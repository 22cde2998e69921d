#include "ingest/nativeparser.h"

#include "ingest/jsonfields.h"

#include "ingest/linereader.h"
#include "util/hasher.h"
#include "util/jsontext.h"
#include "util/timestamps.h"

#include <simdjson.h>

#include <cmath>

namespace flywheel {

static_assert(LineReader::kPadding >= simdjson::SIMDJSON_PADDING, "lines must carry simdjson's padding");

namespace {

using namespace json;

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

// A correction object, standalone (needs "interaction_id") or embedded in an interaction line.
bool readCorrection(object fields, bool standalone, CorrectionRecord &out, std::string &reason)
{
    out = CorrectionRecord{};
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

} // namespace

NativeParser::NativeParser(size_t maxLineBytes)
    : m_document(std::make_unique<json::LineDocument>(maxLineBytes))
{}

NativeParser::~NativeParser() = default;

bool NativeParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    object fields;
    if (!m_document->parseObject(line, fields, reason))
        return false;

    std::string_view type = "interaction";
    element typeValue;
    if (fields["type"].get(typeValue) == simdjson::SUCCESS &&
        typeValue.get_string().get(type) != simdjson::SUCCESS)
        return fail(reason, "field \"type\" must be a string");

    out.clear();
    if (type == "interaction")
        return parseInteraction(fields, line, out, reason);
    if (type == "feedback") {
        out.feedback.emplace_back();
        return readFeedback(fields, true, out.feedback.back(), reason);
    }
    if (type == "correction") {
        out.corrections.emplace_back();
        return readCorrection(fields, true, out.corrections.back(), reason);
    }
    return fail(reason, "unknown \"type\" \"" + std::string(type.substr(0, 40)) +
                            "\": expected interaction, feedback or correction");
}

namespace {

// What parseInteraction() gathers from an interaction's fields besides the record itself.
struct InteractionFields {
    MetadataBuilder metadata;
    std::optional<qint64> timestamp;
    bool haveInput = false;
    std::optional<array> feedback;
    std::optional<element> correction;
};

// One field of an interaction line; unknown fields go to the metadata.
bool readInteractionField(std::string_view key, element v, InteractionRecord &r, InteractionFields &f,
                          std::string &reason)
{
    bool ok = true;
    if (key == "type")
        return true;
    if (key == "id")
        ok = readId(v, key, r.externalId, reason);
    else if (key == "timestamp")
        ok = readTimestamp(v, key, f.timestamp, reason);
    else if (key == "input")
        ok = f.haveInput = readInput(v, r.inputJson, reason);
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
                ok =
                    fail(reason, "field \"outcome\" must be one of accepted, edited, regenerated, abandoned, "
                                 "copied or none, not \"" +
                                     name.substr(0, 40) + "\"");
        }
    } else if (key == "feedback") {
        array items;
        if (v.get_array().get(items) != simdjson::SUCCESS)
            ok = fail(reason, "field \"feedback\" must be a list of feedback objects");
        else
            f.feedback = items;
    } else if (key == "correction")
        f.correction = v;
    else if (key == "metadata")
        ok = f.metadata.addObject(v, reason);
    else
        f.metadata.addField(key, v);
    return ok;
}

// Feedback given inside an interaction line, each item an object.
bool readEmbeddedFeedback(const array &items, const std::string &interaction, ParsedLine &out,
                          std::string &reason)
{
    for (element item : items) {
        object itemFields;
        if (item.get_object().get(itemFields) != simdjson::SUCCESS)
            return fail(reason, "each item of \"feedback\" must be an object");
        out.feedback.emplace_back();
        if (!readFeedback(itemFields, false, out.feedback.back(), reason))
            return fail(reason, "feedback " + std::to_string(out.feedback.size() - 1) + ": " + reason);
        out.feedback.back().interactionExternalId = interaction;
    }
    return true;
}

// A correction given inside an interaction line: just the corrected text, or an object.
bool readEmbeddedCorrection(element correction, const std::string &interaction, ParsedLine &out,
                            std::string &reason)
{
    CorrectionRecord &c = out.corrections.emplace_back();
    object correctionFields;
    std::string_view text;
    if (correction.get_string().get(text) == simdjson::SUCCESS) {
        c.correctedOutput.assign(text);
        if (c.correctedOutput.empty())
            return fail(reason, "field \"correction\" must not be empty");
    } else if (correction.get_object().get(correctionFields) != simdjson::SUCCESS) {
        return fail(reason, "field \"correction\" must be a string or an object with \"output\"");
    } else if (!readCorrection(correctionFields, false, c, reason)) {
        return false;
    }
    c.interactionExternalId = interaction;
    return true;
}

} // namespace

bool NativeParser::parseInteraction(const object &fields, std::string_view line, ParsedLine &out,
                                    std::string &reason)
{
    InteractionRecord &r = out.interactions.emplace_back();
    InteractionFields f;
    for (auto field : fields)
        if (!readInteractionField(field.key, field.value, r, f, reason))
            return false;
    if (r.externalId.empty())
        return fail(reason, "missing required field \"id\"");
    if (!f.timestamp)
        return fail(reason, "missing required field \"timestamp\"");
    if (!f.haveInput)
        return fail(reason, "missing required field \"input\"");
    r.timestampMs = *f.timestamp;
    if (f.feedback && !readEmbeddedFeedback(*f.feedback, r.externalId, out, reason))
        return false;
    if (f.correction && !f.correction->is_null() &&
        !readEmbeddedCorrection(*f.correction, r.externalId, out, reason))
        return false;
    f.metadata.finishInto(r.metadataJson);
    r.contentHash = hash64(line);
    return true;
}

} // namespace flywheel
