#pragma once

#include <QtGlobal>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// Text as duplicates are compared: Unicode NFKC, case-folded (Unicode simple case folding, as
/// Qt does it: "ß" stays), every run of whitespace one space, trimmed. ASCII text (most of it) takes a fast
/// path with the same result.
std::string normalizeText(std::string_view utf8);

/// The user's words in a stored input (a JSON array of chat messages): the text of its user
/// messages, joined by newlines. System prompts, shared by every call, are left out so they do not
/// make all inputs look alike.
std::string userTextOf(std::string_view inputJson);

/// Calls @p visit(index, role, text) for each message of a stored input whose content has text
/// (a string, or the text parts of a list of parts, joined by spaces).
void forEachMessageText(std::string_view inputJson,
                        const std::function<void(qint64, std::string_view, std::string_view)> &visit);

/// One message of a stored input, as exports write it.
struct InputMessage {
    std::string role;
    /// The content's text: a string, or the text parts of a list of parts joined by spaces (the
    /// text personal-data offsets refer to).
    std::string text;
    /// Minified JSON of the message's tool_calls list, when it has one.
    std::string toolCallsJson;
    std::string toolCallId;
    std::string name;
};

/// Every message of a stored input (a JSON list of chat messages), in order; empty when the input
/// is not such a list.
std::vector<InputMessage> inputMessages(std::string_view inputJson);

/// Characters (Unicode code points) in UTF-8 text.
qint64 codePoints(std::string_view utf8);

} // namespace flywheel
