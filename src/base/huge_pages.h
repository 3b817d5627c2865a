// SPDX-License-Identifier: Apache-2.0
#pragma once
// Transparent huge pages for large buffers.

#include <cstddef>

namespace relupkit::detail {

/// The size of a transparent huge page on the platforms this asks for them.
inline constexpr size_t kHugePageBytes = size_t(2) << 20;

/// `bytes` rounded up to whole huge pages.
inline constexpr size_t round_up_to_huge_pages(size_t bytes) {
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

/// Asks the kernel to back the whole 2 MiB pages inside [p, p + bytes) with
/// transparent huge pages when they are first touched (MADV_HUGEPAGE). A large
/// buffer filled once then costs a few page faults instead of one per 4 KiB:
/// on the benchmark relup the kernel's faulting was a fifth of a parse or a
/// print. Advice only: it does nothing where huge pages are off, on small
/// ranges, or off Linux. Used on buffers of a few MiB and up.
void advise_huge_pages(void* p, size_t bytes);

/// Asks the kernel to fault in now, in one call, the whole 4 KiB pages inside
/// [p, p + bytes), as if each had been written (MADV_POPULATE_WRITE, Linux 5.14
/// and later; elsewhere, or on small ranges, it does nothing). For buffers
/// that are about to be filled: on the virtual machines this was measured on,
/// a page faulted in by a write costs about 17 us and one populated this way
/// about 8 (an 8 MiB buffer, three runs each). The memory is the process's
/// either way once written; only what is never written would cost more.
void populate(void* p, size_t bytes);

/// Memory for `bytes` (a multiple of kHugePageBytes) aligned to a huge page
/// and advised as above, or nullptr (then the caller allocates as it would
/// have). Free it with std::free. For the large buffers that are filled from
/// the start: each 2 MiB then costs one page fault instead of 512, and on the
/// virtual machines this was measured on a 4 KiB fault costs about 11 us and a
/// 2 MiB one about 125 us. It comes from malloc (aligned_alloc), not from a
/// mapping of its own, so that a process that parses or prints again gets the
/// same memory back, already faulted in, as it would from a plain malloc.
void* allocate_huge(size_t bytes);

/// A mapping of `bytes` (a multiple of kHugePageBytes), aligned to a huge
/// page and advised as above, or nullptr (off Linux, or when mmap fails); its
/// contents are undefined. Free it with unmap_huge_pages(p, bytes), which keeps
/// up to 64 MiB of such mappings for the next calls of the same size, so that
/// a process that parses again reuses its arena's pages rather than having the
/// kernel fault and zero them afresh (about 4% of a parse of the bench relup);
/// the first parse in a process, and so its peak memory, is as it was. For
/// the AST's arena chunks.
void* map_huge_pages(size_t bytes);
void unmap_huge_pages(void* p, size_t bytes);
/// Unmaps the mappings unmap_huge_pages() kept (Arena::release_cached_chunks()).
void release_cached_mappings();
/// Bytes of mappings kept for reuse now.
size_t cached_mapping_bytes();

} // namespace relupkit::detail
