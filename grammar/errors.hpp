// SPDX-License-Identifier: Apache-2.0
#pragma once
// Error messages of the reference grammar: one per rule that appears under must<>.
//
// Used through must_if<error>::control. Messages are raised only by must<>
// (raise_on_failure is false for every rule), so a rule may also be tried
// where failing is normal, e.g. `tuple_close` right after `{`.

#include <tao/pegtl.hpp>

#include "erlang_term.hpp"

namespace relupkit::grammar {

template <typename Rule> inline constexpr const char* error_message = nullptr;

// clang-format off
template <> inline constexpr auto error_message<escape_hex_digits> = "illegal \\x escape: expected two hex digits or {...}";
template <> inline constexpr auto error_message<control_char> = "unterminated \\^ escape at end of file";
template <> inline constexpr auto error_message<escape_body> = "illegal character after '\\'";
template <> inline constexpr auto error_message<string_more> = "unterminated string";
template <> inline constexpr auto error_message<string_char> = "illegal character in string";
template <> inline constexpr auto error_message<quoted_more> = "unterminated quoted atom";
template <> inline constexpr auto error_message<quoted_char> = "illegal character in quoted atom";
template <> inline constexpr auto error_message<char_value> = "expected a character after '$'";
template <> inline constexpr auto error_message<based_digits> = "illegal integer: no digits after '#'";
template <> inline constexpr auto error_message<signed_operand> = "unary minus or plus applies only to a number literal";
template <> inline constexpr auto error_message<paren_close> = "expected ')'";
template <> inline constexpr auto error_message<term> = "expected a term";
template <> inline constexpr auto error_message<tuple_close> = "expected ',' or '}' in tuple";
template <> inline constexpr auto error_message<list_close> = "expected ',', '|' or ']' in list";
template <> inline constexpr auto error_message<map_brace> = "expected '{' after '#' (maps are written #{K => V}; records are not terms)";
template <> inline constexpr auto error_message<map_field> = "expected a key in map";
template <> inline constexpr auto error_message<map_assoc> = "expected '=>' in map";
template <> inline constexpr auto error_message<map_close> = "expected ',' or '}' in map";
template <> inline constexpr auto error_message<bin_element> = "expected a binary segment (a number, string or binary)";
template <> inline constexpr auto error_message<bit_size> = "expected a segment size after ':'";
template <> inline constexpr auto error_message<bit_unit> = "expected an integer after ':' in a type specifier";
template <> inline constexpr auto error_message<bit_type> = "expected a type specifier (integer, float, binary, utf8, signed, little, unit:N, ...)";
template <> inline constexpr auto error_message<bit_type_list> = "expected a type specifier list after '/'";
template <> inline constexpr auto error_message<binary_close> = "expected ',' or '>>' in binary";
template <> inline constexpr auto error_message<fun_module> = "expected a module atom in 'fun M:F/A'";
template <> inline constexpr auto error_message<fun_colon> = "only external funs 'fun M:F/A' are terms; expected ':'";
template <> inline constexpr auto error_message<fun_function> = "expected a function atom in 'fun M:F/A'";
template <> inline constexpr auto error_message<fun_slash> = "expected '/' in 'fun M:F/A'";
template <> inline constexpr auto error_message<fun_arity> = "expected an integer arity in 'fun M:F/A'";
template <> inline constexpr auto error_message<dot> = "expected '.' followed by whitespace, '%' or the end of the file after the term";
template <> inline constexpr auto error_message<utf8_end> = "invalid UTF-8 (declare '%% coding: latin-1' on the first line for Latin-1 text)";
// clang-format on

/// The Errors parameter of must_if: messages for must<>, never raise on plain failure.
struct error {
  template <typename Rule> static constexpr const char* message = error_message<Rule>;
  template <typename Rule> static constexpr bool raise_on_failure = false;
};

template <typename Rule> using control = tao::pegtl::must_if<error>::control<Rule>;

} // namespace relupkit::grammar
