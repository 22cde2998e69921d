#include "util/allocator.h"

#include <malloc.h>

namespace flywheel {

void keepFreedMemoryForReuse()
{
    // Blocks up to 32 MB (glibc's ceiling) come from the heap rather than from their own mapping,
    // and up to 1 GB of free heap stays mapped.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
}

} // namespace flywheel
