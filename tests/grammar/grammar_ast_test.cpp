// SPDX-License-Identifier: Apache-2.0
// The AST the grammar builds: node kinds and values, spans, flags, comments,
// the encoding line, error messages and positions, and the nesting limit.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <string_view>

#include "parse/term_dump.h"
#include "pegtl_parser.h"
#include "relupkit/ast/bigint.h"

namespace {

using namespace relupkit;
using ast::Document;
using ast::Term;
using ast::TermRef;

std::unique_ptr<Document> parse_ok(std::string_view text) {
  auto r = grammar::parse_document(SourceBuffer("t", text));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << " for "
                      << testing::PrintToString(std::string(text));
  return r.ok() ? std::move(*r) : nullptr;
}

/// The error of a rejected text.
Err parse_err(std::string_view text) {
  auto r = grammar::parse_document(SourceBuffer("t", text));
  EXPECT_FALSE(r.ok()) << "accepted " << testing::PrintToString(std::string(text));
  return r.ok() ? Err{} : r.error();
}

std::string dump(const Document& doc, TermRef t) {
  std::string out;
  test::dump(out, doc, t);
  return out;
}

std::string_view slice(const Document& doc, Span s) {
  return doc.source.text().substr(s.begin, s.end - s.begin);
}

TermRef only_term(const Document& doc) {
  EXPECT_EQ(doc.terms.size(), 1u);
  return doc.terms.empty() ? nullptr : doc.terms[0];
}

TEST(GrammarAst, BuildsEveryKind) {
  auto doc = parse_ok("{a, 'B c', 42, -7, 1.5, \"hi\", <<1,2>>, [x|y], #{k => v}, fun m:f/2, $z}.");
  const auto* t = only_term(*doc).cast<ast::TupleTerm>();
  ASSERT_EQ(t->size, 11u);
  EXPECT_TRUE(t->elems()[0].is<ast::AtomTerm>());
  EXPECT_EQ(doc->atoms.text(t->elems()[1].atom()), "B c");
  EXPECT_EQ(t->elems()[2].cast<ast::IntegerTerm>()->value, 42);
  EXPECT_EQ(t->elems()[3].cast<ast::IntegerTerm>()->value, -7);
  EXPECT_EQ(t->elems()[4].cast<ast::FloatTerm>()->value, 1.5);
  EXPECT_EQ(t->elems()[5].cast<ast::StringTerm>()->text(), "hi");
  EXPECT_EQ(t->elems()[6].cast<ast::BinaryTerm>()->bits, 16u);
  const auto* l = t->elems()[7].cast<ast::ListTerm>();
  EXPECT_EQ(l->size, 1u);
  ASSERT_TRUE(l->tail);
  EXPECT_TRUE(l->tail.is<ast::AtomTerm>());
  EXPECT_EQ(t->elems()[8].cast<ast::MapTerm>()->size, 1u);
  const auto* f = t->elems()[9].cast<ast::FunTerm>();
  EXPECT_EQ(doc->atoms.text(f->module), "m");
  EXPECT_EQ(doc->atoms.text(f->function), "f");
  EXPECT_EQ(f->arity, 2u);
  EXPECT_EQ(t->elems()[10].cast<ast::IntegerTerm>()->value, 'z');
}

TEST(GrammarAst, EmptyContainers) {
  auto doc = parse_ok("{}. []. #{}. <<>>. \"\".");
  ASSERT_EQ(doc->terms.size(), 5u);
  EXPECT_EQ(doc->terms[0].cast<ast::TupleTerm>()->size, 0u);
  const auto* l = doc->terms[1].cast<ast::ListTerm>();
  EXPECT_EQ(l->size, 0u);
  EXPECT_FALSE(l->tail);
  EXPECT_EQ(doc->terms[2].cast<ast::MapTerm>()->size, 0u);
  EXPECT_EQ(doc->terms[3].cast<ast::BinaryTerm>()->bits, 0u);
  const auto* s = doc->terms[4].cast<ast::StringTerm>();
  EXPECT_EQ(s->bytes, 0u);
  EXPECT_EQ(s->length, 0u);
}

TEST(GrammarAst, AtomsAreInterned) {
  auto doc = parse_ok("[ok, 'ok', ok@x, 'ok'].");
  const auto* l = only_term(*doc).cast<ast::ListTerm>();
  const auto atom = [&](uint32_t i) { return l->elems()[i].atom(); };
  EXPECT_EQ(atom(0), atom(1));
  EXPECT_EQ(atom(1), atom(3));
  EXPECT_NE(atom(0), atom(2));
}

TEST(GrammarAst, KeepsTheSourceShape) {
  // `[a|[b]]` stays a list with a list tail; duplicate map keys stay.
  auto doc = parse_ok("[a|[b]]. #{1 => 2, 1 => 3}. [a|\"bc\"].");
  const auto* l = doc->terms[0].cast<ast::ListTerm>();
  EXPECT_EQ(l->size, 1u);
  ASSERT_TRUE(l->tail);
  EXPECT_TRUE(l->tail.is<ast::ListTerm>());
  EXPECT_EQ(doc->terms[1].cast<ast::MapTerm>()->size, 2u);
  EXPECT_TRUE(doc->terms[2].cast<ast::ListTerm>()->tail.is<ast::StringTerm>());
}

TEST(GrammarAst, StringsConcatenateAndUnescape) {
  auto doc = parse_ok("\"a\\n\" %c\n \"\\x{3b1}\" \"\".");
  const auto* s = only_term(*doc).cast<ast::StringTerm>();
  EXPECT_EQ(s->text(), "a\n\xce\xb1");
  EXPECT_EQ(s->length, 3u);
  EXPECT_EQ(s->bytes, 4u);
}

TEST(GrammarAst, Escapes) {
  auto doc =
      parse_ok("\"\\b\\d\\e\\f\\n\\r\\s\\t\\v\\'\\\"\\\\\\z\\1234\\x414\\^a\\^?\\x{10FFFF}\".");
  EXPECT_EQ(dump(*doc, only_term(*doc)),
            "[8,127,27,12,10,13,32,9,11,39,34,92,122,83,52,65,52,1,31,1114111]");
}

TEST(GrammarAst, IntegersOfAnySize) {
  auto doc = parse_ok("[9223372036854775807, 9223372036854775808, -9223372036854775808, "
                      "-9223372036854775809, 16#FFFFFFFFFFFFFFFFFFFF, 1_000, 36#zz, 2#1010].");
  const auto* l = only_term(*doc).cast<ast::ListTerm>();
  const auto* i0 = l->elems()[0].cast<ast::IntegerTerm>();
  EXPECT_EQ(i0->big, nullptr);
  EXPECT_EQ(i0->value, INT64_MAX);
  EXPECT_NE(l->elems()[1].cast<ast::IntegerTerm>()->big, nullptr);
  const auto* i2 = l->elems()[2].cast<ast::IntegerTerm>();
  EXPECT_EQ(i2->big, nullptr);
  EXPECT_EQ(i2->value, INT64_MIN);
  EXPECT_EQ(dump(*doc, l), "[9223372036854775807,9223372036854775808,-9223372036854775808,"
                           "-9223372036854775809,1208925819614629174706175,1000,1295,10]");
}

TEST(GrammarAst, FloatsAndNegativeZero) {
  auto doc = parse_ok("[-0.0, -0, 1.0e-400, 1.5E-3].");
  const auto* l = only_term(*doc).cast<ast::ListTerm>();
  const double nz = l->elems()[0].cast<ast::FloatTerm>()->value;
  EXPECT_EQ(nz, 0.0);
  EXPECT_TRUE(std::signbit(nz));
  EXPECT_EQ(l->elems()[1].cast<ast::IntegerTerm>()->value, 0);
  EXPECT_EQ(l->elems()[2].cast<ast::FloatTerm>()->value, 0.0);
  EXPECT_EQ(l->elems()[3].cast<ast::FloatTerm>()->value, 1.5e-3);
}

TEST(GrammarAst, SignedLiteralSpanAndFlags) {
  const std::string_view text = "[- 5, -(6), +$a, -(((7))), 8, $b, -16#ff].";
  auto doc = parse_ok(text);
  const auto* l = only_term(*doc).cast<ast::ListTerm>();
  EXPECT_EQ(slice(*doc, l->elems()[0].span()), "- 5");
  EXPECT_EQ(slice(*doc, l->elems()[1].span()), "-(6"); // from the sign to the end of the number
  EXPECT_EQ(slice(*doc, l->elems()[2].span()), "+$a");
  EXPECT_EQ(slice(*doc, l->elems()[3].span()), "-(((7");
  EXPECT_EQ(slice(*doc, l->elems()[6].span()), "-16#ff");
  EXPECT_EQ(l->elems()[0].flags(), 1);     // signed
  EXPECT_EQ(l->elems()[2].flags(), 1 | 2); // signed char
  EXPECT_EQ(l->elems()[4].flags(), 0);
  EXPECT_EQ(l->elems()[5].flags(), 2); // char
  EXPECT_EQ(dump(*doc, l), "[-5,-6,97,-7,8,98,-255]");
}

TEST(GrammarAst, Spans) {
  const std::string_view text =
      "{ok, \"a\" %c\n \"b\", [1 | 2], #{k => v}, <<1>>, fun m:f/0, 'q', (x)}.";
  auto doc = parse_ok(text);
  const auto* t = only_term(*doc).cast<ast::TupleTerm>();
  EXPECT_EQ(slice(*doc, t->span), text.substr(0, text.size() - 1));
  EXPECT_EQ(slice(*doc, t->elems()[0].span()), "ok");
  EXPECT_EQ(slice(*doc, t->elems()[1].span()), "\"a\" %c\n \"b\"");
  EXPECT_EQ(slice(*doc, t->elems()[2].span()), "[1 | 2]");
  EXPECT_EQ(slice(*doc, t->elems()[3].span()), "#{k => v}");
  EXPECT_EQ(slice(*doc, t->elems()[4].span()), "<<1>>");
  EXPECT_EQ(slice(*doc, t->elems()[5].span()), "fun m:f/0");
  EXPECT_EQ(slice(*doc, t->elems()[6].span()), "'q'");
  EXPECT_EQ(slice(*doc, t->elems()[7].span()), "x"); // parentheses make no node
}

TEST(GrammarAst, ErrorSpansStayInsideTheFile) {
  // Found by tests/prop: an error at the end of the file had a span one byte past it.
  for (std::string_view text : {std::string_view("\n'"), std::string_view("[1,"),
                                std::string_view("\"ab"), std::string_view("<<1:")}) {
    auto r = grammar::parse_document(SourceBuffer("t", text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_LE(r.error().span.begin, r.error().span.end) << text;
    EXPECT_LE(r.error().span.end, text.size()) << text;
  }
}

TEST(GrammarAst, Comments) {
  const std::string_view text = "%% head\r\n{a, % one\n [b | % two\n c]}. % three";
  auto doc = parse_ok(text);
  ASSERT_EQ(doc->comments.size(), 4u);
  EXPECT_EQ(slice(*doc, doc->comments[0]), "%% head\r"); // up to the '\n'
  EXPECT_EQ(slice(*doc, doc->comments[1]), "% one");
  EXPECT_EQ(slice(*doc, doc->comments[2]), "% two");
  EXPECT_EQ(slice(*doc, doc->comments[3]), "% three");
}

TEST(GrammarAst, CommentsAreRecordedOnce) {
  // `skip` before an optional continuation that does not follow is read twice.
  auto doc = parse_ok("[a %1\n, b %2\n | c %3\n]. \"s\" %4\n. <<1 %5\n :8 %6\n>>.");
  ASSERT_EQ(doc->comments.size(), 6u);
  for (size_t i = 1; i < doc->comments.size(); ++i)
    EXPECT_LT(doc->comments[i - 1].begin, doc->comments[i].begin);
}

TEST(GrammarAst, CommentsCanBeDropped) {
  grammar::GrammarOptions o;
  o.keep_comments = false;
  auto r = grammar::parse_document(SourceBuffer("t", "% x\na. % y"), o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->comments.empty());
}

TEST(GrammarAst, CodingLine) {
  {
    auto doc = parse_ok("%% coding: utf-8\n{a}.");
    EXPECT_EQ(doc->encoding, ast::Encoding::Utf8);
    EXPECT_TRUE(doc->has_coding_line);
    EXPECT_EQ(slice(*doc, doc->coding_line), "%% coding: utf-8");
  }
  {
    auto doc = parse_ok("\n%% -*- coding: latin-1 -*-\r\n'\xe9'.");
    EXPECT_EQ(doc->encoding, ast::Encoding::Latin1);
    EXPECT_TRUE(doc->has_coding_line);
    EXPECT_EQ(slice(*doc, doc->coding_line), "%% -*- coding: latin-1 -*-\r");
  }
  {
    // Found by epp (a '%' anywhere on the line), but not a comment line.
    auto doc = parse_ok("a. %% coding: latin-1\n\xe9.");
    EXPECT_EQ(doc->encoding, ast::Encoding::Latin1);
    EXPECT_FALSE(doc->has_coding_line);
  }
  {
    auto doc = parse_ok("%% no coding here\na.");
    EXPECT_FALSE(doc->has_coding_line);
    EXPECT_EQ(doc->coding_line.begin, doc->coding_line.end);
  }
  {
    // An unknown name stops epp: the second line is not looked at.
    EXPECT_FALSE(parse_ok("%% coding: foo\n%% coding: utf-8\na.")->has_coding_line);
  }
}

TEST(GrammarAst, Latin1SpansAreOriginalOffsets) {
  const std::string_view text = "%% coding: latin-1\n{'\xe9\xe9', \"\xff\", \xe9t\xe9}. % \xe9";
  auto doc = parse_ok(text);
  const auto* t = only_term(*doc).cast<ast::TupleTerm>();
  EXPECT_EQ(slice(*doc, t->elems()[0].span()), "'\xe9\xe9'");
  EXPECT_EQ(doc->atoms.text(t->elems()[0].atom()), "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(slice(*doc, t->elems()[1].span()), "\"\xff\"");
  EXPECT_EQ(t->elems()[1].cast<ast::StringTerm>()->text(), "\xc3\xbf");
  EXPECT_EQ(slice(*doc, t->elems()[2].span()), "\xe9t\xe9");
  ASSERT_EQ(doc->comments.size(), 2u);
  EXPECT_EQ(slice(*doc, doc->comments[1]), "% \xe9");
}

TEST(GrammarAst, Binaries) {
  auto doc = parse_ok("[<<1:3>>, <<\"ab\":16>>, <<945:undefined/utf8>>, <<(<<1,2>>):1/binary>>, "
                      "<<-1>>, <<1.5/float>>].");
  EXPECT_EQ(dump(*doc, only_term(*doc)),
            "[<<32:3>>,<<0,97,0,98:32>>,<<206,177:16>>,<<1:8>>,<<255:8>>,"
            "<<63,248,0,0,0,0,0,0:64>>]");
}

TEST(GrammarAst, Funs) {
  auto doc = parse_ok("fun 'a b':'c'/255.");
  const auto* f = only_term(*doc).cast<ast::FunTerm>();
  EXPECT_EQ(doc->atoms.text(f->module), "a b");
  EXPECT_EQ(f->arity, 255u);
}

TEST(GrammarAst, SourceIsKept) {
  auto doc = parse_ok("a.");
  EXPECT_EQ(doc->source.name(), "t");
  EXPECT_EQ(doc->source.text(), "a.");
}

struct ErrorRow {
  int line;
  std::string_view input;
  uint32_t offset;
  std::string_view message; ///< a part of the message
};

TEST(GrammarAst, ErrorMessagesAndPositions) {
  const ErrorRow rows[] = {
      {__LINE__, "{a, b", 5, "expected ',' or '}' in tuple"},
      {__LINE__, "[a b].", 3, "expected ',', '|' or ']' in list"},
      {__LINE__, "a", 1, "expected '.'"},
      {__LINE__, "a.b.", 1, "expected '.'"},
      {__LINE__, "{a}.\n .", 6, "expected a term"},
      {__LINE__, "[after].", 1, "reserved word 'after'"},
      {__LINE__, "{ok, Var}.", 5, "variable 'Var' is not a term"},
      {__LINE__, "\"abc", 4, "unterminated string"},
      {__LINE__, "'abc", 4, "unterminated quoted atom"},
      {__LINE__, "\"\\x{110000}\".", 1, "illegal character in \\x{...} escape"},
      {__LINE__, "\"\\x4g\".", 3, "illegal \\x escape"},
      {__LINE__, "37#1.", 0, "illegal base '37'"},
      {__LINE__, "2#102.", 0, "illegal digit '2' in base 2"},
      {__LINE__, "1.0e309.", 0, "illegal float '1.0e309': out of range"},
      {__LINE__, "- -5.", 2, "unary minus or plus applies only to a number literal"},
      {__LINE__, "#{a := 1}.", 4, "':=' is not allowed in a map term"},
      {__LINE__, "#r{}.", 1, "expected '{' after '#'"},
      {__LINE__, "fun a/1.", 5, "only external funs"},
      {__LINE__, "fun a:b/256.", 8, "fun arity must be 0..255"},
      {__LINE__, "<<(a)>>.", 3, "a binary segment value must be"},
      {__LINE__, "<<1:foo>>.", 4, "a binary segment size must be an integer"},
      {__LINE__, "<<1/'unit:8'>>.", 4, "unknown type specifier 'unit:8'"},
      {__LINE__, "<<\"ab\"/binary>>.", 2, "bad binary segment"},
      {__LINE__, "\xce\xb1.", 0, "illegal character U+03B1"},
      {__LINE__,
       "\xef\xbb\xbf"
       "a.",
       0, "byte order mark"},
      {__LINE__, "a.\n\xff", 3, "invalid UTF-8"},
      {__LINE__, "\"\xef\xbf\xbe\".", 1, "illegal character U+FFFE"},
  };
  for (const ErrorRow& r : rows) {
    SCOPED_TRACE(testing::Message() << "row at line " << r.line);
    const Err e = parse_err(r.input);
    EXPECT_EQ(e.code, ErrCode::Syntax);
    EXPECT_EQ(e.span.begin, r.offset) << e.message;
    EXPECT_NE(e.message.find(r.message), std::string::npos) << e.message;
    EXPECT_FALSE(grammar::is_nesting_too_deep(e));
  }
}

TEST(GrammarAst, NestingLimit) {
  grammar::GrammarOptions o;
  o.max_depth = 50;
  const auto nested = [](std::string_view open, std::string_view inner, std::string_view close,
                         int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
      s += open;
    s += inner;
    for (int i = 0; i < n; ++i)
      s += close;
    return s + ".";
  };
  EXPECT_TRUE(grammar::parse_document(SourceBuffer("t", nested("[", "", "]", 50)), o).ok());
  for (const std::string& deep :
       {nested("[", "", "]", 51), nested("{", "", "}", 51), nested("(", "a", ")", 51),
        nested("#{a=>", "1", "}", 51), nested("<<(", "<<>>", ")/binary>>", 26),
        "-" + nested("(", "1", ")", 51), nested("[", "", "", 100000)}) {
    auto r = grammar::parse_document(SourceBuffer("t", deep), o);
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(grammar::is_nesting_too_deep(r.error())) << r.error().message;
  }
}

TEST(GrammarAst, DefaultNestingLimitIsSafe) {
  // The default limit parses on the default 8 MB stack, even in sanitizer builds.
  const uint32_t n = grammar::GrammarOptions{}.max_depth;
  std::string s(n, '[');
  s += std::string(n, ']') + ".";
  EXPECT_TRUE(grammar::parse_document(SourceBuffer("t", s)).ok());
  std::string deeper(n + 1, '{');
  auto r = grammar::parse_document(SourceBuffer("t", deeper + std::string(n + 1, '}') + "."));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(grammar::is_nesting_too_deep(r.error()));
}

TEST(GrammarAst, LongFlatInputsDoNotRecurse) {
  std::string s = "[";
  for (int i = 0; i < 200000; ++i)
    s += "a,";
  s += "\"x\" \"y\"].";
  auto doc = parse_ok(s);
  EXPECT_EQ(only_term(*doc).cast<ast::ListTerm>()->size, 200001u);
}

// The grammar builds the same references as the hand parser: most atoms held
// in the reference, an atom too long in the source for it behind a node.
TEST(GrammarAst, AtomsLiveInTheirReferenceUnlessTooLong) {
  std::string big = "'";
  for (int i = 0; i < 255; ++i)
    big += "\\x{10FFFF}";
  big += "'";
  auto doc = parse_ok("{ok, " + big + ", [x|y]}.");
  const auto* t = only_term(*doc).cast<ast::TupleTerm>();
  ASSERT_EQ(t->size, 3u);
  EXPECT_TRUE(t->elems()[0].is_immediate());
  EXPECT_EQ(doc->atoms.text(t->elems()[0].atom()), "ok");
  const TermRef q = t->elems()[1];
  EXPECT_FALSE(q.is_immediate());
  EXPECT_EQ(q.kind(), ast::TermKind::Atom);
  EXPECT_EQ(doc->atoms.chars(q.atom()), 255u);
  EXPECT_EQ(slice(*doc, q.span()), big);
  const auto* l = t->elems()[2].cast<ast::ListTerm>();
  EXPECT_TRUE(l->tail.is_immediate());
  EXPECT_EQ(doc->atoms.text(l->tail.atom()), "y");
}

} // namespace
