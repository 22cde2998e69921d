#pragma once

#include <string_view>

namespace flywheel {

/// Compares in time independent of where the strings differ, so a token cannot be guessed byte by
/// byte from response times. An empty @p expected matches nothing.
inline bool sameSecret(std::string_view given, std::string_view expected)
{
    unsigned char difference = given.size() == expected.size() ? 0 : 1;
    for (size_t i = 0; i < given.size(); ++i)
        difference |=
            static_cast<unsigned char>(given[i] ^ expected[i % (expected.empty() ? 1 : expected.size())]);
    return difference == 0 && !expected.empty();
}

} // namespace flywheel
