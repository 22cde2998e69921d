#include "util/allocator.h"

#include <malloc.h>
#include <sys/mman.h>

#include <new>

namespace flywheel {
namespace {

constexpr std::size_t kHugePage = std::size_t(2) << 20;

std::size_t mappedSize(std::size_t bytes)
{
    return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

} // namespace

void keepFreedMemoryForReuse()
{
    // Blocks up to 32 MB (glibc's ceiling) come from the heap rather than from their own mapping,
    // and up to 1 GB of free heap stays mapped.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
}

void *allocateLarge(std::size_t bytes)
{
    if (bytes < kHugePageBlock)
        return ::operator new(bytes);
    void *block =
        mmap(nullptr, mappedSize(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED)
        throw std::bad_alloc();
    // Advice only: where the kernel has no huge pages to give, small ones serve as before.
    (void)madvise(block, mappedSize(bytes), MADV_HUGEPAGE);
    return block;
}

void freeLarge(void *block, std::size_t bytes) noexcept
{
    if (!block)
        return;
    if (bytes < kHugePageBlock)
        ::operator delete(block);
    else
        munmap(block, mappedSize(bytes));
}

} // namespace flywheel
