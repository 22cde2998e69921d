#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace flywheel {

/// A table of enum values and the names they have in files and on the command line.
template <typename Enum, size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

/// The name of @p value in @p table, or an empty view.
template <typename Enum, size_t N>
std::string_view nameOf(const EnumNames<Enum, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table)
        if (candidate == value)
            return name;
    return {};
}

/// The value named @p name in @p table.
template <typename Enum, size_t N>
std::optional<Enum> valueOf(const EnumNames<Enum, N> &table, std::string_view name)
{
    for (const auto &[candidate, candidateName] : table)
        if (candidateName == name)
            return candidate;
    return std::nullopt;
}

/// Every name in @p table, in its order (for messages that list the choices).
template <typename Enum, size_t N>
std::vector<std::string_view> namesOf(const EnumNames<Enum, N> &table)
{
    std::vector<std::string_view> names;
    for (const auto &entry : table)
        names.push_back(entry.second);
    return names;
}

} // namespace flywheel
