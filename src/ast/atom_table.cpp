// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/atom_table.h"

#include <cstddef>

#include "base/huge_pages.h"

namespace relupkit::ast {

namespace {

/// Replaces `v` with `n` zeros in new memory, faulted in at once: every slot
/// of a rehashed table is written.
template <typename T> void fresh_zeroed(std::vector<T>& v, size_t n) {
  std::vector<T> fresh;
  fresh.reserve(n);
  detail::populate(fresh.data(), n * sizeof(T));
  fresh.assign(n, T{0});
  v.swap(fresh);
}

} // namespace

AtomTable::AtomTable() {
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
}

void AtomTable::add_rec(std::string_view utf8, uint32_t chars) {
  if ((size_ & (kBlock - 1)) == 0)
    blocks_.push_back(static_cast<Rec*>(pool_.allocate(sizeof(Rec) * kBlock, alignof(Rec))));
  Rec& rec = blocks_.back()[size_ & (kBlock - 1)];
  rec.size = static_cast<uint32_t>(utf8.size());
  rec.chars = chars;
  if (utf8.size() <= kInline) {
    std::memset(rec.inline_text, 0, kInline);
    std::memcpy(rec.inline_text, utf8.data(), utf8.size());
  } else {
    char* text = static_cast<char*>(pool_.allocate(utf8.size(), 1));
    std::memcpy(text, utf8.data(), utf8.size());
    rec.pooled = text;
  }
  ++size_;
}

Atom AtomTable::insert(std::string_view utf8, uint32_t chars, uint64_t h, uint64_t slot) {
  const auto id = static_cast<uint32_t>(size_);
  add_rec(utf8, chars);
  if (id + 1 > kIdMask) {
    // The ids no longer fit a 4-byte slot: go wide, with every atom this one included.
    wide_ = true;
    std::vector<uint32_t>().swap(slots_);
    rehash(size_t{1} << (kIdBits + 1));
    return Atom{id};
  }
  slots_[slot] = compact_slot(h, id);
  if (size_ * 2 > slots_.size())
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
      const auto id = static_cast<uint32_t>(slot) - 1;
      if (rec(id).matches(utf8))
        return Atom{id};
    }
  }
  const auto id = static_cast<uint32_t>(size_);
  add_rec(utf8, chars);
  wide_slots_[i] = wide_slot(h, id);
  if (size_ * 2 > wide_slots_.size())
    rehash(wide_slots_.size() * 2);
  return Atom{id};
}

void AtomTable::rehash(size_t slots) {
  // (A slot keeps only part of the hash: each text is hashed again.)
  mask_ = slots - 1;
  if (wide_)
    fresh_zeroed(wide_slots_, slots);
  else
    fresh_zeroed(slots_, slots);
  for (uint32_t id = 0; id < size_; ++id) {
    const std::string_view text = rec(id).text();
    const uint64_t h = hash(text.data(), text.size());
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
