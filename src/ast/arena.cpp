// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/arena.h"

#include <new>

#include "base/huge_pages.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace relupkit::ast {

void Arena::Free::operator()(char* p) const {
#if defined(__linux__)
  if (mapped != 0) {
    munmap(p, mapped);
    return;
  }
#endif
  std::free(p);
}

Arena::Chunk Arena::allocate_chunk(size_t size) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // A chunk of whole 2 MiB pages is mapped on its own, aligned, and marked for
  // transparent huge pages: a large file's AST then costs a few faults instead
  // of one per 4 KiB page (about a fifth of a large parse's time was the
  // kernel faulting pages in). Where huge pages are off, it is a plain mapping.
  if (size >= detail::kHugePageBytes && size % detail::kHugePageBytes == 0) {
    const size_t len = size + detail::kHugePageBytes;
    void* m = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
      throw std::bad_alloc();
    char* base = static_cast<char*>(m);
    char* aligned =
        reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(base) + detail::kHugePageBytes - 1) &
                                ~uintptr_t(detail::kHugePageBytes - 1));
    if (aligned != base)
      munmap(base, static_cast<size_t>(aligned - base));
    const size_t tail = static_cast<size_t>(base + len - (aligned + size));
    if (tail != 0)
      munmap(aligned + size, tail);
    detail::advise_huge_pages(aligned, size);
    return Chunk(aligned, Free{size});
  }
#endif
  void* p = std::malloc(size);
  if (p == nullptr)
    throw std::bad_alloc();
  return Chunk(static_cast<char*>(p));
}

} // namespace relupkit::ast
