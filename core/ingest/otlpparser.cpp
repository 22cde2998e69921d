#include "ingest/otlpparser.h"

#include "ingest/jsonfields.h"
#include "util/hasher.h"
#include "util/jsontext.h"

#include <QByteArray>

#include <cctype>
#include <cstdlib>
#include <map>

namespace flywheel {
namespace {

using namespace json;

// A member's string, or @p fallback when it is absent or not a string.
std::string_view stringOr(simdjson::simdjson_result<element> value, std::string_view fallback = {})
{
    std::string_view text;
    return value.get_string().get(text) == simdjson::SUCCESS ? text : fallback;
}

// An attribute list ([{key, value: AnyValue}]) by key. The views point into the parsed document.
using Attributes = std::map<std::string_view, element>;

Attributes readAttributes(simdjson::simdjson_result<element> list)
{
    Attributes attributes;
    array items;
    if (list.get_array().get(items) != simdjson::SUCCESS)
        return attributes;
    for (element item : items) {
        std::string_view key;
        element value;
        if (item["key"].get_string().get(key) == simdjson::SUCCESS &&
            item["value"].get(value) == simdjson::SUCCESS)
            attributes.emplace(key, value);
    }
    return attributes;
}

// An AnyValue as plain JSON text: stringValue, boolValue, intValue (string or number), doubleValue,
// arrayValue and kvlistValue become JSON strings, booleans, numbers, arrays and objects.
void appendAny(std::string &out, element any)
{
    element v;
    std::string_view text;
    if (any["stringValue"].get_string().get(text) == simdjson::SUCCESS) {
        appendJsonString(out, text);
    } else if (any["boolValue"].get(v) == simdjson::SUCCESS) {
        out += simdjson::minify(v);
    } else if (any["intValue"].get(v) == simdjson::SUCCESS) {
        out += v.get_string().get(text) == simdjson::SUCCESS ? std::string(text) : simdjson::minify(v);
    } else if (any["doubleValue"].get(v) == simdjson::SUCCESS) {
        out += simdjson::minify(v);
    } else if (array items; any["arrayValue"]["values"].get_array().get(items) == simdjson::SUCCESS) {
        out += '[';
        bool first = true;
        for (element item : items) {
            out += first ? "" : ",";
            first = false;
            appendAny(out, item);
        }
        out += ']';
    } else if (array pairs; any["kvlistValue"]["values"].get_array().get(pairs) == simdjson::SUCCESS) {
        out += '{';
        bool first = true;
        for (element item : pairs) {
            std::string_view key;
            element value;
            if (item["key"].get_string().get(key) != simdjson::SUCCESS ||
                item["value"].get(value) != simdjson::SUCCESS)
                continue;
            out += first ? "" : ",";
            first = false;
            appendJsonString(out, key);
            out += ':';
            appendAny(out, value);
        }
        out += '}';
    } else {
        out += "null";
    }
}

std::string anyText(const Attributes &a, std::string_view key)
{
    const auto it = a.find(key);
    std::string_view text;
    if (it != a.end() && it->second["stringValue"].get_string().get(text) == simdjson::SUCCESS)
        return std::string(text);
    return {};
}

std::optional<qint64> anyInt(const Attributes &a, std::string_view key)
{
    const auto it = a.find(key);
    if (it == a.end())
        return std::nullopt;
    std::string json;
    appendAny(json, it->second);
    char *end = nullptr;
    const long long value = std::strtoll(json.c_str(), &end, 10);
    return end && end != json.c_str() && value >= 0 ? std::optional<qint64>(value) : std::nullopt;
}

// A value that holds JSON: a string of JSON (the usual encoding) or a structured AnyValue.
bool anyJson(const Attributes &a, std::string_view key, std::string &json)
{
    const auto it = a.find(key);
    if (it == a.end())
        return false;
    std::string_view text;
    if (it->second["stringValue"].get_string().get(text) == simdjson::SUCCESS)
        json.assign(text);
    else
        appendAny(json = {}, it->second);
    return true;
}

// OTLP ids are hex in the JSON encoding; some exporters send base64.
std::string normaliseId(std::string_view id)
{
    const bool hex = !id.empty() && id.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
    if (hex) {
        std::string lower(id);
        for (char &c : lower)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        return lower;
    }
    const QByteArray bytes = QByteArray::fromBase64(QByteArray(id.data(), qsizetype(id.size())));
    return bytes.isEmpty() ? std::string(id) : bytes.toHex().toStdString();
}

std::optional<qint64> nanosToMs(element span, const char *key)
{
    element value;
    if (span[key].get(value) != simdjson::SUCCESS)
        return std::nullopt;
    std::string_view text;
    qint64 nanos = 0;
    if (value.get_string().get(text) == simdjson::SUCCESS)
        nanos = std::strtoll(std::string(text).c_str(), nullptr, 10);
    else if (int64_t n = 0; value.get_int64().get(n) == simdjson::SUCCESS)
        nanos = n;
    else if (uint64_t u = 0; value.get_uint64().get(u) == simdjson::SUCCESS)
        nanos = qint64(u);
    return nanos > 0 ? std::optional<qint64>(nanos / 1'000'000) : std::nullopt;
}

// Messages of the current conventions ({role, parts: [...]}) as OpenAI-style chat messages.
struct MessageWriter {
    std::string out = "[";
    std::string lastFinishReason;

    void add(std::string_view role, std::string_view content, const std::string &toolCalls,
             std::string_view toolCallId)
    {
        out += out.size() > 1 ? ",{\"role\":" : "{\"role\":";
        appendJsonString(out, role);
        out += ",\"content\":";
        // A message of tool calls only has no text, as in OpenAI's own encoding.
        if (content.empty() && !toolCalls.empty())
            out += "null";
        else
            appendJsonString(out, content);
        if (!toolCalls.empty())
            out += ",\"tool_calls\":[" + toolCalls + "]";
        if (!toolCallId.empty()) {
            out += ",\"tool_call_id\":";
            appendJsonString(out, toolCallId);
        }
        out += '}';
    }
    bool empty() const { return out.size() <= 1; }
    std::string finish() const { return out + "]"; }
};

bool addPartsMessages(element messages, MessageWriter &writer)
{
    array list;
    if (messages.get_array().get(list) != simdjson::SUCCESS)
        return false;
    for (element message : list) {
        std::string_view role = "user";
        role = stringOr(message["role"], role);
        std::string text, toolCalls, toolCallId;
        array parts;
        if (message["parts"].get_array().get(parts) == simdjson::SUCCESS) {
            for (element part : parts) {
                std::string_view type, content;
                type = stringOr(part["type"], type);
                if (type == "text" && part["content"].get_string().get(content) == simdjson::SUCCESS) {
                    text += content;
                } else if (type == "tool_call") {
                    std::string_view id, name;
                    id = stringOr(part["id"], id);
                    name = stringOr(part["name"], name);
                    element arguments;
                    std::string args = "{}";
                    if (part["arguments"].get(arguments) == simdjson::SUCCESS)
                        args = arguments.type() == element_type::STRING
                                   ? std::string(arguments.get_string().value_unsafe())
                                   : simdjson::minify(arguments);
                    toolCalls += toolCalls.empty() ? "" : ",";
                    toolCalls += R"({"id":)" + jsonString(id) + R"(,"type":"function","function":{"name":)" +
                                 jsonString(name) + R"(,"arguments":)" + jsonString(args) + "}}";
                } else if (type == "tool_call_response") {
                    std::string_view id;
                    id = stringOr(part["id"], id);
                    toolCallId = id;
                    element response;
                    if (part["response"].get(response) == simdjson::SUCCESS ||
                        part["result"].get(response) == simdjson::SUCCESS)
                        text += response.type() == element_type::STRING
                                    ? std::string(response.get_string().value_unsafe())
                                    : simdjson::minify(response);
                }
            }
        } else if (std::string_view content;
                   message["content"].get_string().get(content) == simdjson::SUCCESS) {
            text = content; // OpenAI style inside the new attribute
        }
        std::string_view finish;
        if (message["finish_reason"].get_string().get(finish) == simdjson::SUCCESS)
            writer.lastFinishReason = finish;
        writer.add(role, text, toolCalls, toolCallId);
    }
    return !writer.empty();
}

// Parses JSON text held by an attribute and hands its root to @p use.
template <typename Use>
bool withJson(const std::string &text, Use use)
{
    simdjson::dom::parser parser;
    const simdjson::padded_string padded(text);
    element root;
    return parser.parse(padded).get(root) == simdjson::SUCCESS && use(root);
}

// Flattened lists: "<prefix><i>.<field>" attributes grouped by index.
std::map<int, std::map<std::string, std::string>> indexed(const Attributes &a, std::string_view prefix)
{
    std::map<int, std::map<std::string, std::string>> items;
    for (auto it = a.lower_bound(prefix); it != a.end() && it->first.substr(0, prefix.size()) == prefix;
         ++it) {
        const std::string_view rest = it->first.substr(prefix.size());
        const size_t dot = rest.find('.');
        if (dot == std::string_view::npos)
            continue;
        const int index = std::atoi(std::string(rest.substr(0, dot)).c_str());
        std::string value;
        std::string_view text;
        if (it->second["stringValue"].get_string().get(text) == simdjson::SUCCESS)
            value = text;
        else
            appendAny(value, it->second);
        items[index][std::string(rest.substr(dot + 1))] = value;
    }
    return items;
}

void addIndexedMessages(const std::map<int, std::map<std::string, std::string>> &items,
                        const std::string &roleKey, const std::string &contentKey, MessageWriter &writer)
{
    for (const auto &[index, fields] : items) {
        const auto role = fields.find(roleKey);
        const auto content = fields.find(contentKey);
        std::string toolCalls;
        for (int j = 0;; ++j) {
            const std::string base = "message.tool_calls." + std::to_string(j) + ".tool_call.function.";
            const auto name = fields.find(base + "name");
            if (name == fields.end())
                break;
            const auto args = fields.find(base + "arguments");
            toolCalls += (j ? "," : "") + std::string(R"({"type":"function","function":{"name":)") +
                         jsonString(name->second) + R"(,"arguments":)" +
                         jsonString(args == fields.end() ? "{}" : args->second) + "}}";
        }
        if (content != fields.end() || !toolCalls.empty())
            writer.add(role == fields.end() ? "user" : role->second,
                       content == fields.end() ? "" : content->second, toolCalls, {});
        const auto finish = fields.find("finish_reason");
        if (finish != fields.end())
            writer.lastFinishReason = finish->second;
    }
}

bool isLlmSpan(const Attributes &a)
{
    const std::string operation = anyText(a, "gen_ai.operation.name");
    if (!operation.empty())
        return operation == "chat" || operation == "text_completion" || operation == "generate_content";
    if (anyText(a, "openinference.span.kind") == "LLM")
        return true;
    return a.count("gen_ai.request.model") || a.count("gen_ai.system") || a.count("gen_ai.provider.name");
}

// What the span's events carry: 1.26 prompt/completion events and the 1.27-1.36 message events.
void readEvents(element span, MessageWriter &input, MessageWriter &output)
{
    array events;
    if (span["events"].get_array().get(events) != simdjson::SUCCESS)
        return;
    for (element event : events) {
        std::string_view name;
        if (event["name"].get_string().get(name) != simdjson::SUCCESS)
            continue;
        const Attributes a = readAttributes(event["attributes"]);
        std::string json;
        if (name == "gen_ai.content.prompt" && anyJson(a, "gen_ai.prompt", json)) {
            withJson(json, [&](element root) { return addPartsMessages(root, input); });
        } else if (name == "gen_ai.content.completion" && anyJson(a, "gen_ai.completion", json)) {
            withJson(json, [&](element root) { return addPartsMessages(root, output); });
        } else if (name == "gen_ai.system.message" || name == "gen_ai.user.message" ||
                   name == "gen_ai.assistant.message" || name == "gen_ai.tool.message") {
            const std::string_view role = name.substr(7, name.size() - 15); // gen_ai.<role>.message
            input.add(role, anyText(a, "content"), {}, anyText(a, "id"));
        } else if (name == "gen_ai.choice") {
            std::string message;
            if (anyJson(a, "message", message))
                withJson(message, [&](element root) {
                    std::string_view content;
                    content = stringOr(root["content"], content);
                    output.add("assistant", content, {}, {});
                    return true;
                });
            output.lastFinishReason = anyText(a, "finish_reason");
        }
    }
}

void readAnnotations(const Attributes &a, const std::string &interactionId, ParsedLine &out)
{
    for (const auto &entry : indexed(a, "annotations.")) {
        // Named, not bound: lambdas may not capture structured bindings before clang 16.
        const int index = entry.first;
        const std::map<std::string, std::string> &fields = entry.second;
        FeedbackRecord f;
        f.interactionExternalId = interactionId;
        f.eventId = interactionId + ":annotation:" + std::to_string(index);
        const auto get = [&](const char *key) {
            const auto it = fields.find(std::string("annotation.") + key);
            return it == fields.end() ? std::string() : it->second;
        };
        f.name = get("name");
        f.comment = get("explanation");
        f.origin = get("annotator_kind");
        const std::string label = get("label");
        const std::string score = get("score");
        if (!score.empty()) {
            f.kind = FeedbackKind::Rating;
            f.value = std::strtod(score.c_str(), nullptr);
            f.label = label;
        } else if (!label.empty()) {
            f.kind = FeedbackKind::Label;
            f.label = label;
        } else {
            continue;
        }
        out.feedback.push_back(std::move(f));
    }
}

// Who and what: ids, session, user, model, times and token counts. False with @p reason set when
// the span lacks what an interaction needs.
bool readSpanIdentity(element span, const Attributes &a, std::string_view spanId, std::string_view traceId,
                      InteractionRecord &r, std::string &reason)
{
    const std::string trace = normaliseId(traceId);
    r.externalId = trace + ":" + normaliseId(spanId);
    r.sessionId = anyText(a, "gen_ai.conversation.id");
    if (r.sessionId.empty())
        r.sessionId = anyText(a, "session.id");
    if (r.sessionId.empty())
        r.sessionId = trace; // the LLM spans of one trace are one session
    r.userId = anyText(a, "user.id");
    if (r.userId.empty())
        r.userId = anyText(a, "enduser.id");
    r.modelName = anyText(a, "gen_ai.request.model");
    if (r.modelName.empty())
        r.modelName = anyText(a, "llm.model_name");
    const std::string served = anyText(a, "gen_ai.response.model");
    if (!served.empty() && served != r.modelName)
        r.modelVersion = served;
    const auto start = nanosToMs(span, "startTimeUnixNano");
    if (!start)
        return fail(reason, "span " + std::string(spanId) + " has no \"startTimeUnixNano\"");
    r.timestampMs = *start;
    if (const auto end = nanosToMs(span, "endTimeUnixNano"); end && *end >= *start)
        r.latencyMs = *end - *start;
    for (const char *key :
         {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"})
        if (!r.promptTokens)
            r.promptTokens = anyInt(a, key);
    for (const char *key :
         {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"})
        if (!r.completionTokens)
            r.completionTokens = anyInt(a, key);
    return true;
}

// The messages, from wherever the span's conventions put them: the current JSON attributes, its
// events, the flattened attributes of 1.26 and OpenInference, or OpenInference's plain values.
void readSpanMessages(element span, const Attributes &a, MessageWriter &input, MessageWriter &output)
{
    std::string json;
    const std::string system = anyText(a, "gen_ai.system_instructions");
    if (!system.empty())
        input.add("system", system, {}, {});
    if (anyJson(a, "gen_ai.input.messages", json))
        withJson(json, [&](element root) { return addPartsMessages(root, input); });
    if (anyJson(a, "gen_ai.output.messages", json))
        withJson(json, [&](element root) { return addPartsMessages(root, output); });
    readEvents(span, input, output);
    if (input.empty())
        addIndexedMessages(indexed(a, "gen_ai.prompt."), "role", "content", input);
    if (output.empty())
        addIndexedMessages(indexed(a, "gen_ai.completion."), "role", "content", output);
    if (input.empty())
        addIndexedMessages(indexed(a, "llm.input_messages."), "message.role", "message.content", input);
    if (output.empty())
        addIndexedMessages(indexed(a, "llm.output_messages."), "message.role", "message.content", output);
    if (input.empty() && !anyText(a, "input.value").empty())
        input.add("user", anyText(a, "input.value"), {}, {});
    if (output.empty() && !anyText(a, "output.value").empty())
        output.add("assistant", anyText(a, "output.value"), {}, {});
}

// The first output message as the interaction's output.
void takeOutput(const MessageWriter &output, InteractionRecord &r)
{
    if (output.empty())
        return;
    std::string ignored;
    withJson(output.finish(), [&](element root) {
        array messages;
        if (root.get_array().get(messages) != simdjson::SUCCESS)
            return false;
        for (element message : messages)
            return readOutput(message, r, ignored);
        return false;
    });
}

// The finish reason: of the output messages, else the span's list of them, else "error" for a
// span whose status is an error.
void readFinishReason(element span, const Attributes &a, const MessageWriter &output, InteractionRecord &r)
{
    r.finishReason = output.lastFinishReason;
    std::string json;
    if (r.finishReason.empty() && anyJson(a, "gen_ai.response.finish_reasons", json))
        withJson(json, [&](element root) {
            std::string_view first;
            array reasons;
            if (root.get_array().get(reasons) == simdjson::SUCCESS) {
                for (element item : reasons)
                    if (item.get_string().get(first) == simdjson::SUCCESS)
                        break;
            } else if (root.get_string().get(first) != simdjson::SUCCESS) {
                first = {};
            }
            r.finishReason = first;
            return true;
        });
    int64_t statusCode = 0;
    if (r.finishReason.empty() && span["status"]["code"].get_int64().get(statusCode) == simdjson::SUCCESS &&
        statusCode == 2)
        r.finishReason = "error";
}

// The span's name, the service, and the request settings worth keeping.
void readSpanMetadata(element span, const Attributes &a, const std::string &service, InteractionRecord &r)
{
    MetadataBuilder metadata;
    std::string_view name;
    if (span["name"].get_string().get(name) == simdjson::SUCCESS)
        metadata.addRaw("span_name", jsonString(name));
    if (!service.empty())
        metadata.addRaw("service_name", jsonString(service));
    for (const char *key :
         {"gen_ai.provider.name", "gen_ai.system", "gen_ai.operation.name", "gen_ai.response.id",
          "gen_ai.request.temperature", "gen_ai.request.max_tokens", "gen_ai.request.top_p", "error.type",
          "llm.provider", "llm.invocation_parameters"}) {
        const auto it = a.find(key);
        if (it != a.end()) {
            std::string value;
            appendAny(value, it->second);
            metadata.addRaw(key, value);
        }
    }
    metadata.finishInto(r.metadataJson);
}

bool readSpan(element span, const std::string &service, std::string_view line, ParsedLine &out,
              std::string &reason)
{
    const Attributes a = readAttributes(span["attributes"]);
    if (!isLlmSpan(a))
        return false; // not a model call
    std::string_view traceId, spanId;
    if (span["traceId"].get_string().get(traceId) != simdjson::SUCCESS ||
        span["spanId"].get_string().get(spanId) != simdjson::SUCCESS)
        return fail(reason, "an LLM span needs \"traceId\" and \"spanId\"");
    InteractionRecord r;
    if (!readSpanIdentity(span, a, spanId, traceId, r, reason))
        return false;
    MessageWriter input, output;
    readSpanMessages(span, a, input, output);
    if (input.empty())
        return fail(reason, "LLM span " + std::string(spanId) + " carries no input messages");
    r.inputJson = input.finish();
    takeOutput(output, r);
    readFinishReason(span, a, output, r);
    readSpanMetadata(span, a, service, r);
    Hasher hasher;
    hasher.add(line).add(r.externalId);
    r.contentHash = hasher.digest64();
    readAnnotations(a, r.externalId, out);
    out.interactions.push_back(std::move(r));
    return true;
}

} // namespace

OtlpParser::OtlpParser(size_t maxLineBytes)
    : m_document(std::make_unique<LineDocument>(maxLineBytes))
{}

OtlpParser::~OtlpParser() = default;

bool OtlpParser::parse(std::string_view line, ParsedLine &out, std::string &reason)
{
    element document;
    if (!m_document->parse(line, document, reason))
        return false;
    array resourceSpans;
    if (document["resourceSpans"].get_array().get(resourceSpans) != simdjson::SUCCESS)
        return fail(reason, "an OTLP trace export needs \"resourceSpans\"");
    out.clear();
    size_t spans = 0;
    for (element resource : resourceSpans) {
        const Attributes resourceAttributes = readAttributes(resource["resource"]["attributes"]);
        const std::string service = anyText(resourceAttributes, "service.name");
        array scopes;
        if (resource["scopeSpans"].get_array().get(scopes) != simdjson::SUCCESS)
            continue;
        for (element scope : scopes) {
            array list;
            if (scope["spans"].get_array().get(list) != simdjson::SUCCESS)
                continue;
            for (element span : list) {
                ++spans;
                reason.clear();
                if (!readSpan(span, service, line, out, reason) && !reason.empty())
                    return false;
            }
        }
    }
    // Spans that are not model calls (HTTP, database...) are read and skipped, counted.
    out.skippedRecords = qint64(spans) - qint64(out.interactions.size());
    out.skipped = out.interactions.empty();
    return true;
}

} // namespace flywheel
