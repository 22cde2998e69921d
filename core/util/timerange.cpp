#include "util/timerange.h"

#include "util/timestamps.h"

#include <QDateTime>
#include <QTimeZone>

namespace flywheel {
namespace {

// One end: an RFC 3339 time, or a date. The end of a range is excluded, so the millisecond after
// a time and the start of the next day after a date.
Result<qint64> parseEnd(const QString &option, const QString &text, bool isEnd)
{
    if (const auto time = parseRfc3339(text.trimmed().toStdString()))
        return isEnd ? *time + 1 : *time;
    // Exactly YYYY-MM-DD: Qt's ISO reading would also take a time without a zone, which is ambiguous.
    const QDate day = text.trimmed().size() == 10 ? QDate::fromString(text.trimmed(), Qt::ISODate) : QDate();
    if (!day.isValid())
        return Error{QStringLiteral("--%1 takes a date (YYYY-MM-DD, a UTC day) or an RFC 3339 time "
                                    "(2026-11-03T14:00:00Z), not \"%2\"")
                         .arg(option, text)};
    return startOfUtcDay(isEnd ? day.addDays(1) : day);
}

} // namespace

qint64 startOfUtcDay(const QDate &day)
{
    return QDateTime(day, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

QDate utcDateOf(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).date();
}

TimeRange TimeRange::ofDays(const QDate &first, const QDate &last)
{
    TimeRange range;
    if (first.isValid())
        range.fromMs = startOfUtcDay(first);
    if (last.isValid())
        range.toMs = startOfUtcDay(last.addDays(1));
    return range;
}

QDate TimeRange::firstDay() const
{
    return fromMs ? utcDateOf(*fromMs) : QDate();
}

QDate TimeRange::lastDay() const
{
    // The end is excluded: the last day is that of its last millisecond.
    return toMs ? utcDateOf(*toMs - 1) : QDate();
}

Result<TimeRange> parseTimeRange(const QString &from, const QString &to)
{
    TimeRange range;
    if (!from.trimmed().isEmpty()) {
        auto start = parseEnd(QStringLiteral("from"), from, false);
        if (!start)
            return start.error();
        range.fromMs = *start;
    }
    if (!to.trimmed().isEmpty()) {
        auto end = parseEnd(QStringLiteral("to"), to, true);
        if (!end)
            return end.error();
        range.toMs = *end;
    }
    if (range.fromMs && range.toMs && *range.toMs <= *range.fromMs)
        return Error{QStringLiteral("--to must not be before --from (%1 is before %2)").arg(to, from)};
    return range;
}

} // namespace flywheel
