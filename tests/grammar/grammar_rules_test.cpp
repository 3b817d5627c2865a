// SPDX-License-Identifier: Apache-2.0
// Rule-level tables for grammar/erlang_term.hpp, after PEGTL's verify_rule:
// each row is (input, outcome, bytes left unconsumed on success).
//
// Outcomes: Success; Local = the rule does not match (a caller may try
// something else); Global = a must<> failed, the input is an error whatever
// the caller does. Only syntax is checked here: no actions run, so e.g.
// `after` is a bare_atom and `2#9` a based_integer (to_ast.hpp refuses them).
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include <tao/pegtl.hpp>

#include "erlang_term.hpp"
#include "errors.hpp"

namespace {

using namespace relupkit;
namespace pegtl = tao::pegtl;

enum class Outcome { Success, Local, Global };

const char* name(Outcome o) {
  return o == Outcome::Success ? "success"
         : o == Outcome::Local ? "local failure"
                               : "global failure";
}

struct Row {
  int line;
  std::string_view input;
  Outcome outcome;
  size_t unconsumed = 0; ///< checked on success only
};

template <typename Rule> void verify(std::initializer_list<Row> rows) {
  for (const Row& r : rows) {
    SCOPED_TRACE(testing::Message() << "row at line " << r.line << ": "
                                    << testing::PrintToString(std::string(r.input)));
    pegtl::memory_input<> in(r.input.data(), r.input.size(), "row");
    Outcome got;
    try {
      got = pegtl::parse<Rule, pegtl::nothing, grammar::control>(in) ? Outcome::Success
                                                                     : Outcome::Local;
    } catch (const pegtl::parse_error&) {
      got = Outcome::Global;
    }
    EXPECT_STREQ(name(got), name(r.outcome));
    if (got == Outcome::Success && r.outcome == Outcome::Success) {
      EXPECT_EQ(in.size(), r.unconsumed);
    }
  }
}

constexpr Outcome S = Outcome::Success;
constexpr Outcome L = Outcome::Local;
constexpr Outcome G = Outcome::Global;

TEST(GrammarRules, WhiteChar) {
  verify<grammar::white_char>({
      {__LINE__, " ", S},
      {__LINE__, std::string_view("\0", 1), S},
      {__LINE__, "\t", S},
      {__LINE__, "\r", S},
      {__LINE__, "\x1f", S},
      {__LINE__, "\xc2\x80", S}, // U+0080
      {__LINE__, "\xc2\xa0", S}, // U+00A0 NBSP
      {__LINE__, "\xc2\xa1", L}, // U+00A1
      {__LINE__, "!", L},
      {__LINE__, "\x7f", L},         // DEL is not white space
      {__LINE__, "\xe3\x80\x80", L}, // U+3000 ideographic space
      {__LINE__, "", L},
  });
}

TEST(GrammarRules, Skip) {
  verify<grammar::skip>({
      {__LINE__, "", S},
      {__LINE__, "  \n\t", S},
      {__LINE__, "% comment", S},
      {__LINE__, "% comment\nx", S, 1},
      {__LINE__, "%a\n%b\n  %c", S},
      {__LINE__, "%\r\nx", S, 1},
      {__LINE__, "%\xef\xbf\xbe\n", S, 4}, // U+FFFE ends the comment (then: illegal character)
      {__LINE__, "x", S, 1},
  });
}

TEST(GrammarRules, Comment) {
  verify<grammar::comment>({
      {__LINE__, "%", S},
      {__LINE__, "%% coding: utf-8\n", S, 1},
      {__LINE__, "% \xce\xb1\xf0\x9f\x98\x80", S},
      {__LINE__, "a", L},
  });
}

TEST(GrammarRules, BareAtom) {
  verify<grammar::bare_atom>({
      {__LINE__, "a", S},
      {__LINE__, "ok_1@x", S},
      {__LINE__, "aB9_@", S},
      {__LINE__, "\xc3\xa9t\xc3\xa9", S}, // été
      {__LINE__, "\xc3\x9f", S},          // ß
      {__LINE__, "\xc3\xbf", S},          // ÿ
      {__LINE__, "a\xc3\x89", S},         // aÉ
      {__LINE__, "a\xc3\x97", S, 2},      // a× stops at ×
      {__LINE__, "\xc3\xb7", L},          // ÷
      {__LINE__, "\xc3\x89t", L},         // Ét is a variable
      {__LINE__, "a\xce\xb1", S, 2},      // α is not a name character
      {__LINE__, "A", L},
      {__LINE__, "_a", L},
      {__LINE__, "1a", L},
      {__LINE__, "a.b", S, 2},
      {__LINE__, "after", S}, // refused by the action, not the rule
  });
}

TEST(GrammarRules, Variable) {
  verify<grammar::variable>({
      {__LINE__, "X", S},
      {__LINE__, "_", S},
      {__LINE__, "_a1", S},
      {__LINE__, "\xc3\x80x", S}, // Àx
      {__LINE__, "\xc3\x9e", S},  // Þ
      {__LINE__, "\xc3\x97", L},  // ×
      {__LINE__, "a", L},
  });
}

TEST(GrammarRules, KeywordFun) {
  verify<grammar::keyword_fun>({
      {__LINE__, "fun", S},
      {__LINE__, "fun ", S, 1},
      {__LINE__, "fun'a'", S, 3},
      {__LINE__, "funny", L},
      {__LINE__, "fun@", L},
      {__LINE__, "fu", L},
  });
}

TEST(GrammarRules, Escape) {
  verify<grammar::escape>({
      {__LINE__, "\\n", S},
      {__LINE__, "\\z", S},
      {__LINE__, "\\\n", S},
      {__LINE__, "\\1", S},
      {__LINE__, "\\1234", S, 1},
      {__LINE__, "\\8", S},
      {__LINE__, "\\x41", S},
      {__LINE__, "\\x414", S, 1},
      {__LINE__, "\\x{3b1}", S},
      {__LINE__, "\\x{}", S}, // refused by the action
      {__LINE__, "\\x{41", G},
      {__LINE__, "\\x4g", G},
      {__LINE__, "\\x4", G},
      {__LINE__, "\\x", G},
      {__LINE__, "\\x{ 41}", G},
      {__LINE__, "\\^a", S},
      {__LINE__, "\\^\xef\xbf\xbe", S}, // \^ takes any character, even U+FFFE
      {__LINE__, "\\^", G},
      {__LINE__, "\\\xef\xbf\xbe", G},
      {__LINE__, "\\", G},
      {__LINE__, "n", L},
  });
}

TEST(GrammarRules, StringLiteral) {
  verify<grammar::string_literal>({
      {__LINE__, "\"\"", S},
      {__LINE__, "\"abc\"", S},
      {__LINE__, "\"a\nb\"", S},
      {__LINE__, "\"a\\\"b\"", S},
      {__LINE__, "\"\xce\xb1\xf0\x9f\x98\x80\"", S},
      {__LINE__, "\"a\" \"b\"", S, 4},
      {__LINE__, "\"abc", G},
      {__LINE__, "\"abc\\\"", G},
      {__LINE__, "\"\xef\xbf\xbe\"", G},
      {__LINE__, "\"\xef\xbf\xbf\"", G},
      {__LINE__, "'a'", L},
  });
}

TEST(GrammarRules, Strings) {
  verify<grammar::strings>({
      {__LINE__, "\"a\" \"b\"", S},
      {__LINE__, "\"a\"\"b\"", S},
      {__LINE__, "\"a\" %c\n \"b\"", S},
      {__LINE__, "\"a\" 'b'", S, 4},
      {__LINE__, "\"a\" ", S, 1},
      {__LINE__, "\"a\" \"b", G},
  });
}

TEST(GrammarRules, QuotedAtom) {
  verify<grammar::quoted_atom>({
      {__LINE__, "''", S},
      {__LINE__, "'hello world'", S},
      {__LINE__, "'a.b'", S},
      {__LINE__, "'\\''", S},
      {__LINE__, "'\\x{3B1}'", S},
      {__LINE__, "'a'b", S, 1},
      {__LINE__, "'abc", G},
      {__LINE__, "'\xef\xbf\xbf'", G},
      {__LINE__, "\"a\"", L},
  });
}

TEST(GrammarRules, CharLiteral) {
  verify<grammar::char_literal>({
      {__LINE__, "$a", S},
      {__LINE__, "$ ", S},
      {__LINE__, "$\n", S},
      {__LINE__, "$%", S},
      {__LINE__, "$$", S},
      {__LINE__, "$\\n", S},
      {__LINE__, "$\\x{41}", S},
      {__LINE__, "$\\101", S},
      {__LINE__, "$\\^A", S},
      {__LINE__, "$\\\\", S},
      {__LINE__, "$\xce\xb1", S},
      {__LINE__, "$\xc2\xa0", S},
      {__LINE__, "$ab", S, 1},
      {__LINE__, "$", G},
      {__LINE__, "$\\", G},
      {__LINE__, "$\\^", G},
      {__LINE__, "$\xef\xbf\xbe", G},
      {__LINE__, "a", L},
  });
}

TEST(GrammarRules, Digits) {
  verify<grammar::digits>({
      {__LINE__, "0", S},
      {__LINE__, "007", S},
      {__LINE__, "1_000_000", S},
      {__LINE__, "0_1", S},
      {__LINE__, "1__0", S, 3},
      {__LINE__, "1_", S, 1},
      {__LINE__, "_1", L},
      {__LINE__, "a", L},
  });
}

TEST(GrammarRules, Number) {
  verify<grammar::number>({
      {__LINE__, "42", S},
      {__LINE__, "16#fF", S},
      {__LINE__, "1_6#ff", S},
      {__LINE__, "36#zz", S},
      {__LINE__, "16#f_f", S},
      {__LINE__, "2#102", S}, // digits checked against the base by the action
      {__LINE__, "2#", G},
      {__LINE__, "16#_1", S}, // '_' placement checked by the action
      {__LINE__, "1.5", S},
      {__LINE__, "1.5e3", S},
      {__LINE__, "1.5E-3", S},
      {__LINE__, "2.0e+2", S},
      {__LINE__, "1_0.0_1", S},
      {__LINE__, "1.0e1_0", S},
      {__LINE__, "1.0e", S, 1}, // then the atom e: a syntax error in any context
      {__LINE__, "1.0e-", S, 2},
      {__LINE__, "1.e5", S, 3},
      {__LINE__, "1e5", S, 2},
      {__LINE__, "16#1.5", S, 2},
      {__LINE__, "1.", S, 1},
      {__LINE__, ".5", L},
      {__LINE__, "-1", L},
  });
}

TEST(GrammarRules, SignedNumber) {
  verify<grammar::signed_number>({
      {__LINE__, "-1", S},
      {__LINE__, "- 1", S},
      {__LINE__, "-%c\n1", S},
      {__LINE__, "+1.5", S},
      {__LINE__, "-$a", S},
      {__LINE__, "-(5)", S},
      {__LINE__, "-( ( 5 ) )", S},
      {__LINE__, "-16#ff", S},
      {__LINE__, "- -5", G},
      {__LINE__, "-(-5)", G},
      {__LINE__, "-a", G},
      {__LINE__, "-\"a\"", G},
      {__LINE__, "-(5", G},
      {__LINE__, "--5", G},
      {__LINE__, "5", L},
  });
}

TEST(GrammarRules, Term) {
  verify<grammar::term>({
      {__LINE__, "a", S},
      {__LINE__, "(a)", S},
      {__LINE__, "((a))", S},
      {__LINE__, "{(a)}", S},
      {__LINE__, "[(1)|(2)]", S},
      {__LINE__, "(-5)", S},
      {__LINE__, "X", S}, // refused by the action
      {__LINE__, "()", G},
      {__LINE__, "(a", G},
      {__LINE__, "(a,b)", G},
      {__LINE__, ".", L},
      {__LINE__, ")", L},
      {__LINE__, "\xce\xb1", L},
  });
}

TEST(GrammarRules, Tuple) {
  verify<grammar::tuple>({
      {__LINE__, "{}", S},
      {__LINE__, "{ }", S},
      {__LINE__, "{a}", S},
      {__LINE__, "{a, b, {c}}", S},
      {__LINE__, "{a,%c\nb}", S},
      {__LINE__, "{a}}", S, 1},
      {__LINE__, "{a,}", G},
      {__LINE__, "{,}", G},
      {__LINE__, "{a b}", G},
      {__LINE__, "{a", G},
      {__LINE__, "{a]", G},
      {__LINE__, "[a]", L},
  });
}

TEST(GrammarRules, List) {
  verify<grammar::list>({
      {__LINE__, "[]", S},
      {__LINE__, "[a]", S},
      {__LINE__, "[a,b]", S},
      {__LINE__, "[a|b]", S},
      {__LINE__, "[a,b|[c]]", S},
      {__LINE__, "[a | b]", S},
      {__LINE__, "[a|b|c]", G},
      {__LINE__, "[a||b]", G},
      {__LINE__, "[|a]", G},
      {__LINE__, "[a|]", G},
      {__LINE__, "[a,]", G},
      {__LINE__, "[a", G},
      {__LINE__, "{a}", L},
  });
}

TEST(GrammarRules, Map) {
  verify<grammar::map>({
      {__LINE__, "#{}", S},
      {__LINE__, "# {}", S},
      {__LINE__, "#%c\n{}", S},
      {__LINE__, "#{a => 1}", S},
      {__LINE__, "#{a=>1,b=>#{}}", S},
      {__LINE__, "#{#{a=>1} => [1]}", S},
      {__LINE__, "#{<<1>>=><<2>>}", S},
      {__LINE__, "#{a := 1}", S}, // refused by the action with its own message
      {__LINE__, "#{a = > 1}", G},
      {__LINE__, "#{a}", G},
      {__LINE__, "#{a => }", G},
      {__LINE__, "#{a => 1,}", G},
      {__LINE__, "#r{}", G},
      {__LINE__, "#", G},
      {__LINE__, "{}", L},
  });
}

TEST(GrammarRules, Binary) {
  verify<grammar::binary>({
      {__LINE__, "<<>>", S},
      {__LINE__, "<< >>", S},
      {__LINE__, "<<1,2,3>>", S},
      {__LINE__, "<<\"abc\">>", S},
      {__LINE__, "<<\"a\" \"b\">>", S},
      {__LINE__, "<<1:16/little>>", S},
      {__LINE__, "<<2/signed-big>>", S},
      {__LINE__, "<<5:1/unit:8>>", S},
      {__LINE__, "<<1/'little'>>", S},
      {__LINE__, "<<1:2/unit:16#4>>", S},
      {__LINE__, "<<-1>>", S},
      {__LINE__, "<<-(1)>>", S},
      {__LINE__, "<<(-1)>>", S},
      {__LINE__, "<<1:(8)>>", S},
      {__LINE__, "<<1:$a>>", S},
      {__LINE__, "<<<<1>>/binary>>", S},
      {__LINE__, "<<<<1>>:all/binary>>", S},
      {__LINE__, "<< (1) : (8) / little >>", S},
      {__LINE__, "<<1:-8>>", G},
      {__LINE__, "<<1:+8>>", G},
      {__LINE__, "<<- -1>>", G},
      {__LINE__, "<<1/(little)>>", G},
      {__LINE__, "<<1/unit:$a>>", G},
      {__LINE__, "<<1/unit:8.0>>", G},
      {__LINE__, "<<1/little -1>>", G},
      {__LINE__, "<<1,>>", G},
      {__LINE__, "<<,1>>", G},
      {__LINE__, "<<1>", G},
      {__LINE__, "<<1> >", G},
      {__LINE__, "<<#{}>>", G}, // a map is not an expr_max
      {__LINE__, "<<1>>>", S, 1},
      {__LINE__, "< <1>>", L},
  });
}

TEST(GrammarRules, FunTerm) {
  verify<grammar::fun_term>({
      {__LINE__, "fun a:b/1", S},
      {__LINE__, "fun 'a':'b'/16#3", S},
      {__LINE__, "fun a : b / 1", S},
      {__LINE__, "fun %c\n a %c\n : b/ 1", S},
      {__LINE__, "fun a:b/256", S}, // arity checked by the action
      {__LINE__, "fun a/1", G},
      {__LINE__, "fun (a):b/1", G},
      {__LINE__, "fun a:b/$a", G},
      {__LINE__, "fun a:b/-1", G},
      {__LINE__, "fun a::b/1", G},
      {__LINE__, "fun a:b/=1", G},
      {__LINE__, "fun M:F/1", G},
      {__LINE__, "fun", G},
      {__LINE__, "funny", L},
  });
}

TEST(GrammarRules, Dot) {
  verify<grammar::dot>({
      {__LINE__, ".", S},
      {__LINE__, ". ", S, 1},
      {__LINE__, ".\n", S, 1},
      {__LINE__, ".%", S, 1},
      {__LINE__, std::string_view(".\0", 2), S, 1},
      {__LINE__, ".\xc2\xa0", S, 2},
      {__LINE__, ".a", L},
      {__LINE__, "..", L},
      {__LINE__, ".\x7f", L},
  });
}

TEST(GrammarRules, Document) {
  verify<grammar::document>({
      {__LINE__, "", S},
      {__LINE__, "  \n", S},
      {__LINE__, "%only", S},
      {__LINE__, "a.", S},
      {__LINE__, "a. b.", S},
      {__LINE__, "{a}. {b}.\n", S},
      {__LINE__, "a.%x", S},
      {__LINE__,
       "\xc2\xa0"
       "a.\xc2\xa0",
       S},
      {__LINE__, "a", G},
      {__LINE__, "a.b.", G},
      {__LINE__, "{a}.{b}.", G},
      {__LINE__, ".", G},
      {__LINE__, "a. .", G},
      {__LINE__, "a..", G},
      {__LINE__, "'a' 'b'.", G},
      {__LINE__,
       "\xef\xbb\xbf"
       "a.",
       G},
      {__LINE__, "\xce\xb1.", G},
  });
}

TEST(GrammarRules, Utf8Text) {
  verify<grammar::utf8_text>({
      {__LINE__, "", S},
      {__LINE__, "a\xc3\xa9\xce\xb1\xf0\x9f\x98\x80", S},
      {__LINE__, "\xef\xbf\xbe", S}, // U+FFFE is UTF-8; erl_scan refuses it
      {__LINE__, "\xff", G},
      {__LINE__, "\xc3", G},
      {__LINE__, "\xc0\x80", G},         // overlong
      {__LINE__, "\xed\xa0\x80", G},     // surrogate
      {__LINE__, "\xf4\x90\x80\x80", G}, // above U+10FFFF
  });
}

TEST(GrammarRules, EncodingHeader) {
  verify<grammar::encoding_header>({
      {__LINE__, "", S},
      {__LINE__, "%% coding: latin-1", S},
      {__LINE__, "%% coding: latin-1\nx", S}, // line 2 is read too; the first declaration counts
      {__LINE__, "a\nb\nc", S, 2},            // two lines at most
      {__LINE__, "%% -*- coding: utf-8 -*-", S, 4},
      {__LINE__, "%% codin\n%% coding = latin-1", S},
  });
}

} // namespace
