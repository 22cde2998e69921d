#pragma once

#include "util/result.h"

#include <QDate>
#include <QString>

#include <optional>

namespace flywheel {

/// The interaction times a filter takes: from fromMs (included) up to toMs (excluded), in epoch
/// milliseconds; an end left out is open. Every --from/--to of the command line and both date
/// filters of the studio make theirs the same way (docs/review.md, "Dates"):
/// - a date (YYYY-MM-DD) is a UTC day: --from starts at its first millisecond, --to takes the day
///   whole (the range ends where the next day starts);
/// - an RFC 3339 time is that instant: --from starts at it, --to takes it (and ends just after).
struct TimeRange {
    std::optional<qint64> fromMs;
    std::optional<qint64> toMs;

    bool isOpen() const { return !fromMs && !toMs; }
    bool contains(qint64 ms) const { return (!fromMs || ms >= *fromMs) && (!toMs || ms < *toMs); }

    /// The UTC days @p first to @p last, both included; an invalid date leaves that end open.
    static TimeRange ofDays(const QDate &first, const QDate &last);
    /// The first and the last UTC day the range touches; invalid where it is open. The dashboard
    /// counts whole days, and the date boxes show these.
    QDate firstDay() const;
    QDate lastDay() const;

    bool operator==(const TimeRange &) const = default;
};

/// Reads the two ends as the options --from and --to give them (an empty text leaves its end
/// open). The error names the option, what it takes, and a --to before --from.
Result<TimeRange> parseTimeRange(const QString &from, const QString &to);

/// The epoch milliseconds at which UTC day @p day starts.
qint64 startOfUtcDay(const QDate &day);
/// The UTC day of @p ms.
QDate utcDateOf(qint64 ms);

} // namespace flywheel
