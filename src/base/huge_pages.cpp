// SPDX-License-Identifier: Apache-2.0
#include "base/huge_pages.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace relupkit::detail {

namespace {
/// Below this a populate call costs about what the faults it saves do.
constexpr size_t kMinPopulateBytes = size_t(64) << 10;
} // namespace

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

void populate(void* p, size_t bytes) {
#if defined(__linux__)
  constexpr size_t kPage = 4096;
  constexpr int kPopulateWrite = 23; // MADV_POPULATE_WRITE, missing from older headers
  if (bytes < kMinPopulateBytes)
    return;
  const auto begin = reinterpret_cast<uintptr_t>(p);
  const uintptr_t first = (begin + kPage - 1) & ~uintptr_t(kPage - 1);
  const uintptr_t last = (begin + bytes) & ~uintptr_t(kPage - 1);
  if (last > first)
    (void)madvise(reinterpret_cast<void*>(first), last - first, kPopulateWrite); // advice only
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

namespace {

/// Mappings given back by unmap_huge_pages(), kept for the next
/// map_huge_pages() of the same size: a process that parses again (a loop
/// over files, the benchmark) then reuses its arena's pages instead of having
/// the kernel fault and zero them afresh. Bounded, and only ever filled by
/// memory already freed, so a single parse's peak is what it was.
struct MappingCache {
  static constexpr size_t kMaxBytes = size_t(64) << 20;
  static constexpr size_t kMaxEntries = 16;
  struct Entry {
    void* p;
    size_t bytes;
  };
  std::mutex mutex;
  Entry entries[kMaxEntries] = {};
  size_t count = 0;
  size_t bytes = 0;

  void* take(size_t want) {
    const std::lock_guard<std::mutex> lock(mutex);
    for (size_t i = count; i-- > 0;) {
      if (entries[i].bytes == want) {
        void* p = entries[i].p;
        entries[i] = entries[--count];
        bytes -= want;
        return p;
      }
    }
    return nullptr;
  }
  bool keep(void* p, size_t n) {
    const std::lock_guard<std::mutex> lock(mutex);
    if (count == kMaxEntries || bytes + n > kMaxBytes)
      return false;
    entries[count++] = Entry{p, n};
    bytes += n;
    return true;
  }
  void release() {
    const std::lock_guard<std::mutex> lock(mutex);
#if defined(__linux__)
    for (size_t i = 0; i < count; ++i)
      munmap(entries[i].p, entries[i].bytes);
#endif
    count = 0;
    bytes = 0;
  }
  size_t held() {
    const std::lock_guard<std::mutex> lock(mutex);
    return bytes;
  }
};

MappingCache& mapping_cache() {
  static MappingCache* cache = new MappingCache(); // (never destroyed: used until exit)
  return *cache;
}

} // namespace

void* map_huge_pages(size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes == 0 || bytes % kHugePageBytes != 0)
    return nullptr;
  if (void* p = mapping_cache().take(bytes))
    return p;
  // Map one huge page more, then trim the ends to an aligned range.
  const size_t len = bytes + kHugePageBytes;
  void* m = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED)
    return nullptr;
  char* base = static_cast<char*>(m);
  char* aligned = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(base) + kHugePageBytes - 1) &
                                          ~uintptr_t(kHugePageBytes - 1));
  if (aligned != base)
    munmap(base, static_cast<size_t>(aligned - base));
  const size_t tail = static_cast<size_t>(base + len - (aligned + bytes));
  if (tail != 0)
    munmap(aligned + bytes, tail);
  advise_huge_pages(aligned, bytes);
  return aligned;
#else
  (void)bytes;
  return nullptr;
#endif
}

void unmap_huge_pages(void* p, size_t bytes) {
#if defined(__linux__)
  if (p != nullptr && !mapping_cache().keep(p, bytes))
    munmap(p, bytes);
#else
  (void)p;
  (void)bytes;
#endif
}

void release_cached_mappings() { mapping_cache().release(); }

size_t cached_mapping_bytes() { return mapping_cache().held(); }

} // namespace relupkit::detail
