#include "ingest/openaiparser.h"

#include "ingest/jsonfields.h"
#include "util/hasher.h"

#include <cmath>

namespace flywheel {
namespace {

using namespace json;

bool isObject(element value)
{
    return value.type() == element_type::OBJECT;
}

// LiteLLM and proxies give times as epoch seconds with a fraction. Values outside the range a time
// can have (up to the year 33658, like native timestamps) are not times: absent.
std::optional<qint64> secondsToMs(element value)
{
    double seconds = 0;
    std::string ignored;
    if (value.is_null() || !readNumber(value, "", seconds, ignored) || !std::isfinite(seconds) ||
        seconds <= 0 || seconds > 1.0e12)
        return std::nullopt;
    return qint64(std::llround(seconds * 1000.0));
}

// The first choice of a chat completion response: output text, tool calls, finish reason.
bool readResponse(element response, InteractionRecord &r, MetadataBuilder &metadata, std::string &reason)
{
    if (response.type() == element_type::STRING) {
        r.output.emplace(response.get_string().value_unsafe());
        return true;
    }
    if (!isObject(response))
        return response.is_null() || fail(reason, "field \"response\" must be an object, a string or null");
    array choices;
    if (response["choices"].get_array().get(choices) == simdjson::SUCCESS) {
        size_t count = 0;
        for (element choice : choices) {
            if (count++ > 0)
                continue;
            element message;
            if (choice["message"].get(message) == simdjson::SUCCESS && !readOutput(message, r, reason))
                return fail(reason, "response.choices[0]: " + reason);
            std::string_view finish;
            if (choice["finish_reason"].get_string().get(finish) == simdjson::SUCCESS)
                r.finishReason.assign(finish);
        }
        if (count > 1)
            metadata.addRaw("choices", std::to_string(count));
    }
    element usage;
    if (response["usage"].get(usage) == simdjson::SUCCESS && !usage.is_null() && !readUsage(usage, r, reason))
        return false;
    for (const char *key : {"system_fingerprint", "service_tier", "error"}) {
        element value;
        if (response[key].get(value) == simdjson::SUCCESS && !value.is_null())
            metadata.addField(key, value);
    }
    if (response["error"].error() == simdjson::SUCCESS && r.finishReason.empty())
        r.finishReason = "error";
    return true;
}

// {"request": {...}, "response": {...}} as proxies and gateways log a call.
bool readPair(object fields, InteractionRecord &r, MetadataBuilder &metadata, std::string &reason)
{
    object request;
    if (fields["request"].get_object().get(request) != simdjson::SUCCESS)
        return fail(reason, "field \"request\" must be an object");
    element response;
    if (fields["response"].get(response) != simdjson::SUCCESS)
        return fail(reason, "missing required field \"response\" (null for a failed call)");

    element messages;
    if (request["messages"].get(messages) != simdjson::SUCCESS)
        return fail(reason, "missing required field \"request.messages\"");
    if (!readInput(messages, r.inputJson, reason))
        return fail(reason, "request.messages: " + reason);
    MetadataBuilder params;
    std::string paramsJson;
    for (auto field : request) {
        const std::string_view key = field.key;
        bool ok = true;
        if (key == "model")
            ok = readString(field.value, "request.model", r.modelName, reason);
        else if (key == "user")
            ok = readString(field.value, "request.user", r.userId, reason);
        else if (key != "messages")
            params.addField(key, field.value);
        if (!ok)
            return false;
    }
    params.finishInto(paramsJson);
    if (!paramsJson.empty())
        metadata.addRaw("request", paramsJson);
    if (!readResponse(response, r, metadata, reason))
        return false;

    if (isObject(response)) {
        element value;
        std::string servedBy;
        if (response["model"].get(value) == simdjson::SUCCESS &&
            readString(value, "model", servedBy, reason) && servedBy != r.modelName)
            r.modelVersion = servedBy; // what served the call, e.g. gpt-4o-2024-08-06 for gpt-4o
        if (response["id"].get(value) == simdjson::SUCCESS &&
            !readId(value, "response.id", r.externalId, reason))
            return false;
        element created;
        if (r.timestampMs == 0 && response["created"].get(created) == simdjson::SUCCESS) {
            if (auto ms = secondsToMs(created))
                r.timestampMs = *ms;
        }
    }
    return true;
}

// LiteLLM's StandardLoggingPayload.
bool readLiteLlm(object fields, InteractionRecord &r, MetadataBuilder &metadata, std::string &reason,
                 std::optional<qint64> &start)
{
    std::string modelGroup;
    std::optional<qint64> end;
    std::optional<qint64> firstToken;
    bool failed = false;
    for (auto field : fields) {
        const std::string_view key = field.key;
        const element v = field.value;
        bool ok = true;
        if (key == "id")
            ok = readId(v, key, r.externalId, reason);
        else if (key == "trace_id")
            ok = readString(v, key, r.sessionId, reason);
        else if (key == "model")
            ok = readString(v, key, r.modelVersion, reason);
        else if (key == "model_group")
            ok = readString(v, key, modelGroup, reason);
        else if (key == "messages")
            ok = readInput(v, r.inputJson, reason) || fail(reason, "messages: " + reason);
        else if (key == "response")
            ok = readResponse(v, r, metadata, reason);
        else if (key == "startTime")
            start = secondsToMs(v);
        else if (key == "endTime")
            end = secondsToMs(v);
        else if (key == "completionStartTime")
            firstToken = secondsToMs(v);
        else if (key == "prompt_tokens")
            ok = readCount(v, key, r.promptTokens, reason);
        else if (key == "completion_tokens")
            ok = readCount(v, key, r.completionTokens, reason);
        else if (key == "end_user")
            ok = readString(v, key, r.userId, reason);
        else if (key == "status") {
            std::string status;
            ok = readString(v, key, status, reason);
            failed = status == "failure";
            metadata.addField(key, v);
        } else if (key == "total_tokens" || key == "hidden_params")
            continue; // derivable, or LiteLLM's internals
        else if (!v.is_null())
            metadata.addField(key, v);
        if (!ok)
            return false;
    }
    if (r.inputJson.empty())
        return fail(reason, "missing required field \"messages\"");
    // Without a model group, the model is what was asked for; with one, the group is.
    r.modelName = modelGroup.empty() ? r.modelVersion : modelGroup;
    if (modelGroup.empty())
        r.modelVersion.clear();
    if (failed && r.finishReason.empty())
        r.finishReason = "error";
    if (start && end && *end >= *start)
        r.latencyMs = *end - *start;
    if (start && firstToken && *firstToken >= *start)
        metadata.addRaw("time_to_first_token_ms", std::to_string(*firstToken - *start));
    return true;
}

} // namespace

OpenAiParser::OpenAiParser(size_t maxLineBytes)
    : m_document(std::make_unique<json::LineDocument>(maxLineBytes))
{}

OpenAiParser::~OpenAiParser() = default;

bool OpenAiParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    object fields;
    if (!m_document->parseObject(line, fields, reason))
        return false;

    out.clear();
    InteractionRecord &r = out.interactions.emplace_back();
    MetadataBuilder metadata;
    std::optional<qint64> start;
    const bool pair = fields["request"].error() == simdjson::SUCCESS;
    if (pair) {
        if (!readPair(fields, r, metadata, reason))
            return false;
        // Fields beside the pair: the proxy's own id, times and anything else.
        std::optional<qint64> end;
        for (auto field : fields) {
            const std::string_view key = field.key;
            const element v = field.value;
            if (key == "request" || key == "response")
                continue;
            if (key == "id" && r.externalId.empty()) {
                if (!readId(v, key, r.externalId, reason))
                    return false;
            } else if (key == "timestamp") {
                std::optional<qint64> ts;
                if (!readTimestamp(v, key, ts, reason))
                    return false;
                r.timestampMs = *ts;
            } else if (key == "latency_ms") {
                if (!readCount(v, key, r.latencyMs, reason))
                    return false;
            } else if (key == "start_time" || key == "end_time") {
                (key == "start_time" ? start : end) = secondsToMs(v);
            } else if (!v.is_null()) {
                metadata.addField(key, v);
            }
        }
        if (!r.latencyMs && start && end && *end >= *start)
            r.latencyMs = *end - *start;
        // A call that failed: no response, or an error logged beside it.
        element response;
        const bool noResponse = fields["response"].get(response) != simdjson::SUCCESS || response.is_null();
        if ((noResponse || fields["error"].error() == simdjson::SUCCESS) && r.finishReason.empty())
            r.finishReason = "error";
    } else if (fields["messages"].error() == simdjson::SUCCESS) {
        if (!readLiteLlm(fields, r, metadata, reason, start))
            return false;
    } else {
        return fail(reason,
                    "neither an OpenAI request/response pair (\"request\", \"response\") nor a LiteLLM "
                    "logging payload (\"messages\", \"response\", \"startTime\")");
    }

    if (r.externalId.empty())
        return fail(reason, "no id: the line needs response.id (chatcmpl-...) or an \"id\"");
    if (r.timestampMs == 0 && start)
        r.timestampMs = *start;
    if (r.timestampMs == 0)
        return fail(
            reason,
            "no time: the line needs response.created, \"timestamp\", \"start_time\" or \"startTime\"");
    metadata.finishInto(r.metadataJson);
    r.contentHash = hash64(line);
    return true;
}

} // namespace flywheel
