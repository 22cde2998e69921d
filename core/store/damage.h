#pragma once

#include <QString>

#include <functional>

namespace flywheel {

/// What this process knows of damaged store files. SQLite's word that a file is damaged
/// (SQLITE_CORRUPT or SQLITE_NOTADB from any connection, in any thread) is recorded once per file;
/// from then on no connection of this process commits to that file, so nothing more is written
/// over the damage, and the listeners are told at once.
namespace damage {

/// Whether @p extendedCode (an SQLite result code) says the file itself is damaged.
bool isDamageCode(int extendedCode);

/// Records that @p path is damaged, with SQLite's message; the first report per file tells the listeners.
void report(const QString &path, const QString &message);
bool isDamaged(const QString &path);
/// SQLite's first message for @p path, empty when it is not known to be damaged.
QString firstMessage(const QString &path);

/// What every refused write says: the store is damaged and how to copy out what is readable.
QString refusalMessage(const QString &path);

/// Called from the thread that met the damage; returns an id for removeListener(), after which the
/// listener is never called again.
using Listener = std::function<void(const QString &path, const QString &message)>;
int addListener(Listener listener);
void removeListener(int id);

/// Forgets every report: for a process that recovered the file under the same name, and for tests.
void forget(const QString &path);

} // namespace damage
} // namespace flywheel
