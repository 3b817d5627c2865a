// SPDX-License-Identifier: Apache-2.0
#include "base/huge_pages.h"

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace relupkit::detail {

void advise_huge_pages(void* p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const auto begin = reinterpret_cast<uintptr_t>(p);
  const uintptr_t first = (begin + kHugePageBytes - 1) & ~uintptr_t(kHugePageBytes - 1);
  const uintptr_t last = (begin + bytes) & ~uintptr_t(kHugePageBytes - 1);
  if (last > first)
    madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

void* allocate_huge(size_t bytes) {
  if (bytes == 0 || bytes % kHugePageBytes != 0)
    return nullptr;
  void* p = std::aligned_alloc(kHugePageBytes, bytes);
  if (p != nullptr)
    advise_huge_pages(p, bytes);
  return p;
}

} // namespace relupkit::detail
