#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace flywheel {

/// Why an interaction needs a person's eyes (docs/curation.md, "Flags"). The review queue is the
/// flags in priority order.
enum class FlagReason {
    ConflictingSignals,  ///< signals disagree: thumbs up but edited, accepted then corrected, ...
    CorrectionToReview,  ///< a correction nobody has reviewed yet
    PersonalData,        ///< e-mail, phone, card, IBAN, IP address or secret in the text
    FailedCall,          ///< finish reason "error"
    ContentFiltered,     ///< finish reason "content_filter"
    TruncatedOutput,     ///< finish reason "length"
    EmptyOutput,         ///< no output, or shorter than the rules' minimum
    RepeatsInput,        ///< the output mostly repeats the input
    LatencyOutlier,      ///< far slower than its model version usually is
    NovelInput,          ///< an input seen once, in an under-covered segment
    UnderCoveredSegment, ///< unlabeled, in a segment whose curated share lags its traffic share
};

std::string_view flagReasonName(FlagReason reason);
std::optional<FlagReason> flagReasonFromName(std::string_view name);
/// Every reason's name, from the most valuable to review to the least.
std::vector<std::string_view> flagReasonNames();
/// Whether the flag needs the whole store (latency of the model version, segment coverage) rather
/// than the interaction alone.
bool needsWholeStore(FlagReason reason);
/// The reason's base priority in [0, 1]; segment hardness raises it.
double basePriority(FlagReason reason);

} // namespace flywheel
