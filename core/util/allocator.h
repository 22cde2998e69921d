#pragma once

namespace flywheel {

/// Keeps the memory that large working sets (a curation run's million rows, its candidate lists)
/// free in the heap for reuse, instead of returning it to the kernel and faulting it back in at
/// the next allocation: on a virtual machine the page faults cost up to a quarter of a curation
/// run. Call once at the start of a program.
void keepFreedMemoryForReuse();

} // namespace flywheel
