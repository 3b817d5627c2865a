// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/atom_table.h"

#include <cstddef>

namespace relupkit::ast {

AtomTable::AtomTable() {
  slots_.assign(1024, Slot{0, nullptr});
  mask_ = slots_.size() - 1;
  entries_.reserve(256);
}

Atom AtomTable::insert(std::string_view utf8, uint32_t chars, uint64_t h, uint64_t slot) {
  const size_t text_bytes = utf8.size() + 1 < 8 ? 8 : utf8.size() + 1;
  auto* rec = static_cast<Rec*>(pool_.allocate(offsetof(Rec, text) + text_bytes, alignof(Rec)));
  const auto id = static_cast<uint32_t>(entries_.size());
  rec->id = id;
  rec->size = static_cast<uint32_t>(utf8.size());
  std::memset(rec->text, 0, text_bytes);
  std::memcpy(rec->text, utf8.data(), utf8.size());
  entries_.push_back(Entry{rec->text, rec->size, chars});
  slots_[slot] = Slot{h, rec};
  if (entries_.size() * 2 > slots_.size())
    rehash();
  return Atom{id};
}

void AtomTable::rehash() {
  std::vector<Slot> old(slots_.size() * 2, Slot{0, nullptr});
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.rec == nullptr)
      continue;
    uint64_t i = s.hash & mask_;
    while (slots_[i].rec != nullptr)
      i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

} // namespace relupkit::ast
