// SPDX-License-Identifier: Apache-2.0
#include "relupkit/ast/atom_table.h"

namespace relupkit::ast {

namespace {
inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
} // namespace

uint64_t AtomTable::hash(const char* p, size_t n) {
  constexpr uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull;
  uint64_t h = k0 ^ n;
  while (n >= 8) {
    h = mix(h ^ load64(p), k1);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    h = mix(h ^ tail, k1 ^ n);
  }
  return mix(h, k0);
}

AtomTable::AtomTable() {
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
  entries_.reserve(256);
}

Atom AtomTable::intern(std::string_view utf8, uint32_t chars) {
  const uint64_t h = hash(utf8.data(), utf8.size());
  uint64_t i = h & mask_;
  for (;;) {
    const uint32_t s = slots_[i];
    if (s == 0)
      break;
    const Entry& e = entries_[s - 1];
    if (e.hash == h && e.size == utf8.size() && std::memcmp(e.text, utf8.data(), e.size) == 0)
      return Atom{s - 1};
    i = (i + 1) & mask_;
  }
  char* copy = static_cast<char*>(pool_.allocate(utf8.size() + 1, 1));
  std::memcpy(copy, utf8.data(), utf8.size());
  copy[utf8.size()] = '\0';
  const auto id = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{copy, static_cast<uint32_t>(utf8.size()), chars, h});
  slots_[i] = id + 1;
  if (entries_.size() * 2 > slots_.size())
    rehash();
  return Atom{id};
}

void AtomTable::rehash() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (uint32_t id = 0; id < entries_.size(); ++id) {
    uint64_t i = entries_[id].hash & mask_;
    while (slots_[i] != 0)
      i = (i + 1) & mask_;
    slots_[i] = id + 1;
  }
}

} // namespace relupkit::ast
