#include "curate/flags.h"

#include "util/enumnames.h"

namespace flywheel {
namespace {

struct FlagInfo {
    FlagReason reason;
    std::string_view name;
    double priority;
};

// Ordered by how much a reviewer's minute is worth on them: disagreements and corrections teach
// the most, personal data must not reach a training set.
constexpr FlagInfo kFlags[] = {
    {FlagReason::ConflictingSignals, "conflicting_signals", 0.90},
    {FlagReason::PersonalData, "personal_data", 0.85},
    {FlagReason::CorrectionToReview, "correction_to_review", 0.80},
    {FlagReason::ContentFiltered, "content_filtered", 0.70},
    {FlagReason::FailedCall, "failed_call", 0.60},
    {FlagReason::EmptyOutput, "empty_output", 0.60},
    {FlagReason::NovelInput, "novel_input", 0.55},
    {FlagReason::TruncatedOutput, "truncated_output", 0.50},
    {FlagReason::RepeatsInput, "repeats_input", 0.50},
    {FlagReason::UnderCoveredSegment, "under_covered_segment", 0.45},
    {FlagReason::LatencyOutlier, "latency_outlier", 0.40},
};

const FlagInfo &info(FlagReason reason)
{
    for (const FlagInfo &flag : kFlags)
        if (flag.reason == reason)
            return flag;
    return kFlags[0];
}

} // namespace

std::string_view flagReasonName(FlagReason reason)
{
    return info(reason).name;
}

double basePriority(FlagReason reason)
{
    return info(reason).priority;
}

std::optional<FlagReason> flagReasonFromName(std::string_view name)
{
    for (const FlagInfo &flag : kFlags)
        if (flag.name == name)
            return flag.reason;
    return std::nullopt;
}

std::vector<std::string_view> flagReasonNames()
{
    std::vector<std::string_view> names;
    for (const FlagInfo &flag : kFlags)
        names.push_back(flag.name);
    return names;
}

bool needsWholeStore(FlagReason reason)
{
    return reason == FlagReason::LatencyOutlier || reason == FlagReason::NovelInput ||
           reason == FlagReason::UnderCoveredSegment;
}

} // namespace flywheel
