// SPDX-License-Identifier: Apache-2.0
#pragma once
// Bump allocator for AST nodes: no destructors ever run, memory is freed with the arena.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace relupkit::ast {

/// Bump-allocates from large chunks; objects must be trivially destructible.
///
/// Chunks grow geometrically (64 KiB up to 8 MiB) so that a small file costs
/// little and a large one costs few system allocations.
class Arena {
public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) noexcept = default;
  Arena& operator=(Arena&&) noexcept = default;

  /// Raw, uninitialised memory of `size` bytes aligned to `align` (a power of two <= 16).
  void* allocate(size_t size, size_t align) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(cur_) + (align - 1)) & ~(uintptr_t(align) - 1);
    if (p + size > reinterpret_cast<uintptr_t>(end_)) {
      grow(size + align);
      p = (reinterpret_cast<uintptr_t>(cur_) + (align - 1)) & ~(uintptr_t(align) - 1);
    }
    cur_ = reinterpret_cast<char*>(p + size);
    return reinterpret_cast<void*>(p);
  }

  /// Constructs a T in the arena.
  template <typename T, typename... Args> T* make(Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    return new (allocate(sizeof(T), alignof(T))) T(std::forward<Args>(args)...);
  }

  /// Constructs a T followed in memory by a copy of the `n` objects at `src`
  /// (the node's inline children; `sizeof(T)` must be a multiple of `alignof(R)`).
  template <typename T, typename R, typename... Args>
  T* make_with_refs(const R* src, size_t n, Args&&... args) {
    static_assert(std::is_trivially_destructible_v<T>, "arena objects are never destroyed");
    static_assert(std::is_trivially_copyable_v<R> && sizeof(T) % alignof(R) == 0);
    void* p =
        allocate(sizeof(T) + sizeof(R) * n, alignof(T) > alignof(R) ? alignof(T) : alignof(R));
    T* node = new (p) T(std::forward<Args>(args)...);
    copy_small(static_cast<char*>(p) + sizeof(T), reinterpret_cast<const char*>(src),
               sizeof(R) * n);
    return node;
  }

  /// Copies `n` objects into the arena and returns the copy (nullptr when n == 0).
  template <typename T> T* copy_array(const T* src, size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (n == 0)
      return nullptr;
    T* dst = static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
    std::memcpy(dst, src, sizeof(T) * n);
    return dst;
  }

  /// Uninitialised array of `n` T.
  template <typename T> T* alloc_array(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    if (n == 0)
      return nullptr;
    return static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
  }

  /// A position to rewind to: everything allocated after it can be given back at
  /// once when nothing refers to it any more (a scratch value copied elsewhere).
  struct Mark {
    char* cur = nullptr;
    size_t chunks = 0;
  };
  Mark mark() const { return Mark{cur_, chunks_.size()}; }
  /// Frees what was allocated since `m`, if that all lies in the current chunk
  /// (otherwise keeps it; memory is still reclaimed with the arena).
  void rewind(const Mark& m) {
    if (m.chunks == chunks_.size() && m.cur != nullptr)
      cur_ = m.cur;
  }

  /// Takes over the memory of `other`, which is left empty: what was allocated
  /// there stays where it is and is freed with this arena. Allocation goes on
  /// in this arena's current chunk.
  void adopt(Arena&& other) {
    if (other.chunks_.empty())
      return;
    const auto at = chunks_.empty() ? chunks_.end() : chunks_.end() - 1;
    chunks_.insert(at, std::make_move_iterator(other.chunks_.begin()),
                   std::make_move_iterator(other.chunks_.end()));
    if (cur_ == nullptr) {
      cur_ = other.cur_;
      end_ = other.end_;
    }
    reserved_ += other.reserved_;
    other.chunks_.clear();
    other.cur_ = other.end_ = nullptr;
    other.reserved_ = 0;
  }

  /// Says that about `bytes` will be allocated here. From kExpectLarge on, the
  /// chunks start at a whole huge page (2 MiB) rather than at 64 KiB: the small
  /// chunks would be filled at once anyway, and each of their 4 KiB pages is a
  /// page fault of its own. Never makes chunks smaller.
  void expect(size_t bytes) {
    if (bytes >= kExpectLarge && next_chunk_ < kHugeChunk)
      next_chunk_ = kHugeChunk;
  }
  static constexpr size_t kExpectLarge = size_t(1) << 20;

  /// Gives back to the system the huge-page chunks that freed arenas left for
  /// reuse. An arena's chunks of whole 2 MiB pages are not unmapped when it is
  /// freed but kept, up to 64 MiB in the process, for the next arena's chunks
  /// of the same size, so that parsing again costs no page faults; a
  /// long-running process that is done parsing can call this to drop them.
  static void release_cached_chunks();

  /// Bytes reserved from the system so far.
  size_t reserved_bytes() const { return reserved_; }

private:
  /// memcpy of `bytes` bytes, inlined: a node's children are mostly a few
  /// references, and the bench relup has 650,000 containers (a call to
  /// memcpy for each measured 1 to 3% slower).
  static void copy_small(char* dst, const char* src, size_t bytes) {
    if (bytes >= 16) {
      size_t i = 0;
      for (; i + 16 <= bytes; i += 16)
        std::memcpy(dst + i, src + i, 16);
      if (i != bytes)
        std::memcpy(dst + bytes - 16, src + bytes - 16, 16);
    } else if (bytes >= 8) {
      std::memcpy(dst, src, 8);
      std::memcpy(dst + bytes - 8, src + bytes - 8, 8);
    } else if (bytes != 0) {
      std::memcpy(dst, src, bytes);
    }
  }

  struct Free {
    size_t mapped = 0; ///< a mapping of this many bytes (unmap_huge_pages), or 0 (free)
    void operator()(char* p) const;
  };
  using Chunk = std::unique_ptr<char, Free>;

  void grow(size_t need) {
    size_t size = next_chunk_;
    if (next_chunk_ < kMaxChunk)
      next_chunk_ *= 2;
    if (size < need)
      size = (need + kHuge - 1) / kHuge * kHuge;
    chunks_.push_back(allocate_chunk(size));
    cur_ = chunks_.back().get();
    end_ = cur_ + size;
    reserved_ += size;
  }
  static Chunk allocate_chunk(size_t size);

  static constexpr size_t kHuge = size_t(64) << 10;     ///< rounding of oversized chunks
  static constexpr size_t kHugeChunk = size_t(2) << 20; ///< a transparent huge page
  static constexpr size_t kMaxChunk = size_t(8) << 20;

  std::vector<Chunk> chunks_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  size_t next_chunk_ = size_t(64) << 10;
  size_t reserved_ = 0;
};

} // namespace relupkit::ast
