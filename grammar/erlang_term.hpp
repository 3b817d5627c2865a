// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Erlang term-file language as OTP 25's file:consult/1 reads it, as a PEGTL 3.x grammar.
//
// Follows ../shared/spec/otp-relup-appup.md section 6 ("Term syntax accepted by
// file:consult/1"), checked against OTP 25 itself: erl_scan (tokens, escapes,
// numbers, whitespace, comments), erl_parse.yrl (`parse_term/1`, `normalise/1`,
// `expr_max`, `bin_element`, `fun_expr`) and epp:read_encoding (the `coding:`
// comment). grammar/README.md maps every rule to the hand parser's function
// of the same name and lists where the grammar relies on an action.
//
// The grammar reads UTF-8: a Latin-1 file is transcoded before parsing (as
// OTP's io server does, it reads characters, not bytes). Rules match *code
// points* (`utf8::` rules) where erl_scan's character classes go beyond ASCII.
//
// Tokens are not separated from syntax: `skip` (whitespace and comments) sits
// between the tokens of every production, and each production commits
// (`must<>`) once its first token is seen, so there is no backtracking over
// actions. What a context-free grammar cannot say is checked by the actions in
// to_ast.hpp: reserved words and variables (refused), atom length (255
// characters), digits of a based integer against its base, the value of a
// `\x{...}` escape, float range, fun arity, and binary segment evaluation.

#include <tao/pegtl.hpp>

namespace relupkit::grammar {

using namespace tao::pegtl; // NOLINT(google-build-using-namespace): grammar DSL

// clang-format off

// ---------------------------------------------------------------------------
// Characters (erl_scan: ?WHITE_SPACE, ?UNICODE, scan_name's classes)

struct white_char : utf8::ranges< 0x00, 0x20, 0x80, 0xA0 > {};
struct source_char : utf8::ranges< 0x0, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF > {};
struct comment_char : utf8::ranges< 0x0, 0x9, 0xB, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF > {};
struct comment : seq< one< '%' >, star< comment_char > > {};
struct skip : star< sor< white_char, comment > > {};

struct name_start : sor< ascii::range< 'a', 'z' >, utf8::ranges< 0xDF, 0xF6, 0xF8, 0xFF > > {};
struct var_start : sor< ascii::ranges< 'A', 'Z', '_' >, utf8::ranges< 0xC0, 0xD6, 0xD8, 0xDE > > {};
struct name_char : sor< ascii::ranges< 'a', 'z', 'A', 'Z', '0', '9', '_', '_', '@' >, utf8::ranges< 0xC0, 0xD6, 0xD8, 0xF6, 0xF8, 0xFF > > {};

// ---------------------------------------------------------------------------
// Escapes (erl_scan:scan_escape/2), shared by strings, quoted atoms and $chars

struct escape_octal : seq< ascii::odigit, rep_opt< 2, ascii::odigit > > {};
struct escape_hex_braced : seq< one< '{' >, star< ascii::xdigit >, one< '}' > > {};
struct escape_hex_pair : rep< 2, ascii::xdigit > {};
struct escape_hex_digits : sor< escape_hex_braced, escape_hex_pair > {};
struct escape_hex : seq< one< 'x' >, must< escape_hex_digits > > {};
struct control_char : utf8::any {};
struct escape_control : seq< one< '^' >, must< control_char > > {};
struct escape_char : source_char {};
struct escape_body : sor< escape_octal, escape_hex, escape_control, escape_char > {};
struct escape : seq< one< '\\' >, must< escape_body > > {};

// ---------------------------------------------------------------------------
// Strings, quoted atoms, character literals

struct string_run : plus< utf8::ranges< 0x0, 0x21, 0x23, 0x5B, 0x5D, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF > > {};
struct string_char : sor< escape, string_run > {};
struct string_more : not_at< eof > {};
struct string_literal : seq< one< '"' >, until< one< '"' >, must< string_more >, must< string_char > > > {};
struct strings : seq< string_literal, star< skip, string_literal > > {};

struct quoted_run : plus< utf8::ranges< 0x0, 0x26, 0x28, 0x5B, 0x5D, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF > > {};
struct quoted_char : sor< escape, quoted_run > {};
struct quoted_more : not_at< eof > {};
struct quoted_atom : seq< one< '\'' >, until< one< '\'' >, must< quoted_more >, must< quoted_char > > > {};

struct char_plain : source_char {};
struct char_value : sor< escape, char_plain > {};
struct char_literal : seq< one< '$' >, must< char_value > > {};

// ---------------------------------------------------------------------------
// Names

struct bare_atom : seq< name_start, star< name_char > > {};
struct atom : sor< quoted_atom, bare_atom > {};
struct variable : seq< var_start, star< name_char > > {};
struct keyword_fun : seq< string< 'f', 'u', 'n' >, not_at< name_char > > {};

// ---------------------------------------------------------------------------
// Numbers (erl_scan:scan_number/7 and friends)

struct digits : seq< ascii::digit, star< opt< one< '_' > >, ascii::digit > > {};
struct exponent : seq< one< 'e', 'E' >, opt< one< '+', '-' > >, digits > {};
struct float_literal : seq< digits, one< '.' >, digits, opt< exponent > > {};
struct based_digits : plus< sor< ascii::alnum, one< '_' > > > {};
struct based_integer : seq< digits, one< '#' >, must< based_digits > > {};
struct decimal_integer : digits {};
struct integer_literal : sor< based_integer, decimal_integer > {};
struct number : sor< float_literal, integer_literal > {};

// ---------------------------------------------------------------------------
// Terms (erl_parse:parse_term/1 after normalise/1)

struct term;
struct term_max;

struct comma : seq< skip, one< ',' >, skip > {};

struct paren_open : one< '(' > {};
struct paren_close : one< ')' > {};

struct sign : one< '-', '+' > {};
struct signed_operand;
struct paren_signed_operand : seq< paren_open, skip, must< signed_operand >, skip, must< paren_close > > {};
struct signed_operand : sor< number, char_literal, paren_signed_operand > {};
struct signed_number : seq< sign, skip, must< signed_operand > > {};

struct paren_term : seq< paren_open, skip, must< term >, skip, must< paren_close > > {};

struct tuple_open : one< '{' > {};
struct tuple_close : one< '}' > {};
struct tuple : seq< tuple_open, skip, sor< tuple_close, seq< must< term >, star< comma, must< term > >, skip, must< tuple_close > > > > {};

struct list_open : one< '[' > {};
struct list_close : one< ']' > {};
struct list_bar : seq< skip, one< '|' >, skip > {};
struct list_tail : seq< list_bar, must< term > > {};
struct list : seq< list_open, skip, sor< list_close, seq< must< term >, star< comma, must< term > >, opt< list_tail >, skip, must< list_close > > > > {};

struct map_brace : one< '{' > {};
struct map_open : seq< one< '#' >, skip, must< map_brace > > {};
struct map_close : one< '}' > {};
struct map_exact : string< ':', '=' > {};
struct map_arrow : string< '=', '>' > {};
struct map_assoc : sor< map_arrow, map_exact > {};
struct map_field : seq< term, skip, must< map_assoc >, skip, must< term > > {};
struct map : seq< map_open, skip, sor< map_close, seq< must< map_field >, star< comma, must< map_field > >, skip, must< map_close > > > > {};

struct bit_value : sor< signed_number, term_max > {};
struct bit_size : seq< term_max > {};
struct bit_unit : integer_literal {};
struct bit_type : seq< atom, opt< skip, one< ':' >, skip, must< bit_unit > > > {};
struct bit_type_list : seq< bit_type, star< skip, one< '-' >, skip, must< bit_type > > > {};
struct bin_element : seq< bit_value, opt< skip, one< ':' >, skip, must< bit_size > >, opt< skip, one< '/' >, skip, must< bit_type_list > > > {};
struct binary_open : string< '<', '<' > {};
struct binary_close : string< '>', '>' > {};
struct binary : seq< binary_open, skip, sor< binary_close, seq< must< bin_element >, star< comma, must< bin_element > >, skip, must< binary_close > > > > {};

struct fun_module : atom {};
struct fun_colon : one< ':' > {};
struct fun_function : atom {};
struct fun_slash : one< '/' > {};
struct fun_arity : integer_literal {};
struct fun_term : seq< keyword_fun, skip, must< fun_module >, skip, must< fun_colon >, skip, must< fun_function >, skip, must< fun_slash >, skip, must< fun_arity > > {};

struct term_max : sor< tuple, list, binary, fun_term, strings, char_literal, number, paren_term, atom, variable > {};
struct term : sor< signed_number, map, term_max > {};

// ---------------------------------------------------------------------------
// Document (file:consult/1: terms ended by a dot token, erl_scan:scan_dot/6)

struct dot : seq< one< '.' >, sor< eof, at< white_char >, at< one< '%' > > > > {};
struct document : seq< skip, until< eof, must< term >, skip, must< dot >, skip > > {};

// ---------------------------------------------------------------------------
// Before parsing: the text must be UTF-8 (unless Latin-1 is declared), and
// the encoding comment of epp:read_encoding/2 (first two lines, first 512 bytes)

struct utf8_end : eof {};
struct utf8_text : seq< star< utf8::any >, must< utf8_end > > {};

struct coding_sep : seq< star< one< ' ' > >, one< ':', '=' >, star< one< ' ' > > > {};
struct coding_name : seq< star< ascii::alnum >, star< one< '-' >, star< ascii::alnum > > > {};
struct coding_decl : seq< string< 'c', 'o', 'd', 'i', 'n', 'g' >, coding_sep, coding_name > {};
struct coding_comment : seq< one< '%' >, until< sor< at< one< '\n' > >, eof, coding_decl > > > {};
struct coding_line : seq< star< not_one< '%', '\n' > >, opt< coding_comment > > {};
struct encoding_header : seq< coding_line, opt< one< '\n' >, coding_line > > {};

// clang-format on

} // namespace relupkit::grammar
