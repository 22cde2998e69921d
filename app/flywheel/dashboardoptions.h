#pragma once

// The dashboard's filter on the command line, shared by `stats` and `report`.

#include "metrics/dashboard.h"

#include <QCommandLineParser>

namespace flywheel::cli {

/// --from, --to, --model-version and --segment; with @p bucket, also --bucket day|week. Each
/// description starts with @p prefix.
void addDashboardOptions(QCommandLineParser &parser, const QString &prefix, bool bucket);

/// Reads those options (--bucket too with @p bucket) into @p filter; a message for the user when one
/// is wrong, else empty.
QString readDashboardOptions(const QCommandLineParser &parser, DashboardFilter &filter, bool bucket);

/// --from and --to as a half-open range of epoch milliseconds, for filters on each interaction's
/// time: a date in --to takes in that whole day. Zero where an option is absent. A message for the
/// user when one is wrong or --to is not after --from, else empty.
QString readTimeRange(const QCommandLineParser &parser, qint64 &fromMs, qint64 &toMs);

} // namespace flywheel::cli
