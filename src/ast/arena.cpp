// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/arena.h"

#include <new>

namespace relupkit::ast {

Arena::Chunk Arena::allocate_chunk(size_t size) {
  // Transparent huge pages were tried here (aligned_alloc + MADV_HUGEPAGE):
  // fewer page faults but more time zeroing pages and a larger RSS.
  void* p = std::malloc(size);
  if (p == nullptr)
    throw std::bad_alloc();
  return Chunk(static_cast<char*>(p));
}

} // namespace relupkit::ast
