#include "store/records.h"

#include <array>
#include <utility>

namespace flywheel {
namespace {

constexpr std::array<std::pair<Outcome, std::string_view>, 6> kOutcomes{{
    {Outcome::None, "none"},
    {Outcome::Accepted, "accepted"},
    {Outcome::Edited, "edited"},
    {Outcome::Regenerated, "regenerated"},
    {Outcome::Abandoned, "abandoned"},
    {Outcome::Copied, "copied"},
}};

constexpr std::array<std::pair<FeedbackKind, std::string_view>, 4> kFeedbackKinds{{
    {FeedbackKind::Thumbs, "thumbs"},
    {FeedbackKind::Rating, "rating"},
    {FeedbackKind::Comment, "comment"},
    {FeedbackKind::Label, "label"},
}};

template <typename Enum, size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table)
        if (candidate == value)
            return name;
    return {};
}

template <typename Enum, size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, std::string_view>, N> &table,
                            std::string_view name)
{
    for (const auto &[candidate, candidateName] : table)
        if (candidateName == name)
            return candidate;
    return std::nullopt;
}

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
