// SPDX-License-Identifier: Apache-2.0
// Radix conversion of large integers in time below quadratic: divide and
// conquer over the digits, the halves joined by a Karatsuba product in the
// target base. OTP's own conversions (list_to_integer, integer_to_list) are
// quadratic: a 1,000,000-digit literal takes file:consult about 17 s.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "relupkit/ast/bigint.h"

namespace relupkit::ast::detail {

namespace {

using Limbs = std::vector<uint32_t>;

/// Arithmetic on little-endian limbs in base 2^32 or 10^9.
template <uint64_t kBase> struct Radix {
  static constexpr bool kBinary = kBase == (uint64_t{1} << 32);

  /// x mod kBase, with x / kBase into `carry`.
  static uint32_t split(uint64_t x, uint64_t& carry) {
    if constexpr (kBinary) {
      carry = x >> 32;
      return static_cast<uint32_t>(x);
    } else {
      carry = x / kBase;
      return static_cast<uint32_t>(x % kBase);
    }
  }

  static void trim(Limbs& a) {
    while (!a.empty() && a.back() == 0)
      a.pop_back();
  }

  /// out[0, na + nb) = a * b, by rows (na or nb small).
  static void
  mul_school(const uint32_t* a, size_t na, const uint32_t* b, size_t nb, uint32_t* out) {
    if constexpr (!kBinary) {
      // Products below 10^18 summed in 64 bits and carried once every 16
      // rows (16 * 10^18 < 2^64), rather than divided by 10^9 at every step;
      // a in blocks of 64 rows (nb < kKaratsuba here).
      std::fill(out, out + na + nb, 0u);
      uint64_t acc[64 + kKaratsuba];
      for (size_t at = 0; at < na; at += 64) {
        const size_t rows = std::min<size_t>(64, na - at), width = rows + nb;
        std::fill(acc, acc + width, uint64_t{0});
        for (size_t i = 0; i < rows; ++i) {
          const uint64_t ai = a[at + i];
          for (size_t j = 0; j < nb; ++j)
            acc[i + j] += ai * b[j];
          if (i % 16 == 15) {
            // Each sum's quotient moved up one place, all independent of
            // each other (no chain of carries): every sum is then below
            // 10^9 + 2^35, room for 16 more products.
            uint64_t up = 0;
            for (size_t k = 0; k + 1 < width; ++k) {
              const uint64_t q = acc[k] / kBase;
              acc[k] = acc[k] - q * kBase + up;
              up = q;
            }
            acc[width - 1] += up; // (no product reaches the top sum)
          }
        }
        // (Each sum still below 2^64 - 2^36: out's limb and the carry fit.)
        uint64_t carry = 0;
        for (size_t k = 0; k < width; ++k)
          out[at + k] = split(out[at + k] + acc[k] + carry, carry);
        for (size_t k = at + width; carry != 0 && k < na + nb; ++k)
          out[k] = split(out[k] + carry, carry);
      }
      return;
    }
    std::fill(out, out + na + nb, 0u);
    for (size_t i = 0; i < na; ++i) {
      uint64_t carry = 0;
      const uint64_t ai = a[i];
      for (size_t j = 0; j < nb; ++j)
        out[i + j] = split(out[i + j] + ai * b[j] + carry, carry);
      out[i + nb] = static_cast<uint32_t>(carry);
    }
  }

  /// a[0, n) += b[0, nb) (nb <= n); returns the carry out of a[n - 1].
  static uint32_t add_into(uint32_t* a, size_t n, const uint32_t* b, size_t nb) {
    uint64_t carry = 0;
    size_t i = 0;
    for (; i < nb; ++i)
      a[i] = add_digit(uint64_t{a[i]} + b[i] + carry, carry);
    for (; carry != 0 && i < n; ++i)
      a[i] = add_digit(uint64_t{a[i]} + carry, carry);
    return static_cast<uint32_t>(carry);
  }

  /// split() of a sum below 2 * kBase: a compare, not a division.
  static uint32_t add_digit(uint64_t x, uint64_t& carry) {
    carry = x >= kBase ? 1 : 0;
    return static_cast<uint32_t>(x - (kBase & (0 - carry)));
  }

  /// a[0, n) -= b[0, nb) (a >= b: limbs of b from n on are zero).
  /// Branch-free: a borrow is as likely as not, and mispredicted branches
  /// here cost as much as the multiplications.
  static void sub_into(uint32_t* a, size_t n, const uint32_t* b, size_t nb) {
    int64_t borrow = 0;
    size_t i = 0;
    for (const size_t common = std::min(n, nb); i < common; ++i) {
      const int64_t d = int64_t{a[i]} - int64_t{b[i]} - borrow;
      borrow = d < 0 ? 1 : 0;
      a[i] = static_cast<uint32_t>(d + (static_cast<int64_t>(kBase) & -borrow));
    }
    for (; borrow != 0 && i < n; ++i) {
      const int64_t d = int64_t{a[i]} - 1;
      borrow = d < 0 ? 1 : 0;
      a[i] = static_cast<uint32_t>(d + (static_cast<int64_t>(kBase) & -borrow));
    }
  }

  static constexpr size_t kKaratsuba = 96;

  /// out[0, na + nb) = a * b.
  static void mul(const uint32_t* a, size_t na, const uint32_t* b, size_t nb, uint32_t* out) {
    if (na < nb) {
      std::swap(a, b);
      std::swap(na, nb);
    }
    if (nb < kKaratsuba) {
      mul_school(a, na, b, nb, out);
      return;
    }
    if (2 * nb <= na) {
      // Unbalanced: a in pieces of nb limbs, each product added in place.
      std::fill(out, out + na + nb, 0u);
      Limbs part(2 * nb);
      for (size_t at = 0; at < na; at += nb) {
        const size_t len = std::min(nb, na - at);
        mul(a + at, len, b, nb, part.data());
        add_into(out + at, na + nb - at, part.data(), len + nb);
      }
      return;
    }
    // Karatsuba: a = a1 T^m + a0, b = b1 T^m + b0 (nb > m).
    const size_t m = na / 2;
    const size_t na1 = na - m, nb1 = nb - m;
    Limbs sa(a, a + m), sb(b, b + m);
    sa.resize(na1 + 1, 0);
    sb.resize(na1 + 1, 0);
    add_into(sa.data(), sa.size(), a + m, na1);
    add_into(sb.data(), sb.size(), b + m, nb1);
    trim(sa);
    trim(sb);
    Limbs z1(sa.size() + sb.size() + 1, 0);
    if (!sa.empty() && !sb.empty())
      mul(sa.data(), sa.size(), sb.data(), sb.size(), z1.data());
    // out = z0 + z2 T^2m, then z1 - z0 - z2 added at T^m.
    mul(a, m, b, m, out);
    mul(a + m, na1, b + m, nb1, out + 2 * m);
    sub_into(z1.data(), z1.size(), out, 2 * m);
    sub_into(z1.data(), z1.size(), out + 2 * m, na1 + nb1);
    trim(z1);
    add_into(out + m, na + nb - m, z1.data(), z1.size());
  }

  static Limbs product(const Limbs& a, const Limbs& b) {
    if (a.empty() || b.empty())
      return {};
    Limbs out(a.size() + b.size());
    mul(a.data(), a.size(), b.data(), b.size(), out.data());
    trim(out);
    return out;
  }

  /// The digits d[0, n) (least significant first, each < `from`) as limbs.
  struct Converter {
    uint64_t from;             ///< at most 2^32
    std::vector<Limbs> powers; ///< powers[j] = from^(2^j) in this base

    const Limbs& power(size_t j) {
      if (powers.empty()) {
        Limbs p;
        uint64_t carry = from;
        while (carry != 0)
          p.push_back(split(carry, carry));
        powers.push_back(std::move(p));
      }
      while (powers.size() <= j)
        powers.push_back(product(powers.back(), powers.back()));
      return powers[j];
    }

    static constexpr size_t kSmall = 64;

    Limbs convert(const uint32_t* d, size_t n) {
      if (n <= kSmall) {
        Limbs r;
        for (size_t i = n; i-- > 0;) {
          uint64_t carry = d[i];
          for (uint32_t& limb : r)
            limb = split(uint64_t{limb} * from + carry, carry);
          while (carry != 0)
            r.push_back(split(carry, carry));
        }
        trim(r);
        return r;
      }
      // The low part is 2^j digits, 2^j < n <= 2^(j+1), so that only the
      // powers from^(2^j) are ever needed.
      size_t j = 0;
      while ((size_t{2} << j) < n)
        ++j;
      const size_t k = size_t{1} << j;
      Limbs hi = convert(d + k, n - k);
      Limbs lo = convert(d, k);
      Limbs r = product(hi, power(j));
      if (r.size() < lo.size())
        r.resize(lo.size(), 0);
      r.push_back(0);
      add_into(r.data(), r.size(), lo.data(), lo.size());
      trim(r);
      return r;
    }
  };
};

} // namespace

std::vector<uint32_t> digits_to_limbs(const uint32_t* digits, size_t n, uint64_t from) {
  Radix<uint64_t{1} << 32>::Converter c{from, {}};
  return c.convert(digits, n);
}

std::vector<uint32_t>
multiply(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, bool billions) {
  return billions ? Radix<1000000000>::product(a, b) : Radix<uint64_t{1} << 32>::product(a, b);
}

std::vector<uint32_t> limbs_to_billions(const uint32_t* limbs, size_t n) {
  // (A limb times 2^32 plus a carry stays below 2^64 in base 10^9.)
  Radix<1000000000>::Converter c{uint64_t{1} << 32, {}};
  return c.convert(limbs, n);
}

} // namespace relupkit::ast::detail
