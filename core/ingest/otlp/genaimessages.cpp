#include "ingest/otlp/genaimessages.h"

#include "util/jsontext.h"

#include <cstdlib>
#include <map>

namespace flywheel::otlp {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;

std::string_view stringOr(simdjson::simdjson_result<element> value, std::string_view fallback = {})
{
    std::string_view text;
    return value.get_string().get(text) == simdjson::SUCCESS ? text : fallback;
}

std::string_view stringOr(element value, std::string_view fallback = {})
{
    std::string_view text;
    return value.get_string().get(text) == simdjson::SUCCESS ? text : fallback;
}

// A value that may be a string or structured JSON, as text (tool arguments, tool results).
std::string textOrJson(element value)
{
    return value.type() == element_type::STRING ? std::string(value.get_string().value_unsafe())
                                                : simdjson::minify(value);
}

std::string toolCall(std::string_view id, std::string_view name, const std::string &arguments)
{
    std::string call = "{";
    if (!id.empty())
        call += R"("id":)" + jsonString(id) + ",";
    return call + R"("type":"function","function":{"name":)" + jsonString(name) + R"(,"arguments":)" +
           jsonString(arguments) + "}}";
}

// One part of a message of the current conventions, into its text, tool calls or tool call id.
void addPart(element part, std::string &text, std::string &toolCalls, std::string &toolCallId)
{
    const std::string_view type = stringOr(part["type"]);
    element value;
    if (type == "text" && part["content"].get(value) == simdjson::SUCCESS) {
        text += stringOr(value);
    } else if (type == "tool_call") {
        const std::string arguments =
            part["arguments"].get(value) == simdjson::SUCCESS ? textOrJson(value) : std::string("{}");
        toolCalls += toolCalls.empty() ? "" : ",";
        toolCalls += toolCall(stringOr(part["id"]), stringOr(part["name"]), arguments);
    } else if (type == "tool_call_response") {
        toolCallId = stringOr(part["id"]);
        if (part["response"].get(value) == simdjson::SUCCESS ||
            part["result"].get(value) == simdjson::SUCCESS)
            text += textOrJson(value);
    }
}

// OpenAI-style tool calls ([{id, type, function: {name, arguments}}]) as given.
std::string openAiToolCalls(element message)
{
    array calls;
    if (message["tool_calls"].get_array().get(calls) != simdjson::SUCCESS)
        return {};
    std::string out;
    for (element call : calls) {
        element arguments;
        const std::string args = call["function"]["arguments"].get(arguments) == simdjson::SUCCESS
                                     ? textOrJson(arguments)
                                     : std::string("{}");
        out += out.empty() ? "" : ",";
        out += toolCall(stringOr(call["id"]), stringOr(call["function"]["name"]), args);
    }
    return out;
}

// One message: {role, parts} of the current conventions, or {role, content, tool_calls}.
void addMessage(element message, std::string_view defaultRole, MessageWriter &writer)
{
    const std::string_view role = stringOr(message["role"], defaultRole);
    std::string text, toolCalls, toolCallId;
    array parts;
    element content;
    if (message["parts"].get_array().get(parts) == simdjson::SUCCESS) {
        for (element part : parts)
            addPart(part, text, toolCalls, toolCallId);
    } else {
        const bool hasContent = message["content"].get(content) == simdjson::SUCCESS;
        if (hasContent)
            text = content.type() == element_type::NULL_VALUE ? std::string() : textOrJson(content);
        toolCalls = openAiToolCalls(message);
        toolCallId = stringOr(message["tool_call_id"], stringOr(message["id"]));
        // An event of an instrumentation that does not capture content: {} or {"role": ...}.
        if (!hasContent && toolCalls.empty())
            return;
    }
    const std::string_view finish = stringOr(message["finish_reason"]);
    if (!finish.empty())
        writer.lastFinishReason = finish;
    writer.add(role, text, toolCalls, toolCallId);
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
        if (it->second->value_case() == AnyValue::kStringValue)
            value = it->second->string_value();
        else
            appendAny(value, *it->second);
        items[index][std::string(rest.substr(dot + 1))] = value;
    }
    return items;
}

std::string indexedToolCalls(const std::map<std::string, std::string> &fields)
{
    std::string toolCalls;
    for (int j = 0;; ++j) {
        const std::string base = "message.tool_calls." + std::to_string(j) + ".tool_call.function.";
        const auto name = fields.find(base + "name");
        if (name == fields.end())
            return toolCalls;
        const auto args = fields.find(base + "arguments");
        toolCalls += j ? "," : "";
        toolCalls += toolCall({}, name->second, args == fields.end() ? "{}" : args->second);
    }
}

// An event's fields as one JSON object: its body when it has a structured one (the log events),
// else its attributes (the 1.27-1.36 span events), whose "message" holds JSON text.
std::string eventFields(const Attributes &a, const AnyValue *body)
{
    std::string json;
    if (body && body->value_case() == AnyValue::kKvlistValue) {
        appendAny(json, *body);
        return json;
    }
    json = "{";
    for (const auto &[key, value] : a) {
        json += json.size() > 1 ? "," : "";
        appendJsonString(json, key);
        json += ':';
        if (key == "message" && value->value_case() == AnyValue::kStringValue)
            json += value->string_value();
        else
            appendAny(json, *value);
    }
    if (body && body->value_case() == AnyValue::kStringValue) {
        json += json.size() > 1 ? "," : "";
        json += "\"content\":";
        appendJsonString(json, body->string_value());
    }
    return json + "}";
}

// System instructions: a list of parts ([{type: "text", content}]) or, as some send, plain text.
void addSystemInstructions(simdjson::dom::parser &parser, const std::string &json, MessageWriter &input)
{
    element root;
    array parts;
    if (parser.parse(json).get(root) != simdjson::SUCCESS ||
        root.get_array().get(parts) != simdjson::SUCCESS) {
        if (!json.empty())
            input.add("system", json, {}, {});
        return;
    }
    std::string text, ignored, ignoredId;
    for (element part : parts)
        addPart(part, text, ignored, ignoredId);
    if (!text.empty())
        input.add("system", text, {}, {});
}

} // namespace

void MessageWriter::add(std::string_view role, std::string_view content, const std::string &toolCalls,
                        std::string_view toolCallId)
{
    m_out += m_out.size() > 1 ? ",{\"role\":" : "{\"role\":";
    appendJsonString(m_out, role);
    m_out += ",\"content\":";
    // A message of tool calls only has no text, as in OpenAI's own encoding.
    if (content.empty() && !toolCalls.empty())
        m_out += "null";
    else
        appendJsonString(m_out, content);
    if (!toolCalls.empty())
        m_out += ",\"tool_calls\":[" + toolCalls + "]";
    if (!toolCallId.empty()) {
        m_out += ",\"tool_call_id\":";
        appendJsonString(m_out, toolCallId);
    }
    m_out += '}';
}

bool addPartsMessages(simdjson::dom::parser &parser, const std::string &json, MessageWriter &writer)
{
    element root;
    array list;
    if (parser.parse(json).get(root) != simdjson::SUCCESS || root.get_array().get(list) != simdjson::SUCCESS)
        return false;
    for (element message : list)
        addMessage(message, "user", writer);
    return !writer.empty();
}

void addContentAttributes(simdjson::dom::parser &parser, const Attributes &a, MessageWriter &input,
                          MessageWriter &output)
{
    std::string json;
    if (anyJson(a, "gen_ai.system_instructions", json))
        addSystemInstructions(parser, json, input);
    if (anyJson(a, "gen_ai.input.messages", json))
        addPartsMessages(parser, json, input);
    if (anyJson(a, "gen_ai.output.messages", json))
        addPartsMessages(parser, json, output);
}

void addIndexedMessages(const Attributes &a, std::string_view prefix, std::string_view roleKey,
                        std::string_view contentKey, MessageWriter &writer)
{
    for (const auto &[index, fields] : indexed(a, prefix)) {
        const auto role = fields.find(std::string(roleKey));
        const auto content = fields.find(std::string(contentKey));
        const std::string toolCalls = indexedToolCalls(fields);
        if (content != fields.end() || !toolCalls.empty())
            writer.add(role == fields.end() ? "user" : role->second,
                       content == fields.end() ? "" : content->second, toolCalls, {});
        const auto finish = fields.find("finish_reason");
        if (finish != fields.end())
            writer.lastFinishReason = finish->second;
    }
}

bool addMessageEvent(simdjson::dom::parser &parser, std::string_view name, const Attributes &a,
                     const AnyValue *body, MessageWriter &input, MessageWriter &output)
{
    const bool roleEvent = name == "gen_ai.system.message" || name == "gen_ai.user.message" ||
                           name == "gen_ai.assistant.message" || name == "gen_ai.tool.message";
    if (!roleEvent && name != "gen_ai.choice")
        return false;
    element fields;
    if (parser.parse(eventFields(a, body)).get(fields) != simdjson::SUCCESS)
        return true; // an event of ours whose fields are not JSON: nothing to add
    if (roleEvent) {
        const std::string_view role = name.substr(7, name.size() - 15); // gen_ai.<role>.message
        addMessage(fields, role, input);
        return true;
    }
    element message;
    if (fields["message"].get(message) == simdjson::SUCCESS && message.is_object())
        addMessage(message, "assistant", output);
    const std::string_view finish = stringOr(fields["finish_reason"]);
    if (!finish.empty())
        output.lastFinishReason = finish;
    return true;
}

} // namespace flywheel::otlp
