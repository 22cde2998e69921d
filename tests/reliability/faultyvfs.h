#pragma once

// A SQLite VFS for tests that fails writes on demand, in the spirit of SQLite's own I/O-error tests:
// it wraps the default VFS and becomes the default, so every connection this process opens goes
// through it. Arm it with the number of writes (xWrite or xSync calls) to let through; the next one
// fails with SQLITE_IOERR_WRITE (or SQLITE_IOERR_FSYNC), and so does every one after it until it is
// disarmed, like a disk that went bad.

namespace flywheel::testing {

/// Registers the VFS as the process's default (once).
void installFaultyVfs();
/// Lets @p writes writes through, then fails every write; -1 disarms it (and keeps the counts).
void armFaultyVfs(int writes);
/// Writes and syncs the VFS let through since it was last armed.
int faultyVfsWrites();
/// Whether it has failed a write since it was last armed.
bool faultyVfsFailed();

} // namespace flywheel::testing
