// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/arena.h"

#include <new>

#include "base/huge_pages.h"

namespace relupkit::ast {

void Arena::Free::operator()(char* p) const {
  if (mapped != 0)
    detail::unmap_huge_pages(p, mapped);
  else
    std::free(p);
}

void Arena::release_cached_chunks() { detail::release_cached_mappings(); }

Arena::Chunk Arena::allocate_chunk(size_t size) {
  // A chunk of whole 2 MiB pages is mapped on its own, aligned, and marked for
  // transparent huge pages: a large file's AST then costs a few faults instead
  // of one per 4 KiB page (about a fifth of a large parse's time was the
  // kernel faulting pages in). Where huge pages are off, it is plain memory.
  if (size >= detail::kHugePageBytes && size % detail::kHugePageBytes == 0) {
    if (void* p = detail::map_huge_pages(size))
      return Chunk(static_cast<char*>(p), Free{size});
  }
  void* p = std::malloc(size);
  if (p == nullptr)
    throw std::bad_alloc();
  return Chunk(static_cast<char*>(p));
}

} // namespace relupkit::ast
