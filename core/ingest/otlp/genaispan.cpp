#include "ingest/otlp/genaispan.h"

#include "ingest/jsonfields.h"
#include "ingest/otlp/genaimessages.h"
#include "util/hasher.h"
#include "util/jsontext.h"

#include <cstdlib>

namespace flywheel::otlp {
namespace {

using Span = pb::trace::v1::Span;

bool isLlmSpan(const Attributes &a)
{
    const std::string operation = anyText(a, "gen_ai.operation.name");
    if (!operation.empty())
        return operation == "chat" || operation == "text_completion" || operation == "generate_content";
    if (anyText(a, "openinference.span.kind") == "LLM")
        return true;
    return a.count("gen_ai.request.model") || a.count("gen_ai.system") || a.count("gen_ai.provider.name");
}

std::optional<qint64> nanosToMs(quint64 nanos)
{
    return nanos > 0 ? std::optional<qint64>(qint64(nanos / 1'000'000)) : std::nullopt;
}

std::string firstText(const Attributes &a, std::initializer_list<std::string_view> keys)
{
    for (const std::string_view key : keys)
        if (std::string text = anyText(a, key); !text.empty())
            return text;
    return {};
}

std::optional<qint64> firstInt(const Attributes &a, std::initializer_list<std::string_view> keys)
{
    for (const std::string_view key : keys)
        if (const auto value = anyInt(a, key))
            return value;
    return std::nullopt;
}

// Who and what: ids, session, user, model, times and token counts.
bool readIdentity(const Span &span, const Attributes &a, InteractionRecord &r, std::string &reason)
{
    const std::string trace = hexId(span.trace_id());
    r.externalId = trace + ":" + hexId(span.span_id());
    r.sessionId = firstText(a, {"gen_ai.conversation.id", "session.id"});
    if (r.sessionId.empty())
        r.sessionId = trace; // the LLM spans of one trace are one session
    r.userId = firstText(a, {"user.id", "enduser.id"});
    r.modelName = firstText(a, {"gen_ai.request.model", "llm.model_name"});
    const std::string served = anyText(a, "gen_ai.response.model");
    if (!served.empty() && served != r.modelName)
        r.modelVersion = served;
    const auto start = nanosToMs(span.start_time_unix_nano());
    if (!start)
        return json::fail(reason, "span " + hexId(span.span_id()) + " has no \"startTimeUnixNano\"");
    r.timestampMs = *start;
    if (const auto end = nanosToMs(span.end_time_unix_nano()); end && *end >= *start)
        r.latencyMs = *end - *start;
    r.promptTokens =
        firstInt(a, {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt"});
    r.completionTokens = firstInt(
        a, {"gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion"});
    return true;
}

// The 1.26 prompt and completion events, and the 1.27-1.36 message events, on the span itself.
void readEvents(simdjson::dom::parser &parser, const Span &span, MessageWriter &input, MessageWriter &output)
{
    for (const auto &event : span.events()) {
        const Attributes a = attributesOf(event.attributes());
        std::string json;
        if (event.name() == "gen_ai.content.prompt" && anyJson(a, "gen_ai.prompt", json))
            addPartsMessages(parser, json, input);
        else if (event.name() == "gen_ai.content.completion" && anyJson(a, "gen_ai.completion", json))
            addPartsMessages(parser, json, output);
        else
            addMessageEvent(parser, event.name(), a, nullptr, input, output);
    }
}

// The messages from wherever the span's conventions put them: the current JSON attributes, its
// events, the flattened attributes of 1.26 and OpenInference, or OpenInference's plain values.
void readMessages(simdjson::dom::parser &parser, const Span &span, const Attributes &a, MessageWriter &input,
                  MessageWriter &output)
{
    addContentAttributes(parser, a, input, output);
    readEvents(parser, span, input, output);
    if (input.empty())
        addIndexedMessages(a, "gen_ai.prompt.", "role", "content", input);
    if (output.empty())
        addIndexedMessages(a, "gen_ai.completion.", "role", "content", output);
    if (input.empty())
        addIndexedMessages(a, "llm.input_messages.", "message.role", "message.content", input);
    if (output.empty())
        addIndexedMessages(a, "llm.output_messages.", "message.role", "message.content", output);
    if (input.empty() && !anyText(a, "input.value").empty())
        input.add("user", anyText(a, "input.value"), {}, {});
    if (output.empty() && !anyText(a, "output.value").empty())
        output.add("assistant", anyText(a, "output.value"), {}, {});
}

// Content events sent as log records: their bodies hold the messages, or (for the newest
// operation-details event) their attributes hold the JSON attributes a span would.
void readLogEvents(simdjson::dom::parser &parser, const std::vector<GenAiSpanReader::LogRecord> &events,
                   MessageWriter &input, MessageWriter &output)
{
    for (const auto &event : events) {
        const Attributes a = attributesOf(event.attributes());
        if (event.event_name() == "gen_ai.client.inference.operation.details")
            addContentAttributes(parser, a, input, output);
        else
            addMessageEvent(parser, event.event_name(), a, event.has_body() ? &event.body() : nullptr, input,
                            output);
    }
}

// The first output message as the interaction's output.
void takeOutput(simdjson::dom::parser &parser, const MessageWriter &output, InteractionRecord &r)
{
    simdjson::dom::element root;
    simdjson::dom::array messages;
    std::string ignored;
    if (output.empty() || parser.parse(output.finish()).get(root) != simdjson::SUCCESS ||
        root.get_array().get(messages) != simdjson::SUCCESS)
        return;
    for (simdjson::dom::element message : messages) {
        json::readOutput(message, r, ignored);
        return;
    }
}

// The first of a list of finish reasons (JSON text, or one plain reason).
std::string firstReason(simdjson::dom::parser &parser, const std::string &json)
{
    simdjson::dom::element root;
    if (parser.parse(json).get(root) != simdjson::SUCCESS)
        return json;
    std::string_view first;
    if (simdjson::dom::array reasons; root.get_array().get(reasons) == simdjson::SUCCESS) {
        for (simdjson::dom::element item : reasons)
            if (item.get_string().get(first) == simdjson::SUCCESS)
                break;
    } else if (root.get_string().get(first) != simdjson::SUCCESS) {
        first = {};
    }
    return std::string(first);
}

// The finish reason: of the output messages, else the span's list of them, else "error" for a
// span whose status is an error.
void readFinishReason(simdjson::dom::parser &parser, const Span &span, const Attributes &a,
                      const MessageWriter &output, InteractionRecord &r)
{
    r.finishReason = output.lastFinishReason;
    if (std::string json; r.finishReason.empty() && anyJson(a, "gen_ai.response.finish_reasons", json))
        r.finishReason = firstReason(parser, json);
    if (r.finishReason.empty() && span.status().code() == pb::trace::v1::Status::STATUS_CODE_ERROR)
        r.finishReason = "error";
}

// The span's name, the service, the request settings worth keeping, and whether content came.
// "content_captured": false when no content came; true when it came in events (so a call first
// stored without content, then completed by late events, says so: metadata is merged on update).
void readMetadata(const Span &span, const Attributes &a, const std::string &service,
                  std::optional<bool> contentCaptured, InteractionRecord &r)
{
    json::MetadataBuilder metadata;
    if (!span.name().empty())
        metadata.addRaw("span_name", jsonString(span.name()));
    if (!service.empty())
        metadata.addRaw("service_name", jsonString(service));
    for (const char *key :
         {"gen_ai.provider.name", "gen_ai.system", "gen_ai.operation.name", "gen_ai.response.id",
          "gen_ai.request.temperature", "gen_ai.request.max_tokens", "gen_ai.request.top_p", "error.type",
          "llm.provider", "llm.invocation_parameters"}) {
        const auto it = a.find(key);
        if (it != a.end()) {
            std::string value;
            appendAny(value, *it->second);
            metadata.addRaw(key, value);
        }
    }
    if (!span.status().message().empty())
        metadata.addRaw("status_message", jsonString(span.status().message()));
    if (contentCaptured)
        metadata.addRaw("content_captured", *contentCaptured ? "true" : "false");
    metadata.finishInto(r.metadataJson);
}

void readAnnotations(const Attributes &a, const std::string &interactionId, ParsedLine &out)
{
    for (int index = 0;; ++index) {
        const std::string base = "annotations." + std::to_string(index) + ".annotation.";
        const auto get = [&](const char *key) {
            const auto it = a.find(base + key);
            if (it == a.end())
                return std::string();
            std::string value;
            if (it->second->value_case() == AnyValue::kStringValue)
                return it->second->string_value();
            appendAny(value, *it->second);
            return value;
        };
        const std::string name = get("name"), label = get("label"), score = get("score");
        if (name.empty() && label.empty() && score.empty())
            return;
        FeedbackRecord f;
        f.interactionExternalId = interactionId;
        f.eventId = interactionId + ":annotation:" + std::to_string(index);
        f.name = name;
        f.comment = get("explanation");
        f.origin = get("annotator_kind");
        f.label = label;
        if (!score.empty()) {
            f.kind = FeedbackKind::Rating;
            f.value = std::strtod(score.c_str(), nullptr);
        } else if (!label.empty()) {
            f.kind = FeedbackKind::Label;
        } else {
            continue;
        }
        out.feedback.push_back(std::move(f));
    }
}

// One hash for the same span whichever encoding brought it, so a retry is stored once.
quint64 spanHash(const Span &span, const std::string &service,
                 const std::vector<GenAiSpanReader::LogRecord> &events)
{
    std::string bytes;
    {
        google::protobuf::io::StringOutputStream stream(&bytes);
        google::protobuf::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        span.SerializeToCodedStream(&coded);
    }
    Hasher hasher;
    hasher.add(bytes).add(service);
    for (const auto &event : events)
        hasher.add(event.SerializeAsString());
    return hasher.digest64();
}

} // namespace

struct GenAiSpanReader::Parser {
    simdjson::dom::parser parser;
};

GenAiSpanReader::GenAiSpanReader()
    : m_json(std::make_unique<Parser>())
{}

GenAiSpanReader::~GenAiSpanReader() = default;

SpanRead GenAiSpanReader::read(const Span &span, const std::string &service, ParsedLine &out,
                               std::string &reason, const std::vector<LogRecord> &events)
{
    const Attributes a = attributesOf(span.attributes());
    if (!isLlmSpan(a))
        return SpanRead::NotModelCall;
    if (span.trace_id().empty() || span.span_id().empty()) {
        reason = "an LLM span needs \"traceId\" and \"spanId\"";
        return SpanRead::Unusable;
    }
    InteractionRecord r;
    if (!readIdentity(span, a, r, reason))
        return SpanRead::Unusable;
    MessageWriter input, output;
    readMessages(m_json->parser, span, a, input, output);
    if (input.empty() && output.empty())
        readLogEvents(m_json->parser, events, input, output);
    const bool contentCaptured = !input.empty() || !output.empty();
    r.inputJson = input.finish();
    takeOutput(m_json->parser, output, r);
    readFinishReason(m_json->parser, span, a, output, r);
    std::optional<bool> captured;
    if (!contentCaptured || !events.empty())
        captured = contentCaptured;
    readMetadata(span, a, service, captured, r);
    r.contentHash = spanHash(span, service, events);
    readAnnotations(a, r.externalId, out);
    out.interactions.push_back(std::move(r));
    return contentCaptured ? SpanRead::Read : SpanRead::ReadWithoutContent;
}

void GenAiSpanReader::readEventsOnly(const std::string &traceId, const std::string &spanId,
                                     const std::string &service, const std::vector<LogRecord> &events,
                                     ParsedLine &out, bool spanStored)
{
    InteractionRecord r;
    r.externalId = traceId + ":" + spanId;
    if (!spanStored)
        r.sessionId = traceId;
    quint64 firstNanos = 0;
    Hasher hasher;
    for (const auto &event : events) {
        const quint64 nanos =
            event.time_unix_nano() ? event.time_unix_nano() : event.observed_time_unix_nano();
        if (nanos && (!firstNanos || nanos < firstNanos))
            firstNanos = nanos;
        hasher.add(event.SerializeAsString());
    }
    r.timestampMs = nanosToMs(firstNanos).value_or(0);
    MessageWriter input, output;
    readLogEvents(m_json->parser, events, input, output);
    r.inputJson = input.finish();
    takeOutput(m_json->parser, output, r);
    r.finishReason = output.lastFinishReason;
    json::MetadataBuilder metadata;
    if (!service.empty())
        metadata.addRaw("service_name", jsonString(service));
    if (!spanStored)
        metadata.addRaw("span_missing", "true");
    if (input.empty() && output.empty())
        metadata.addRaw("content_captured", "false");
    else if (spanStored)
        metadata.addRaw("content_captured", "true");
    metadata.finishInto(r.metadataJson);
    r.contentHash = hasher.add(service).digest64();
    out.interactions.push_back(std::move(r));
}

bool GenAiSpanReader::isContentEvent(const LogRecord &record, std::string &name)
{
    name = record.event_name();
    if (name.empty())
        name = anyText(attributesOf(record.attributes()), "event.name");
    return name == "gen_ai.system.message" || name == "gen_ai.user.message" ||
           name == "gen_ai.assistant.message" || name == "gen_ai.tool.message" || name == "gen_ai.choice" ||
           name == "gen_ai.client.inference.operation.details";
}

} // namespace flywheel::otlp
