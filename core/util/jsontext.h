#pragma once

#include <string>
#include <string_view>

namespace flywheel {

/// Appends @p text to @p out as a JSON string literal (quotes included), escaping as RFC 8259 asks.
void appendJsonString(std::string &out, std::string_view text);

/// The JSON string literal for @p text.
std::string jsonString(std::string_view text);

} // namespace flywheel
