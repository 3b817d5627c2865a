// SPDX-License-Identifier: Apache-2.0
// The divide-and-conquer radix conversions (src/ast/radix.cpp) against
// digit-by-digit conversions written here, on random numbers of sizes on
// both sides of every threshold (Karatsuba, the converters' small case, the
// parser's and printer's switch to them).
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "relupkit/ast/bigint.h"
#include "relupkit/ast/term.h"

#include "../../src/parse/values.h"

namespace relupkit {
namespace {

using Limbs = std::vector<uint32_t>;

/// Digits (least significant first, each below `from`) into base 2^32, one
/// digit at a time.
Limbs naive_to_limbs(const Limbs& digits, uint64_t from) {
  Limbs r;
  for (size_t i = digits.size(); i-- > 0;) {
    uint64_t carry = digits[i];
    for (uint32_t& limb : r) {
      const __uint128_t x = static_cast<__uint128_t>(limb) * from + carry;
      limb = static_cast<uint32_t>(x);
      carry = static_cast<uint64_t>(x >> 32);
    }
    while (carry != 0) {
      r.push_back(static_cast<uint32_t>(carry));
      carry >>= 32;
    }
  }
  while (!r.empty() && r.back() == 0)
    r.pop_back();
  return r;
}

/// Base 2^32 limbs into base 10^9: four decimal digits at a time by
/// repeated division, then grouped nine digits to an element.
Limbs naive_to_billions(Limbs mag) {
  std::string digits; // least significant first
  while (!mag.empty()) {
    uint32_t rem = 0;
    for (size_t i = mag.size(); i-- > 0;) {
      const uint64_t cur = (uint64_t{rem} << 32) + mag[i];
      mag[i] = static_cast<uint32_t>(cur / 10000);
      rem = static_cast<uint32_t>(cur % 10000);
    }
    for (int k = 0; k < 4; ++k, rem /= 10)
      digits += static_cast<char>('0' + rem % 10);
    if (mag.back() == 0)
      mag.pop_back();
  }
  Limbs out((digits.size() + 8) / 9, 0);
  for (size_t i = digits.size(); i-- > 0;)
    out[i / 9] = out[i / 9] * 10 + static_cast<uint32_t>(digits[i] - '0');
  while (!out.empty() && out.back() == 0)
    out.pop_back();
  return out;
}

std::vector<size_t> sizes() {
  return {1, 2, 63, 64, 65, 95, 96, 97, 127, 128, 129, 191, 192, 193, 200, 333, 1000, 1025, 4099};
}

/// a * b by rows, in base 10^9 or 2^32.
Limbs naive_product(const Limbs& a, const Limbs& b, bool billions) {
  const uint64_t base = billions ? 1000000000u : uint64_t{1} << 32;
  Limbs out(a.size() + b.size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < b.size(); ++j) {
      const __uint128_t x = static_cast<__uint128_t>(a[i]) * b[j] + out[i + j] + carry;
      out[i + j] = static_cast<uint32_t>(x % base);
      carry = static_cast<uint64_t>(x / base);
    }
    out[i + b.size()] = static_cast<uint32_t>(carry);
  }
  while (!out.empty() && out.back() == 0)
    out.pop_back();
  return out;
}

TEST(Radix, ProductsMatchRowByRow) {
  // Every limb the largest (where sums of products overflow first), random,
  // and sizes unbalanced, in both bases.
  std::mt19937_64 rng(3);
  for (bool billions : {true, false}) {
    const uint32_t top = billions ? 999999999u : 0xFFFFFFFFu;
    for (size_t na : sizes()) {
      for (size_t nb : {size_t{1}, size_t{17}, size_t{95}, size_t{96}, na, na + 3,
                        std::min<size_t>(3 * na, 3000)}) {
        for (int fill = 0; fill < 3; ++fill) {
          // 0: every limb the largest; 1: random; 2: random with the upper
          // three quarters of each half zero (Karatsuba's halves and sums
          // then have fewer limbs than their places).
          Limbs a(na), b(nb);
          for (Limbs* v : {&a, &b}) {
            for (size_t i = 0; i < v->size(); ++i) {
              const size_t half = (v->size() + 1) / 2, in_half = i % half;
              (*v)[i] = fill == 0 ? top
                        : fill == 2 && in_half >= half / 4
                            ? 0u
                            : static_cast<uint32_t>(rng() % (uint64_t{top} + 1));
            }
            v->back() = top;
          }
          EXPECT_EQ(ast::detail::multiply(a, b, billions), naive_product(a, b, billions))
              << (billions ? "base 10^9, " : "base 2^32, ") << na << " x " << nb << ", fill "
              << fill;
        }
      }
    }
  }
}

TEST(Radix, DigitsToLimbsMatchesDigitByDigit) {
  std::mt19937_64 rng(20261201);
  for (uint64_t from : {uint64_t{10}, uint64_t{1000000000}, uint64_t{7} * 7 * 7 * 7 * 7 * 7 * 7,
                        uint64_t{36} * 36 * 36 * 36 * 36 * 36, uint64_t{1} << 32}) {
    for (size_t n : sizes()) {
      Limbs digits(n);
      for (uint32_t& d : digits)
        d = static_cast<uint32_t>(rng() % from);
      // Sometimes a run of the largest or of zero digits, where carries and
      // borrows travel furthest.
      if (n % 2 == 1)
        for (size_t i = 0; i < n / 2; ++i)
          digits[i] = static_cast<uint32_t>(n % 4 == 1 ? from - 1 : 0);
      EXPECT_EQ(ast::detail::digits_to_limbs(digits.data(), n, from), naive_to_limbs(digits, from))
          << "from " << from << ", " << n << " digits";
    }
  }
}

TEST(Radix, LimbsToBillionsMatchesRepeatedDivision) {
  std::mt19937_64 rng(7);
  for (size_t n : sizes()) {
    for (int fill = 0; fill < 3; ++fill) {
      Limbs limbs(n);
      for (uint32_t& l : limbs)
        l = fill == 0 ? static_cast<uint32_t>(rng()) : fill == 1 ? 0xFFFFFFFFu : 0u;
      limbs.back() = limbs.back() | 1u;
      EXPECT_EQ(ast::detail::limbs_to_billions(limbs.data(), n), naive_to_billions(limbs))
          << n << " limbs, fill " << fill;
    }
  }
}

/// A literal's value printed back: the decimal digits of integer_value().
std::string round_trip(std::string_view digits, unsigned base) {
  ast::BigValue v = parse::detail::integer_value(digits, base);
  ast::BigInt big{false, static_cast<uint32_t>(v.limbs.size()), v.limbs.data()};
  ast::IntegerTerm t(Span{}, 0, &big);
  return v.limbs.size() > 2 ? ast::integer_to_string(t) : std::string("small");
}

TEST(Radix, DecimalLiteralsReadAndPrintBack) {
  std::mt19937_64 rng(42);
  for (size_t n : {399, 400, 401, 1000, 9999, 123457}) {
    std::string digits(n, '0');
    for (char& c : digits)
      c = static_cast<char>('0' + rng() % 10);
    digits[0] = '7';
    EXPECT_EQ(round_trip(digits, 10), digits) << n << " digits";
  }
}

TEST(Radix, BasedLiteralsAgreeWithDigitByDigit) {
  // Long literals are read by divide and conquer, or bit by bit in a base
  // that is a power of two; the same number written in two bases reads the
  // same.
  std::mt19937_64 rng(9);
  for (unsigned base : {2u, 3u, 8u, 10u, 16u, 29u, 32u, 36u}) {
    Limbs limbs(700);
    for (uint32_t& l : limbs)
      l = static_cast<uint32_t>(rng());
    limbs.back() |= 0x80000000u;
    // Its digits in `base`, by repeated division.
    std::string digits;
    Limbs mag = limbs;
    while (!mag.empty()) {
      uint64_t rem = 0;
      for (size_t i = mag.size(); i-- > 0;) {
        const uint64_t cur = (rem << 32) | mag[i];
        mag[i] = static_cast<uint32_t>(cur / base);
        rem = cur % base;
      }
      digits.insert(digits.begin(), "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rem]);
      while (!mag.empty() && mag.back() == 0)
        mag.pop_back();
    }
    std::string with_separators;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && i % 7 == 0)
        with_separators += '_';
      with_separators +=
          base > 10 && i % 3 == 0 ? static_cast<char>(std::tolower(digits[i])) : digits[i];
    }
    EXPECT_EQ(parse::detail::integer_value(with_separators, base).limbs, limbs) << "base " << base;
  }
}

TEST(Radix, LimitIsOtpsLargestInteger) {
  // 1 bsl 33554367 is OTP's largest power of two; 1 bsl 33554368 is a system_limit.
  const std::string ok = std::string(1, '1') + std::string(33554367, '0');
  const std::string over = ok + "0";
  EXPECT_EQ(parse::detail::integer_too_large(ok, 2), "");
  EXPECT_NE(parse::detail::integer_too_large(over, 2).find("integer too large"), std::string::npos);
  // Leading zeros do not count; a hexadecimal literal of the same value.
  EXPECT_EQ(parse::detail::integer_too_large(std::string(100, '0') + ok, 2), "");
  const std::string hex_over = "1" + std::string(33554368 / 4, '0'); // 2^33554368
  EXPECT_NE(parse::detail::integer_too_large(hex_over, 16), "");
  EXPECT_EQ(parse::detail::integer_too_large(std::string(33554368 / 4, 'F'), 16), "");
}

} // namespace
} // namespace relupkit
