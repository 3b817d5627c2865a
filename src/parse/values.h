// SPDX-License-Identifier: Apache-2.0
#pragma once
// Value semantics shared by the hand parser and the PEGTL reference grammar:
// number literal conversion and binary construction (what erl_scan's
// list_to_integer/list_to_float and eval_bits do). Syntax is each parser's own.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "relupkit/ast/bigint.h"
#include "relupkit/ast/term.h"
#include "relupkit/base/result.h"

namespace relupkit::parse::detail {

/// The largest integer relupkit reads, in bits of magnitude: OTP's own
/// largest (`1 bsl 33554367` is an integer, `1 bsl 33554368` a
/// system_limit), about 10.1 million decimal digits. OTP converts literals in
/// time quadratic in their digits (file:consult takes about 17 s on 1,000,000
/// digits); relupkit's conversions take time below quadratic (see
/// src/ast/radix.cpp).
constexpr uint64_t kMaxIntegerBits = 33554368;

/// Literals of up to this many characters are converted digit by digit.
constexpr size_t kSmallLiteral = 400;

/// The digits of a literal (with `_` separators) that are not leading zeros.
size_t significant_digits(std::string_view digits);

/// The error message when the digits (with `_` separators) of a base-`base`
/// literal need more than kMaxIntegerBits bits, or an empty string.
std::string integer_too_large(std::string_view digits, unsigned base = 10);

/// Value of a decimal digit string that may contain `_` separators (already
/// checked to be between digits), or of `Base#Digits` given as base and digits.
ast::BigValue integer_value(std::string_view digits, unsigned base = 10);

/// Value of a float literal `D.D[eE[+-]D]` (with `_` separators); false when it
/// is out of range (OTP: illegal float). Underflow reads as OTP reads it.
bool float_value(std::string_view text, double& out);

/// Makes an IntegerTerm or the BigInt form as needed.
ast::IntegerTerm* make_integer(ast::Document& doc, Span span, const ast::BigValue& v);

/// Value of one binary segment, before its size and type are applied.
struct SegmentValue {
  enum Kind : uint8_t { Integer, Float, String, Bits } kind = Integer;
  ast::BigValue integer;          ///< Integer
  double real = 0;                ///< Float
  std::vector<uint32_t> chars;    ///< String: character codes
  std::vector<uint8_t> bits_data; ///< Bits: a nested binary
  uint64_t bits = 0;              ///< Bits: its size in bits
};

/// A binary segment `Value[:Size][/TypeSpecifierList]` as written.
struct Segment {
  SegmentValue value;
  bool has_size = false;
  bool size_is_all = false;       ///< Size was the atom `all` (OTP accepts it for binaries)
  bool size_is_undefined = false; ///< Size was the atom `undefined` (OTP: no size, utf only)
  ast::BigValue size;             ///< the Size expression's value (an integer)
  std::vector<std::string> types; ///< specifiers in order: "integer", "little", "unit:8", ...
  Span span{};                    ///< the whole segment, for error messages
};

/// The largest binary relupkit builds from one literal (OTP has no such limit;
/// this keeps memory proportional to the input for hostile files).
constexpr uint64_t kMaxBinaryBits = uint64_t(1) << 27; // 16 MiB

/// The bits all binaries of one document may hold together: 16 MiB, plus 64
/// bits per input byte (`<<1:99999990>>` is 14 bytes of text; a file of such
/// literals must not need terabytes).
inline uint64_t binary_budget_bits(size_t input_bytes) {
  return kMaxBinaryBits + uint64_t(input_bytes) * 64;
}

/// A growing bitstring, most significant bit first.
class BitWriter {
public:
  std::vector<uint8_t> bytes;
  uint64_t bits = 0;

  bool reserve(uint64_t more) {
    if (more > kMaxBinaryBits || bits + more > kMaxBinaryBits)
      return false;
    bytes.resize(static_cast<size_t>((bits + more + 7) / 8), 0);
    return true;
  }
  void put_bits(uint64_t value, unsigned n) { // n <= 64, MSB first
    for (unsigned i = 0; i < n; ++i) {
      if ((value >> (n - 1 - i)) & 1u)
        bytes[static_cast<size_t>((bits + i) / 8)] |=
            static_cast<uint8_t>(0x80u >> ((bits + i) % 8));
    }
    bits += n;
  }
  void put_byte(uint8_t b) {
    if (bits % 8 == 0) {
      bytes[static_cast<size_t>(bits / 8)] = b;
      bits += 8;
    } else {
      put_bits(b, 8);
    }
  }
  void clear() {
    bytes.clear();
    bits = 0;
  }
};

/// Evaluates a binary's segments one at a time, as erl_parse:parse_term does
/// (eval_bits), so that a binary of N segments never needs a list of N
/// segments. Errors (OTP: "bad term") carry the segment's span.
class BinaryBuilder {
public:
  /// Appends the bits of one segment.
  Result<void> add(const Segment& s);
  /// Makes the BinaryTerm in `doc`'s arena and empties the builder; fails when
  /// the document's binaries would hold more than `budget_bits` (which it lowers).
  Result<ast::BinaryTerm*> finish(ast::Document& doc, Span span, uint64_t& budget_bits);

private:
  BitWriter w_;
};

/// Evaluates the segments as erl_parse:parse_term does (eval_bits) and makes a
/// BinaryTerm in `doc`'s arena. Errors (OTP: "bad term") carry the segment span.
Result<ast::BinaryTerm*> build_binary(ast::Document& doc,
                                      Span span,
                                      const std::vector<Segment>& segments,
                                      uint64_t& budget_bits);

/// Appends code point `c` to `out` as UTF-8.
void append_utf8(std::string& out, uint32_t c);

} // namespace relupkit::parse::detail
