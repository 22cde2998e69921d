#pragma once

#include <cstddef>

namespace flywheel {

/// Keeps the memory that large working sets (a curation run's million rows, its candidate lists)
/// free in the heap for reuse, instead of returning it to the kernel and faulting it back in at
/// the next allocation: on a virtual machine the page faults cost up to a quarter of a curation
/// run. Call once at the start of a program.
void keepFreedMemoryForReuse();

/// Blocks of at least this size get their own mapping, on transparent huge pages where the kernel
/// offers them (2 MB pages: one fault where there would be 512).
inline constexpr std::size_t kHugePageBlock = std::size_t(4) << 20;
/// @p bytes of memory: mapped and advised for huge pages from kHugePageBlock on, else from the
/// heap. Throws std::bad_alloc when there is none.
void *allocateLarge(std::size_t bytes);
/// Frees what allocateLarge(@p bytes) gave.
void freeLarge(void *block, std::size_t bytes) noexcept;

/// For the vectors of a million elements a curation run fills once: their pages are faulted in
/// 2 MB at a time instead of 4 kB.
template <typename T>
struct LargeBlockAllocator {
    using value_type = T;

    LargeBlockAllocator() = default;
    template <typename U>
    LargeBlockAllocator(const LargeBlockAllocator<U> &) noexcept
    {}

    T *allocate(std::size_t n) { return static_cast<T *>(allocateLarge(n * sizeof(T))); }
    void deallocate(T *block, std::size_t n) noexcept { freeLarge(block, n * sizeof(T)); }

    template <typename U>
    bool operator==(const LargeBlockAllocator<U> &) const noexcept
    {
        return true;
    }
};

} // namespace flywheel
