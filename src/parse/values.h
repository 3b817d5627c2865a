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
  bool size_is_all = false;          ///< Size was the atom `all` (OTP accepts it for binaries)
  ast::BigValue size;                ///< the Size expression's value (an integer)
  std::vector<std::string> types;    ///< specifiers in order: "integer", "little", "unit:8", ...
  Span span{};                       ///< the whole segment, for error messages
};

/// Evaluates the segments as erl_parse:parse_term does (eval_bits) and makes a
/// BinaryTerm in `doc`'s arena. Errors (OTP: "bad term") carry the segment span.
Result<ast::BinaryTerm*> build_binary(ast::Document& doc, Span span,
                                      const std::vector<Segment>& segments);

/// Appends code point `c` to `out` as UTF-8.
void append_utf8(std::string& out, uint32_t c);

} // namespace relupkit::parse::detail
