// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/atom_table.h"

#include <cstddef>

namespace relupkit::ast {

AtomTable::AtomTable() {
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
  recs_.reserve(256);
}

void AtomTable::add_rec(std::string_view utf8, uint32_t chars) {
  const size_t text_bytes = utf8.size() + 1 < 8 ? 8 : utf8.size() + 1;
  auto* rec = static_cast<Rec*>(pool_.allocate(offsetof(Rec, text) + text_bytes, alignof(Rec)));
  rec->size = static_cast<uint32_t>(utf8.size());
  rec->chars = chars;
  std::memset(rec->text, 0, text_bytes);
  std::memcpy(rec->text, utf8.data(), utf8.size());
  recs_.push_back(rec);
}

Atom AtomTable::insert(std::string_view utf8, uint32_t chars, uint64_t h, uint64_t slot) {
  const auto id = static_cast<uint32_t>(recs_.size());
  add_rec(utf8, chars);
  if (id + 1 > kIdMask) {
    // The ids no longer fit a 4-byte slot: go wide, with every atom this one included.
    wide_ = true;
    std::vector<uint32_t>().swap(slots_);
    rehash(size_t{1} << (kIdBits + 1));
    return Atom{id};
  }
  slots_[slot] = compact_slot(h, id);
  if (recs_.size() * 2 > slots_.size())
    rehash(slots_.size() * 2);
  return Atom{id};
}

Atom AtomTable::intern_wide(std::string_view utf8, uint32_t chars, uint64_t h) {
  const auto tag = static_cast<uint32_t>(wide_slot(h, 0) >> 32);
  uint64_t i = h & mask_;
  for (;; i = (i + 1) & mask_) {
    const uint64_t slot = wide_slots_[i];
    if (slot == 0)
      break;
    if (static_cast<uint32_t>(slot >> 32) == tag) {
      const auto id1 = static_cast<uint32_t>(slot);
      const Rec* rec = recs_[id1 - 1];
      if (rec->size == utf8.size() && equal(rec->text, utf8.data(), utf8.size()))
        return Atom{id1 - 1};
    }
  }
  const auto id = static_cast<uint32_t>(recs_.size());
  add_rec(utf8, chars);
  wide_slots_[i] = wide_slot(h, id);
  if (recs_.size() * 2 > wide_slots_.size())
    rehash(wide_slots_.size() * 2);
  return Atom{id};
}

void AtomTable::rehash(size_t slots) {
  // (A slot keeps only part of the hash: each text is hashed again.)
  mask_ = slots - 1;
  if (wide_)
    wide_slots_.assign(slots, 0);
  else
    slots_.assign(slots, 0);
  for (uint32_t id = 0; id < recs_.size(); ++id) {
    const uint64_t h = hash(recs_[id]->text, recs_[id]->size);
    uint64_t i = h & mask_;
    if (wide_) {
      while (wide_slots_[i] != 0)
        i = (i + 1) & mask_;
      wide_slots_[i] = wide_slot(h, id);
    } else {
      while (slots_[i] != 0)
        i = (i + 1) & mask_;
      slots_[i] = compact_slot(h, id);
    }
  }
}

} // namespace relupkit::ast
