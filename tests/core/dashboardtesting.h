#pragma once

// What the dashboard's tests share: UTC times and comparing rates.

#include <QDateTime>

#include <cmath>

namespace flywheel::testing {

inline qint64 utc(int year, int month, int day, int hour = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), Qt::UTC).toMSecsSinceEpoch();
}

inline bool near(double a, double b)
{
    return std::abs(a - b) < 1e-9;
}

} // namespace flywheel::testing
