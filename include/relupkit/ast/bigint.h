// SPDX-License-Identifier: Apache-2.0
#pragma once
// Arbitrary-size integer helpers for IntegerTerm values that do not fit in int64_t.

#include <cstdint>
#include <string>
#include <vector>

#include "relupkit/ast/arena.h"
#include "relupkit/ast/term.h"

namespace relupkit::ast {

/// A mutable magnitude (little-endian base 2^32 limbs) with a sign.
struct BigValue {
  bool negative = false;
  std::vector<uint32_t> limbs; ///< empty = zero

  /// Multiplies by `m` and adds `a` (m, a < 2^32).
  void mul_add(uint32_t m, uint32_t a);
  void trim();
  bool fits_int64() const;
  int64_t to_int64() const; ///< requires fits_int64()
  static BigValue from_int64(int64_t v);
};

/// Decimal text of an integer term's value (with `-` when negative).
std::string integer_to_string(const IntegerTerm& t);
void append_integer(std::string& out, const IntegerTerm& t);

/// The value of an integer term as a BigValue.
BigValue to_big(const IntegerTerm& t);

/// Makes an IntegerTerm for `v` in `arena` (small when it fits in int64_t).
IntegerTerm* make_integer(Arena& arena, Span span, const BigValue& v);

/// Compares two integers by value (-1, 0, 1), each given as IntegerTerm holds
/// it: `big` when set, else `value`.
int compare_integers(int64_t a_value, const BigInt* a_big, int64_t b_value, const BigInt* b_big);
/// Compares two integer terms by value (-1, 0, 1).
inline int compare_integers(const IntegerTerm& a, const IntegerTerm& b) {
  return compare_integers(a.value, a.big, b.value, b.big);
}

/// The low `bits` bits of the two's-complement representation of `v`, big-endian,
/// written into `out` starting at bit offset `bit_pos` (out must be large enough).
void write_bits_big_endian(const BigValue& v,
                           uint64_t bits,
                           std::vector<uint8_t>& out,
                           uint64_t bit_pos);

namespace detail {
/// The number whose digits in base `from` (2..2^32) are `digits[0, n)`, least
/// significant first, each below `from`: its limbs in base 2^32, least
/// significant first, without leading zeros. Time below quadratic in `n`.
std::vector<uint32_t> digits_to_limbs(const uint32_t* digits, size_t n, uint64_t from);
/// The product of `a` and `b`, limbs in base 10^9 when `billions`, else in
/// base 2^32, least significant first, without leading zeros (exposed for tests).
std::vector<uint32_t>
multiply(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, bool billions);
/// The number with base 2^32 limbs `limbs[0, n)` in base 10^9 (each element
/// 0..999,999,999), least significant first, without leading zeros. Time
/// below quadratic in `n`.
std::vector<uint32_t> limbs_to_billions(const uint32_t* limbs, size_t n);
} // namespace detail

} // namespace relupkit::ast
