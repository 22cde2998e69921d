#pragma once

#include "util/result.h"

#include <QString>

namespace flywheel {

/// Copies the store at @p from to a new file @p to with SQLite's online backup API: the copy is one
/// consistent snapshot, while ingests, the collector and the studio keep working on the store. The
/// copy is written beside @p to and renamed into place when complete, so a failed backup leaves
/// no partial file; an existing @p to is never overwritten.
Status backupStore(const QString &from, const QString &to);

} // namespace flywheel
