#pragma once

// The dashboard's filter on the command line, shared by `stats` and `report`.

#include "metrics/dashboard.h"

#include <QCommandLineParser>

namespace flywheel::cli {

/// --from and --to, described alike by every command; @p what names what they select.
QCommandLineOption fromOption(const QString &what);
QCommandLineOption toOption(const QString &what);

/// --from, --to, --model-version and --segment; with @p bucket, also --bucket day|week. Each
/// description starts with @p prefix.
void addDashboardOptions(QCommandLineParser &parser, const QString &prefix, bool bucket);

/// Reads those options (--bucket too with @p bucket) into @p filter; a message for the user when one
/// is wrong, else empty.
QString readDashboardOptions(const QCommandLineParser &parser, DashboardFilter &filter, bool bucket);

/// --from and --to, read as every command reads them (core/util/timerange.h): a date is a UTC day
/// and --to takes it whole. A message for the user when one is wrong or --to is before --from,
/// else empty.
QString readTimeRange(const QCommandLineParser &parser, TimeRange &range);

} // namespace flywheel::cli
