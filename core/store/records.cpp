#include "store/records.h"

#include "util/enumnames.h"

namespace flywheel {
namespace {

constexpr EnumNames<Outcome, 6> kOutcomes{{
    {Outcome::None, "none"},
    {Outcome::Accepted, "accepted"},
    {Outcome::Edited, "edited"},
    {Outcome::Regenerated, "regenerated"},
    {Outcome::Abandoned, "abandoned"},
    {Outcome::Copied, "copied"},
}};

constexpr EnumNames<FeedbackKind, 4> kFeedbackKinds{{
    {FeedbackKind::Thumbs, "thumbs"},
    {FeedbackKind::Rating, "rating"},
    {FeedbackKind::Comment, "comment"},
    {FeedbackKind::Label, "label"},
}};

} // namespace

std::string_view outcomeName(Outcome outcome)
{
    return nameOf(kOutcomes, outcome);
}

std::optional<Outcome> outcomeFromName(std::string_view name)
{
    return valueOf(kOutcomes, name);
}

std::string_view feedbackKindName(FeedbackKind kind)
{
    return nameOf(kFeedbackKinds, kind);
}

std::optional<FeedbackKind> feedbackKindFromName(std::string_view name)
{
    return valueOf(kFeedbackKinds, name);
}

} // namespace flywheel
