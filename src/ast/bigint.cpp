// SPDX-License-Identifier: Apache-2.0
// Arbitrary-size integers: just enough arithmetic for literals, printing and binaries.
#include "relupkit/ast/bigint.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace relupkit::ast {

void BigValue::mul_add(uint32_t m, uint32_t a) {
  uint64_t carry = a;
  for (uint32_t& limb : limbs) {
    const uint64_t x = static_cast<uint64_t>(limb) * m + carry;
    limb = static_cast<uint32_t>(x);
    carry = x >> 32;
  }
  if (carry != 0)
    limbs.push_back(static_cast<uint32_t>(carry));
}

void BigValue::trim() {
  while (!limbs.empty() && limbs.back() == 0)
    limbs.pop_back();
  if (limbs.empty())
    negative = false;
}

bool BigValue::fits_int64() const {
  if (limbs.size() <= 1)
    return true;
  if (limbs.size() > 2)
    return false;
  const uint64_t mag = (static_cast<uint64_t>(limbs[1]) << 32) | limbs[0];
  return negative ? mag <= (uint64_t(1) << 63) : mag < (uint64_t(1) << 63);
}

int64_t BigValue::to_int64() const {
  uint64_t mag = 0;
  if (!limbs.empty())
    mag = limbs[0];
  if (limbs.size() > 1)
    mag |= static_cast<uint64_t>(limbs[1]) << 32;
  return negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
}

BigValue BigValue::from_int64(int64_t v) {
  BigValue b;
  b.negative = v < 0;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  while (mag != 0) {
    b.limbs.push_back(static_cast<uint32_t>(mag));
    mag >>= 32;
  }
  return b;
}

BigValue to_big(const IntegerTerm& t) {
  if (t.big == nullptr)
    return BigValue::from_int64(t.value);
  BigValue b;
  b.negative = t.big->negative;
  b.limbs.assign(t.big->limbs, t.big->limbs + t.big->size);
  return b;
}

IntegerTerm* make_integer(Arena& arena, Span span, const BigValue& v) {
  if (v.fits_int64())
    return arena.make<IntegerTerm>(span, v.to_int64());
  auto* big = arena.make<BigInt>();
  big->negative = v.negative;
  big->size = static_cast<uint32_t>(v.limbs.size());
  big->limbs = arena.copy_array(v.limbs.data(), v.limbs.size());
  return arena.make<IntegerTerm>(span, 0, big);
}

namespace {
/// Bignums of up to this many limbs are printed by repeated division.
constexpr uint32_t kSmallBig = 48;
} // namespace

void append_integer(std::string& out, const IntegerTerm& t) {
  if (t.big == nullptr) {
    char buf[24];
    char* e = buf + sizeof buf;
    char* q = e;
    uint64_t mag =
        t.value < 0 ? 0 - static_cast<uint64_t>(t.value) : static_cast<uint64_t>(t.value);
    do {
      *--q = static_cast<char>('0' + mag % 10);
      mag /= 10;
    } while (mag != 0);
    if (t.value < 0)
      *--q = '-';
    out.append(q, static_cast<size_t>(e - q));
    return;
  }
  std::vector<uint32_t> chunks; // base 10^9, least significant first
  if (t.big->size > kSmallBig) {
    chunks = detail::limbs_to_billions(t.big->limbs, t.big->size);
  } else {
    // Repeated division by 10^9 of a copy of the magnitude.
    std::vector<uint32_t> mag(t.big->limbs, t.big->limbs + t.big->size);
    while (!mag.empty()) {
      uint64_t rem = 0;
      for (size_t i = mag.size(); i-- > 0;) {
        const uint64_t cur = (rem << 32) | mag[i];
        mag[i] = static_cast<uint32_t>(cur / 1000000000u);
        rem = cur % 1000000000u;
      }
      chunks.push_back(static_cast<uint32_t>(rem));
      while (!mag.empty() && mag.back() == 0)
        mag.pop_back();
    }
  }
  if (t.big->negative)
    out.push_back('-');
  out += std::to_string(chunks.back());
  for (size_t i = chunks.size() - 1; i-- > 0;) {
    char buf[10];
    uint32_t c = chunks[i];
    for (int k = 8; k >= 0; --k) {
      buf[k] = static_cast<char>('0' + c % 10);
      c /= 10;
    }
    out.append(buf, 9);
  }
}

std::string integer_to_string(const IntegerTerm& t) {
  std::string s;
  append_integer(s, t);
  return s;
}

namespace {
int compare_magnitude(const uint32_t* a, uint32_t na, const uint32_t* b, uint32_t nb) {
  if (na != nb)
    return na < nb ? -1 : 1;
  for (uint32_t i = na; i-- > 0;)
    if (a[i] != b[i])
      return a[i] < b[i] ? -1 : 1;
  return 0;
}
} // namespace

int compare_integers(int64_t a_value, const BigInt* a_big, int64_t b_value, const BigInt* b_big) {
  if (a_big == nullptr && b_big == nullptr)
    return a_value < b_value ? -1 : (a_value > b_value ? 1 : 0);
  // A bignum is always outside int64_t's range.
  if (a_big == nullptr)
    return b_big->negative ? 1 : -1;
  if (b_big == nullptr)
    return a_big->negative ? -1 : 1;
  if (a_big->negative != b_big->negative)
    return a_big->negative ? -1 : 1;
  const int c = compare_magnitude(a_big->limbs, a_big->size, b_big->limbs, b_big->size);
  return a_big->negative ? -c : c;
}

void write_bits_big_endian(const BigValue& v,
                           uint64_t bits,
                           std::vector<uint8_t>& out,
                           uint64_t bit_pos) {
  if (bits == 0)
    return;
  // Two's complement of the value, truncated to `bits`, as little-endian limbs.
  const size_t nlimbs = static_cast<size_t>((bits + 31) / 32);
  std::vector<uint32_t> w(nlimbs, 0);
  for (size_t i = 0; i < nlimbs && i < v.limbs.size(); ++i)
    w[i] = v.limbs[i];
  if (v.negative) {
    uint64_t carry = 1;
    for (uint32_t& x : w) {
      const uint64_t s = static_cast<uint64_t>(static_cast<uint32_t>(~x)) + carry;
      x = static_cast<uint32_t>(s);
      carry = s >> 32;
    }
  }
  // Emit bit (bits-1) first: single bits up to a byte boundary of `out`, then
  // whole bytes (a segment such as `0:20000000` is 2.5 MB), then the last bits.
  const auto put_bit = [&](uint64_t i) {
    const uint64_t src = bits - 1 - i;
    if (((w[static_cast<size_t>(src / 32)] >> (src % 32)) & 1u) != 0) {
      const uint64_t dst = bit_pos + i;
      out[static_cast<size_t>(dst / 8)] |= static_cast<uint8_t>(0x80u >> (dst % 8));
    }
  };
  // The 8 source bits [lo, lo + 8) as a byte, bit lo + 7 first (lo + 8 <= bits).
  const auto source_byte = [&](uint64_t lo) {
    const auto limb = static_cast<size_t>(lo / 32);
    const auto shift = static_cast<unsigned>(lo % 32);
    uint32_t b = w[limb] >> shift;
    if (shift > 24)
      b |= w[limb + 1] << (32 - shift);
    return static_cast<uint8_t>(b);
  };
  uint64_t i = 0;
  const uint64_t head = (8 - bit_pos % 8) % 8;
  for (; i < bits && i < head; ++i)
    put_bit(i);
  for (; i + 8 <= bits; i += 8)
    out[static_cast<size_t>((bit_pos + i) / 8)] |= source_byte(bits - 8 - i);
  for (; i < bits; ++i)
    put_bit(i);
}

} // namespace relupkit::ast
