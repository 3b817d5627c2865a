// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/atom_table.h"

namespace relupkit::ast {

AtomTable::AtomTable() {
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
  entries_.reserve(256);
  hashes_.reserve(256);
}

Atom AtomTable::insert(std::string_view utf8, uint32_t chars, uint64_t h, uint64_t slot) {
  char* copy = static_cast<char*>(pool_.allocate(utf8.size() + 1, 1));
  std::memcpy(copy, utf8.data(), utf8.size());
  copy[utf8.size()] = '\0';
  const auto id = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{copy, static_cast<uint32_t>(utf8.size()), chars});
  hashes_.push_back(h);
  slots_[slot] = ((h >> 32) << 32) | (uint64_t(id) + 1);
  if (entries_.size() * 2 > slots_.size())
    rehash();
  return Atom{id};
}

void AtomTable::rehash() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (uint32_t id = 0; id < entries_.size(); ++id) {
    uint64_t i = hashes_[id] & mask_;
    while (slots_[i] != 0)
      i = (i + 1) & mask_;
    slots_[i] = ((hashes_[id] >> 32) << 32) | (uint64_t(id) + 1);
  }
}

} // namespace relupkit::ast
