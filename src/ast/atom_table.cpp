// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/atom_table.h"

#include <cstddef>

namespace relupkit::ast {

AtomTable::AtomTable() {
  slots_.assign(1024, Slot{0, 0});
  mask_ = slots_.size() - 1;
  recs_.reserve(256);
}

Atom AtomTable::insert(std::string_view utf8, uint32_t chars, uint64_t h, uint64_t slot) {
  const size_t text_bytes = utf8.size() + 1 < 8 ? 8 : utf8.size() + 1;
  auto* rec = static_cast<Rec*>(pool_.allocate(offsetof(Rec, text) + text_bytes, alignof(Rec)));
  const auto id = static_cast<uint32_t>(recs_.size());
  rec->size = static_cast<uint32_t>(utf8.size());
  rec->chars = chars;
  std::memset(rec->text, 0, text_bytes);
  std::memcpy(rec->text, utf8.data(), utf8.size());
  recs_.push_back(rec);
  slots_[slot] = Slot{static_cast<uint32_t>(h >> 32), id + 1};
  if (recs_.size() * 2 > slots_.size())
    rehash();
  return Atom{id};
}

void AtomTable::rehash() {
  // (A slot keeps only half of the hash: each text is hashed again.)
  slots_.assign(slots_.size() * 2, Slot{0, 0});
  mask_ = slots_.size() - 1;
  for (uint32_t id = 0; id < recs_.size(); ++id) {
    const uint64_t h = hash(recs_[id]->text, recs_[id]->size);
    uint64_t i = h & mask_;
    while (slots_[i].id1 != 0)
      i = (i + 1) & mask_;
    slots_[i] = Slot{static_cast<uint32_t>(h >> 32), id + 1};
  }
}

} // namespace relupkit::ast
