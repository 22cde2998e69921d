#pragma once

#include <QString>

namespace flywheel {

/// Whether @p file is the store at @p storePath or its -wal or -shm file. Reading one of them outside
/// SQLite in a process that has the store open drops that process's locks on it when the file is
/// closed (docs/reliability.md, "Connections and checkpoints"), so no command may read them as input.
bool isStoreFile(const QString &file, const QString &storePath);

/// The store the studio and the command line open when none is named (and $FLYWHEEL_STORE is
/// unset): store.flywheel in the user's application data folder.
QString userStoreFile();

} // namespace flywheel
