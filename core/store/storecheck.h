#pragma once

#include "util/result.h"

#include <QString>
#include <QStringList>

namespace flywheel {

/// A store's health, read without changing the file (`flywheel check`).
struct StoreHealth {
    int schemaVersion = 0;
    int latestSchemaVersion = 0;
    /// PRAGMA integrity_check's findings; empty when it says "ok".
    QStringList integrityProblems;
    /// Rows whose foreign key points nowhere (PRAGMA foreign_key_check), by table.
    QStringList foreignKeyProblems;
    /// Feedback events and corrections still waiting for their interaction (normal in small numbers).
    qint64 eventsAwaitingInteraction = 0;
    qint64 quarantinedLines = 0;
    qint64 quarantinedBytes = 0;
    /// Runs that never finished: their process died (ingest, curation).
    qint64 unfinishedRuns = 0;

    bool needsUpgrade() const { return schemaVersion < latestSchemaVersion; }
    bool healthy() const { return integrityProblems.isEmpty() && foreignKeyProblems.isEmpty(); }
};

/// Checks the store at @p path read-only. Fails when it cannot be read as a store at all (missing,
/// not SQLite, another application's database, or a newer schema).
Result<StoreHealth> checkStore(const QString &path);

} // namespace flywheel
