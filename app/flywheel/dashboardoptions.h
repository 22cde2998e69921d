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

} // namespace flywheel::cli
