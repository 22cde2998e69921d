#pragma once

#include <QtGlobal>

#include <functional>
#include <string>
#include <string_view>

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

/// Characters (Unicode code points) in UTF-8 text.
qint64 codePoints(std::string_view utf8);

} // namespace flywheel
