#pragma once

#include <QtGlobal>

#include <optional>
#include <string>
#include <string_view>

namespace flywheel {

/// Parses an RFC 3339 date-time ("2026-11-01T12:30:05.123Z", "2026-11-01 12:30:05+02:00") to UTC
/// epoch milliseconds. The UTC offset is required: a time without one is ambiguous. Fractions
/// beyond milliseconds are truncated.
std::optional<qint64> parseRfc3339(std::string_view text);

/// Formats UTC epoch milliseconds as RFC 3339 with millisecond precision and a Z suffix.
std::string formatRfc3339(qint64 epochMs);

/// Epoch milliseconds below this are taken for seconds sent by mistake (1973-03-03 in ms).
constexpr qint64 kSmallestEpochMs = 100'000'000'000;

} // namespace flywheel
