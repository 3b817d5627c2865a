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
  Atom intern(std::string_view utf8, uint32_t chars);
  /// The atom with ASCII text `text`.
  Atom intern(std::string_view text) { return intern(text, static_cast<uint32_t>(text.size())); }

  std::string_view text(Atom a) const { return {entries_[a.id].text, entries_[a.id].size}; }
  /// Length in characters (code points).
  uint32_t chars(Atom a) const { return entries_[a.id].chars; }
  size_t size() const { return entries_.size(); }

  static uint64_t hash(const char* p, size_t n);

private:
  struct Entry {
    const char* text;
    uint32_t size;
    uint32_t chars;
    uint64_t hash;
  };
  void rehash();

  Arena pool_;
  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_; // id + 1, 0 = empty
  uint64_t mask_ = 0;
};

} // namespace relupkit::ast
