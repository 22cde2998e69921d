#include "ingest/langfuseparser.h"

#include "ingest/jsonfields.h"
#include "util/hasher.h"
#include "util/jsontext.h"
#include "util/timestamps.h"

#include <tuple>

namespace flywheel {
namespace {

using namespace json;

// The API speaks camelCase, the blob export snake_case: look a member up under either name.
bool member(object fields, std::string_view camel, std::string_view snake, element &out)
{
    return (fields[camel].get(out) == simdjson::SUCCESS || fields[snake].get(out) == simdjson::SUCCESS) &&
           !out.is_null();
}

std::string text(object fields, std::string_view camel, std::string_view snake)
{
    element value;
    std::string_view out;
    if (member(fields, camel, snake, value) && value.get_string().get(out) == simdjson::SUCCESS)
        return std::string(out);
    return {};
}

// Blob exports write "2024-11-01 12:00:00.123456" in UTC, without an offset.
std::optional<qint64> langfuseTime(object fields, std::string_view camel, std::string_view snake)
{
    const std::string value = text(fields, camel, snake);
    if (value.empty())
        return std::nullopt;
    if (auto parsed = parseRfc3339(value))
        return parsed;
    return parseRfc3339(value + "Z");
}

// Chat messages, or {"messages": [...]}, as a list of messages.
bool readMessages(element value, std::string &out)
{
    std::string ignored;
    element messages;
    if (value.type() == element_type::OBJECT && value["messages"].get(messages) == simdjson::SUCCESS)
        return readInput(messages, out, ignored);
    return value.type() == element_type::ARRAY && readInput(value, out, ignored);
}

// Langfuse keeps whatever the SDK was given: chat messages, {"messages": [...]}, a string, or any JSON.
// Blob exports write it as a string of JSON, which is read as what it holds.
void readLangfuseInput(element value, std::string &out)
{
    if (readMessages(value, out))
        return;
    std::string_view held;
    if (value.get_string().get(held) == simdjson::SUCCESS && !held.empty() &&
        (held[0] == '[' || held[0] == '{')) {
        simdjson::dom::parser parser;
        const simdjson::padded_string padded(held);
        element inner;
        if (parser.parse(padded).get(inner) == simdjson::SUCCESS && readMessages(inner, out))
            return;
    }
    // A string that holds JSON (blob exports) or any other value: kept whole as one user message.
    std::string_view string;
    out = R"([{"role":"user","content":)";
    if (value.get_string().get(string) == simdjson::SUCCESS)
        appendJsonString(out, string);
    else
        appendJsonString(out, simdjson::minify(value));
    out += "}]";
}

void readLangfuseOutput(element value, InteractionRecord &r)
{
    std::string ignored;
    if (value.type() == element_type::OBJECT &&
        (value["content"].error() == simdjson::SUCCESS || value["tool_calls"].error() == simdjson::SUCCESS)) {
        if (readOutput(value, r, ignored))
            return;
    }
    std::string_view string;
    if (value.get_string().get(string) == simdjson::SUCCESS)
        r.output.emplace(string);
    else
        r.output = simdjson::minify(value);
}

void readUsageDetails(object observation, InteractionRecord &r)
{
    element usage;
    object counts;
    if (!(member(observation, "usageDetails", "usage_details", usage) ||
          member(observation, "usage", "usage", usage)) ||
        usage.get_object().get(counts) != simdjson::SUCCESS)
        return;
    std::string ignored;
    for (auto field : counts) {
        const std::string_view key = field.key;
        if (key == "input" || key == "promptTokens" || key == "prompt_tokens")
            readCount(field.value, key, r.promptTokens, ignored);
        else if (key == "output" || key == "completionTokens" || key == "completion_tokens")
            readCount(field.value, key, r.completionTokens, ignored);
    }
}

struct TraceContext {
    std::string id;
    std::string sessionId;
    std::string userId;
    std::string release;
    std::string name;
    std::optional<element> tags;
    std::optional<element> metadata;
};

bool readGeneration(object observation, const TraceContext &trace, std::string_view line, ParsedLine &out,
                    std::string &reason)
{
    const std::string observationId = text(observation, "id", "id");
    if (observationId.empty())
        return fail(reason, "an observation needs an \"id\"");
    InteractionRecord &r = out.interactions.emplace_back();
    r.externalId = trace.id + ":" + observationId;
    r.sessionId = trace.sessionId.empty() ? trace.id : trace.sessionId;
    r.userId = trace.userId;
    r.modelName = text(observation, "model", "provided_model_name");
    if (r.modelName.empty())
        r.modelName = text(observation, "model", "model");
    r.modelVersion = trace.release.empty() ? text(observation, "version", "version") : trace.release;

    const auto start = langfuseTime(observation, "startTime", "start_time");
    if (!start)
        return fail(reason, "observation " + observationId + " has no \"startTime\"");
    r.timestampMs = *start;
    const auto end = langfuseTime(observation, "endTime", "end_time");
    if (end && *end >= *start)
        r.latencyMs = *end - *start;

    element value;
    if (!member(observation, "input", "input", value))
        return fail(reason, "observation " + observationId + " has no \"input\"");
    readLangfuseInput(value, r.inputJson);
    if (member(observation, "output", "output", value))
        readLangfuseOutput(value, r);
    readUsageDetails(observation, r);
    if (text(observation, "level", "level") == "ERROR")
        r.finishReason = "error";

    MetadataBuilder metadata;
    if (!trace.name.empty())
        metadata.addRaw("trace_name", jsonString(trace.name));
    for (const auto &[camel, snake, key] :
         {std::tuple{"name", "name", "observation_name"},
          {"modelParameters", "model_parameters", "model_parameters"},
          {"statusMessage", "status_message", "status_message"},
          {"level", "level", "level"},
          {"calculatedTotalCost", "total_cost", "total_cost"},
          {"metadata", "metadata", "metadata"},
          {"completionStartTime", "completion_start_time", "completion_start_time"}})
        if (member(observation, camel, snake, value))
            metadata.addField(key, value);
    if (trace.tags)
        metadata.addField("tags", *trace.tags);
    if (trace.metadata)
        metadata.addField("trace_metadata", *trace.metadata);
    metadata.finishInto(r.metadataJson);
    Hasher hasher;
    hasher.add(line).add(observationId);
    r.contentHash = hasher.digest64();
    return true;
}

// A score names its observation, or only its trace (then it goes to the trace's last generation).
bool readScore(object score, const std::string &interactionId, ParsedLine &out, std::string &reason)
{
    FeedbackRecord &f = out.feedback.emplace_back();
    f.interactionExternalId = interactionId;
    f.eventId = text(score, "id", "id");
    f.name = text(score, "name", "name");
    f.comment = text(score, "comment", "comment");
    f.origin = text(score, "source", "source");
    f.timestampMs = langfuseTime(score, "timestamp", "timestamp");
    const std::string type = text(score, "dataType", "data_type");
    element value;
    double number = 0;
    const bool numeric = member(score, "value", "value", value) && readNumber(value, "value", number, reason);
    if (type == "CATEGORICAL") {
        f.kind = FeedbackKind::Label;
        f.label = text(score, "stringValue", "string_value");
        if (f.label.empty() && numeric)
            f.label = std::to_string(number);
        if (f.label.empty())
            return fail(reason, "CATEGORICAL score " + f.eventId + " has no \"stringValue\"");
    } else if (!numeric) {
        return fail(reason, "score " + f.eventId + " needs a numeric \"value\"");
    } else if (type == "BOOLEAN") {
        f.kind = FeedbackKind::Thumbs;
        f.value = number != 0 ? 1.0 : -1.0;
    } else {
        f.kind = FeedbackKind::Rating;
        f.value = number;
    }
    reason.clear();
    return true;
}

bool readTrace(object trace, std::string_view line, ParsedLine &out, std::string &reason)
{
    TraceContext context;
    context.id = text(trace, "id", "id");
    if (context.id.empty())
        return fail(reason, "a trace needs an \"id\"");
    context.sessionId = text(trace, "sessionId", "session_id");
    context.userId = text(trace, "userId", "user_id");
    context.release = text(trace, "release", "release");
    context.name = text(trace, "name", "name");
    element value;
    if (member(trace, "tags", "tags", value))
        context.tags = value;
    if (member(trace, "metadata", "metadata", value))
        context.metadata = value;

    array observations;
    std::string lastGeneration;
    qint64 lastStart = 0;
    if (trace["observations"].get_array().get(observations) == simdjson::SUCCESS) {
        for (element item : observations) {
            object observation;
            if (item.get_object().get(observation) != simdjson::SUCCESS)
                return fail(reason, "each observation must be an object");
            if (text(observation, "type", "type") != "GENERATION") {
                ++out.skippedRecords; // spans and events carry no model call
                continue;
            }
            if (!readGeneration(observation, context, line, out, reason))
                return false;
            if (out.interactions.back().timestampMs >= lastStart) {
                lastStart = out.interactions.back().timestampMs;
                lastGeneration = out.interactions.back().externalId;
            }
        }
    }
    array scores;
    if (trace["scores"].get_array().get(scores) == simdjson::SUCCESS) {
        for (element item : scores) {
            object score;
            if (item.get_object().get(score) != simdjson::SUCCESS)
                return fail(reason, "each score must be an object");
            const std::string observationId = text(score, "observationId", "observation_id");
            const std::string target =
                observationId.empty() ? lastGeneration : context.id + ":" + observationId;
            if (target.empty())
                return fail(reason, "trace " + context.id +
                                        " has a trace-level score but no GENERATION to attach it to");
            if (!readScore(score, target, out, reason))
                return false;
        }
    }
    // A trace of spans and events only holds no model call: counted as skipped.
    out.skipped = out.interactions.empty() && out.feedback.empty();
    return true;
}

} // namespace

LangfuseParser::LangfuseParser(size_t maxLineBytes)
    : m_document(std::make_unique<LineDocument>(maxLineBytes))
{}

LangfuseParser::~LangfuseParser() = default;

bool LangfuseParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    object fields;
    if (!m_document->parseObject(line, fields, reason))
        return false;
    out.clear();

    // A page of the traces API: {"data": [trace, ...], "meta": {...}}.
    array page;
    if (fields["data"].get_array().get(page) == simdjson::SUCCESS) {
        for (element item : page) {
            object trace;
            if (item.get_object().get(trace) != simdjson::SUCCESS || !readTrace(trace, line, out, reason))
                return fail(reason, reason.empty() ? "each item of \"data\" must be a trace object" : reason);
        }
        return true;
    }
    if (fields["observations"].error() == simdjson::SUCCESS || fields["scores"].error() == simdjson::SUCCESS)
        return readTrace(fields, line, out, reason);

    // Rows of the blob export: an observation or a score, with its trace_id.
    const std::string traceId = text(fields, "traceId", "trace_id");
    const bool traceRow =
        fields["id"].error() == simdjson::SUCCESS &&
        (fields["session_id"].error() == simdjson::SUCCESS ||
         fields["user_id"].error() == simdjson::SUCCESS || fields["bookmarked"].error() == simdjson::SUCCESS);
    if (traceId.empty() && traceRow)
        return fail(reason, "a trace row of a blob export (its traces file): its user, session and release "
                            "cannot be joined to generations in another file; export the traces with their "
                            "observations from the API to keep them");
    if (traceId.empty())
        return fail(reason,
                    "neither a Langfuse trace (\"observations\", \"scores\") nor a row of a blob export "
                    "(\"trace_id\")");
    if (fields["data_type"].error() == simdjson::SUCCESS || fields["dataType"].error() == simdjson::SUCCESS) {
        const std::string observationId = text(fields, "observationId", "observation_id");
        if (observationId.empty())
            return fail(reason,
                        "a trace-level score in a blob export names no generation; import the trace from "
                        "the API to attach it");
        return readScore(fields, traceId + ":" + observationId, out, reason);
    }
    if (text(fields, "type", "type") != "GENERATION") {
        out.skipped = true; // spans and events: no model call
        out.skippedRecords = 1;
        return true;
    }
    TraceContext context;
    context.id = traceId;
    return readGeneration(fields, context, line, out, reason);
}

} // namespace flywheel
