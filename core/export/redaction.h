#pragma once

#include "curate/personaldata.h"

#include <string>
#include <string_view>
#include <vector>

namespace flywheel {

/// @p text with each span (offsets in code points, as curation stores them) replaced by its kind
/// in brackets: "write to [EMAIL] today". Overlapping spans are merged; spans past the end are
/// ignored.
std::string redact(std::string_view text, std::vector<PersonalDataSpan> spans);

} // namespace flywheel
