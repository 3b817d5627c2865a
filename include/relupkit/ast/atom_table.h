// SPDX-License-Identifier: Apache-2.0
#pragma once
// Interned atoms: each distinct atom text is stored once and named by a small integer.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "relupkit/ast/arena.h"

namespace relupkit::ast {

/// An interned atom; compare by value. Its text is UTF-8 (code points <= 16#10FFFF).
struct Atom {
  uint32_t id = 0;
  friend bool operator==(Atom a, Atom b) { return a.id == b.id; }
  friend bool operator!=(Atom a, Atom b) { return a.id != b.id; }
};

/// Interns atom texts (UTF-8). Lookups hash 8 bytes at a time.
class AtomTable {
public:
  AtomTable();

  /// The atom with text `utf8`, created if new. `chars` is its length in code points.
  Atom intern(std::string_view utf8, uint32_t chars) {
    const uint64_t h = hash(utf8.data(), utf8.size());
    if (wide_)
      return intern_wide(utf8, chars, h);
    const uint32_t tag = compact_slot(h, 0) >> kIdBits;
    for (uint64_t i = h & mask_;; i = (i + 1) & mask_) {
      const uint32_t slot = slots_[i];
      if (slot == 0)
        return insert(utf8, chars, h, i);
      if (slot >> kIdBits == tag) {
        const uint32_t id = (slot & kIdMask) - 1;
        if (rec(id).matches(utf8))
          return Atom{id};
      }
    }
  }
  /// The atom with ASCII text `text`.
  Atom intern(std::string_view text) { return intern(text, static_cast<uint32_t>(text.size())); }

  std::string_view text(Atom a) const { return rec(a.id).text(); }
  /// Length in characters (code points).
  uint32_t chars(Atom a) const { return rec(a.id).chars; }
  size_t size() const { return size_; }

  /// Says that the atoms come from a text of `source_bytes`: from 8 MiB on,
  /// the records start in a whole huge page (Arena::expect()) instead of in
  /// small chunks faulted in 4 KiB at a time; the page is then at most an
  /// eighth of the text's size however few atoms it holds.
  void expect(size_t source_bytes) { pool_.expect(source_bytes / 8); }

  /// Frees the lookup index (4 to 16 bytes per atom) of a table that is done
  /// growing: text(), chars() and size() go on working, intern() may no
  /// longer be called.
  void release_index() {
    std::vector<uint32_t>().swap(slots_);
    std::vector<uint64_t>().swap(wide_slots_);
    mask_ = 0;
  }

  /// A fast 64-bit hash (wyhash-style multiply-mix over 8-byte words).
  static uint64_t hash(const char* p, size_t n) {
    constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
    uint64_t h = k0 ^ n;
    while (n >= 8) {
      h = mix(h ^ load64(p), k1);
      p += 8;
      n -= 8;
    }
    if (n >= 4) {
      // Two overlapping 4-byte loads cover 4..7 bytes without a memcpy call.
      h = mix(h ^ ((uint64_t(load32(p)) << 32) | load32(p + n - 4)), k1 ^ n);
    } else if (n > 0) {
      const auto* u = reinterpret_cast<const unsigned char*>(p);
      h = mix(h ^ ((uint64_t(u[0]) << 16) | (uint64_t(u[n >> 1]) << 8) | u[n - 1]), k1 ^ n);
    }
    return mix(h, k0);
  }

private:
  /// An atom's record: its size, length and text, in one 32-byte line
  /// fragment when the text is at most kInline bytes (every atom of a usual
  /// relup or appup), so that a lookup reads the slot and the record and
  /// nothing else. Longer texts live in the pool. Records sit in blocks of
  /// kBlock that never move, so a text() view stays valid as the table grows.
  static constexpr size_t kInline = 24;
  struct alignas(32) Rec {
    uint32_t size;
    uint32_t chars;
    union {
      char inline_text[kInline]; ///< when size <= kInline (zero-padded)
      const char* pooled;        ///< else: `size` bytes in pool_
    };
    const char* data() const { return size <= kInline ? inline_text : pooled; }
    std::string_view text() const { return {data(), size}; }
    bool matches(std::string_view t) const {
      return size == t.size() && equal(data(), t.data(), t.size());
    }
  };
  static_assert(sizeof(Rec) == 32);
  static constexpr int kBlockBits = 12;
  static constexpr size_t kBlock = size_t{1} << kBlockBits;
  const Rec& rec(uint32_t id) const { return blocks_[id >> kBlockBits][id & (kBlock - 1)]; }

  // The index: open addressing, at most half full. A slot is 4 bytes while
  // there are fewer than 2^20 atoms, so that the probed slots of a large table
  // stay in cache (the slot array of the bench relup's 50,000 atoms is 512 KiB,
  // half of L2; 4 to 6% faster parses than 8-byte slots): the top 12 bits of
  // the text's hash and the atom's id + 1 (0: empty). Past 2^20 - 1 atoms
  // (OTP's own default limit is 2^20), the table goes wide: 8-byte slots of 32
  // hash bits and a 32-bit id + 1, looked up out of line.
  static constexpr int kIdBits = 20;
  static constexpr int kTagBits = 32 - kIdBits;
  static constexpr uint32_t kIdMask = (uint32_t{1} << kIdBits) - 1;
  /// The slot of atom `id` whose text hashes to `h` (id + 1 <= kIdMask).
  static uint32_t compact_slot(uint64_t h, uint32_t id) {
    return static_cast<uint32_t>(h >> (64 - kTagBits)) << kIdBits | (id + 1);
  }
  static uint64_t wide_slot(uint64_t h, uint32_t id) { return (h >> 32) << 32 | (id + 1); }
  static uint64_t load64(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static uint32_t load32(const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  }
  static uint64_t mix(uint64_t a, uint64_t b) {
    const __uint128_t r = static_cast<__uint128_t>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  }
  /// Whether the `n` bytes at `a` and `b` are equal; the last word is read
  /// overlapping the one before it (never past `n` bytes).
  static bool equal(const char* a, const char* b, size_t n) {
    if (n >= 8) {
      for (size_t i = 0; i + 8 < n; i += 8)
        if (load64(a + i) != load64(b + i))
          return false;
      return load64(a + n - 8) == load64(b + n - 8);
    }
    if (n >= 4)
      return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i])
        return false;
    return true;
  }
  Atom insert(std::string_view utf8, uint32_t chars, uint64_t h, uint64_t slot);
  Atom intern_wide(std::string_view utf8, uint32_t chars, uint64_t h);
  void add_rec(std::string_view utf8, uint32_t chars);
  void rehash(size_t slots);

  Arena pool_;                       ///< texts longer than kInline, and the blocks
  std::vector<Rec*> blocks_;         ///< records by atom id, kBlock to a block
  size_t size_ = 0;                  ///< atoms interned
  std::vector<uint32_t> slots_;      ///< the index while not wide_
  std::vector<uint64_t> wide_slots_; ///< the index once wide_
  uint64_t mask_ = 0;
  bool wide_ = false;
};

} // namespace relupkit::ast
