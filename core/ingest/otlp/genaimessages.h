#pragma once

// The chat messages of GenAI telemetry, from each place the conventions put them, written as
// OpenAI-style chat messages (the interaction's input and output).

#include "ingest/otlp/otlpvalues.h"

#include <simdjson.h>

#include <string>
#include <string_view>

namespace flywheel::otlp {

/// Builds a JSON array of {role, content, tool_calls, tool_call_id} messages.
class MessageWriter {
public:
    void add(std::string_view role, std::string_view content, const std::string &toolCalls,
             std::string_view toolCallId);
    bool empty() const { return m_out.size() <= 1; }
    std::string finish() const { return m_out + "]"; }

    /// The finish reason of the last message that named one.
    std::string lastFinishReason;

private:
    std::string m_out = "[";
};

/// Messages of the current conventions ({role, parts: [...]}, or OpenAI-style {role, content})
/// held as JSON text; false when @p json holds none.
bool addPartsMessages(simdjson::dom::parser &parser, const std::string &json, MessageWriter &writer);

/// The current conventions' content attributes: gen_ai.system_instructions, gen_ai.input.messages
/// and gen_ai.output.messages (on spans and on gen_ai.client.inference.operation.details events).
void addContentAttributes(simdjson::dom::parser &parser, const Attributes &a, MessageWriter &input,
                          MessageWriter &output);

/// Flattened messages ("<prefix><i>.<roleKey>", "<prefix><i>.<contentKey>", tool calls) of
/// the 1.26 conventions and OpenInference.
void addIndexedMessages(const Attributes &a, std::string_view prefix, std::string_view roleKey,
                        std::string_view contentKey, MessageWriter &writer);

/// The content of one message event (gen_ai.user.message and its kin, gen_ai.choice), whose body
/// or attributes hold it, added to @p input or @p output. False when @p name is no such event.
bool addMessageEvent(simdjson::dom::parser &parser, std::string_view name, const Attributes &a,
                     const AnyValue *body, MessageWriter &input, MessageWriter &output);

} // namespace flywheel::otlp
