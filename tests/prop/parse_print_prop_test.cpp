// SPDX-License-Identifier: Apache-2.0
// rapidcheck properties of the parser, the printer and the PEGTL reference grammar
// on generated term files (tests/prop/term_gen.h):
//
//   - both parsers read exactly the terms the generator wrote;
//   - print∘parse round trip: the canonical print reads back to the same terms;
//   - printing is idempotent: printing what was read from a print changes no byte;
//   - the hand parser and the grammar agree on generated and mutated text (accept or
//     reject, and the same terms), and every rejection is one
//     `NAME:LINE:COL: error: MESSAGE` line pointing inside the file.
//
// Each run uses a fresh seed; a failure prints the seed and the shrunk input
// (RC_PARAMS="seed=N" replays it).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "fuzz_utils.h"
#include "parse/term_dump.h"
#include "relupkit/ast/compare.h"
#include "relupkit/parse/parser.h"
#include "relupkit/print/printer.h"
#include "term_gen.h"

#ifdef RELUPKIT_PROP_HAVE_GRAMMAR
#include "pegtl_parser.h"
#endif

namespace {

using namespace relupkit;

constexpr std::string_view kName = "prop.config";

Result<std::unique_ptr<ast::Document>> read_hand(std::string_view text) {
  return parse::parse_document(SourceBuffer(std::string(kName), text));
}

std::vector<std::string> dumps(const ast::Document& doc) {
  std::vector<std::string> out;
  for (ast::TermRef t : doc.terms) {
    out.emplace_back();
    test::dump(out.back(), doc, t);
  }
  return out;
}

/// Like test::dump, but maps as OTP holds them (last key wins, keys sorted) and
/// without a distinction the printer need not keep (strings vs lists are already
/// flattened by test::dump). Two documents with equal sorted dumps hold `=:=` terms.
void sorted_dump(std::string& out,
                 const ast::Document& doc,
                 ast::TermComparator& cmp,
                 ast::TermRef t) {
  using namespace ast;
  if (const auto* m = t.dyn_cast<MapTerm>()) {
    out += "#{";
    bool first = true;
    for (const MapEntry& e : cmp.sorted_entries(*m)) {
      if (!first)
        out += ',';
      first = false;
      sorted_dump(out, doc, cmp, e.first);
      out += "=>";
      sorted_dump(out, doc, cmp, e.second);
    }
    out += '}';
    return;
  }
  if (const auto* tu = t.dyn_cast<TupleTerm>()) {
    out += '{';
    for (uint32_t i = 0; i < tu->size; ++i) {
      if (i)
        out += ',';
      sorted_dump(out, doc, cmp, tu->elems()[i]);
    }
    out += '}';
    return;
  }
  if (const auto* l = t.dyn_cast<ListTerm>()) {
    // Elements along the tail chain, as test::dump flattens them.
    out += '[';
    bool first = true;
    TermRef cur = l;
    while (cur != nullptr) {
      if (const auto* s = cur.dyn_cast<StringTerm>()) {
        std::string cps;
        test::dump_codepoints(cps, s->text());
        if (!cps.empty()) {
          out += first ? "" : ",";
          out += cps;
          first = false;
        }
        cur = nullptr;
      } else if (const auto* cell = cur.dyn_cast<ListTerm>()) {
        for (uint32_t i = 0; i < cell->size; ++i) {
          out += first ? "" : ",";
          first = false;
          sorted_dump(out, doc, cmp, cell->elems()[i]);
        }
        cur = cell->tail;
      } else {
        out += '|';
        sorted_dump(out, doc, cmp, cur);
        cur = nullptr;
      }
    }
    out += ']';
    return;
  }
  test::dump(out, doc, t);
}

std::vector<std::string> sorted_dumps(const ast::Document& doc) {
  ast::TermComparator cmp(doc.atoms);
  std::vector<std::string> out;
  for (ast::TermRef t : doc.terms) {
    out.emplace_back();
    sorted_dump(out.back(), doc, cmp, t);
  }
  return out;
}

/// A rejection must be one line, `NAME:LINE:COL: error: MESSAGE`, with a span
/// inside the file and a position that exists in it.
void check_error(std::string_view text, const Err& err) {
  RC_ASSERT(err.code == ErrCode::Syntax);
  RC_ASSERT(!err.message.empty());
  RC_ASSERT(err.span.begin <= err.span.end);
  RC_ASSERT(err.span.end <= text.size());
  const std::string line = parse::format_parse_error(SourceBuffer(std::string(kName), text), err);
  RC_ASSERT(line.find('\n') == std::string::npos);
  RC_ASSERT(line.rfind(std::string(kName) + ":", 0) == 0);
  unsigned long ln = 0;
  unsigned long col = 0;
  char rest[16] = {};
  const std::string after = line.substr(kName.size() + 1);
  RC_ASSERT(std::sscanf(after.c_str(), "%lu:%lu: %8s", &ln, &col, rest) == 3);
  RC_ASSERT(std::string(rest) == "error:");
  size_t lines = 1;
  for (char c : text)
    lines += c == '\n';
  RC_ASSERT(ln >= 1 && ln <= lines);
  RC_ASSERT(col >= 1 && col <= text.size() + 1);
}

/// Random edits of a generated file: truncations, deletions, insertions of
/// bytes that matter to the scanner, duplicated ranges.
rc::Gen<std::string> mutated(const std::string& text) {
  return rc::gen::exec([text]() {
    std::string s = text;
    const auto edits = *rc::gen::inRange(1, 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = s.empty() ? 0 : *rc::gen::inRange<size_t>(0, s.size() + 1);
      switch (*rc::gen::inRange(0, 4)) {
        case 0:
          s.resize(at);
          break;
        case 1:
          if (at < s.size())
            s.erase(at, *rc::gen::inRange<size_t>(1, 4));
          break;
        case 2:
          s.insert(at,
                   *rc::gen::element<std::string>(
                       "'", "\"", "\\", "$", ".", ". ", "<<", ">>", "[", "]", "{", "}", "#{", "|",
                       ",", "%", "\n", "\xFF", "\xC3", "\xE2\x80", "_", "e", "#", "-", "- -", ":",
                       "/", "=>", "16#", "1", "fun ", "\xEF\xBB\xBF", std::string(1, '\0')));
          break;
        default:
          if (at < s.size()) {
            const size_t len = *rc::gen::inRange<size_t>(1, s.size() - at + 1);
            s.insert(at, s.substr(at, len));
          }
          break;
      }
    }
    return s;
  });
}

/// `read` (a parser) reads a generated file as exactly the terms the generator wrote.
template <typename Read> void check_reads_generated(Read read) {
  const prop::Doc d = *prop::document();
  auto doc = read(d.text);
  if (!doc.ok())
    RC_FAIL(parse::format_parse_error(SourceBuffer(std::string(kName), d.text), doc.error()));
  RC_ASSERT(dumps(**doc) == d.dumps);
}

RC_GTEST_PROP(ParserProp, ReadsWhatTheGeneratorWrote, ()) { check_reads_generated(read_hand); }

RC_GTEST_PROP(ParserProp, PrintParseRoundTrip, ()) {
  const prop::Doc d = *prop::document();
  auto doc = read_hand(d.text);
  RC_ASSERT(doc.ok());
  // The generator writes only ASCII bare names in funs, whose prints OTP reads back.
  RC_ASSERT(fuzz::funs_print_readably(**doc));
  const std::string printed = print::print_canonical(**doc);
  auto again = read_hand(printed);
  if (!again.ok())
    RC_FAIL("the canonical print does not read back: " +
            parse::format_parse_error(SourceBuffer(std::string(kName), printed), again.error()) +
            "\n" + printed);
  RC_ASSERT(sorted_dumps(**again) == sorted_dumps(**doc));
}

RC_GTEST_PROP(ParserProp, PrintingIsIdempotent, ()) {
  const prop::Doc d = *prop::document();
  auto doc = read_hand(d.text);
  RC_ASSERT(doc.ok());
  const std::string once = print::print_canonical(**doc);
  auto again = read_hand(once);
  RC_ASSERT(again.ok());
  RC_ASSERT(print::print_canonical(**again) == once);
}

RC_GTEST_PROP(ParserProp, PrintInPiecesEqualsWholePrint, ()) {
  // The document up to 40 times over (still a document), so that the print
  // is several pieces in about one case in ten (in ctest, at max_size 100).
  const prop::Doc d = *prop::document();
  const int copies = *rc::gen::inRange(1, 41);
  std::string text;
  for (int i = 0; i < copies; ++i)
    text += d.text + "\n"; // (a text may end at its last dot)
  auto doc = read_hand(text);
  RC_ASSERT(doc.ok());
  const size_t chunk = *rc::gen::inRange<size_t>(1024, 2048);
  fuzz::PieceSink pieces;
  RC_ASSERT(print::print_canonical_to(pieces, **doc, {}, chunk).ok());
  RC_ASSERT(pieces.all == print::print_canonical(**doc));
  RC_CLASSIFY(pieces.all.size() > chunk, "several pieces");
}

RC_GTEST_PROP(ParserProp, RejectionsAreOneLineInsideTheFile, ()) {
  const prop::Doc d = *prop::document();
  const std::string text = *mutated(d.text);
  auto doc = read_hand(text);
  RC_CLASSIFY(doc.ok(), "mutation still readable");
  if (!doc.ok())
    check_error(text, doc.error());
}

/// The fused scanner and the token-at-a-time path of the hand parser on the
/// same text: the same document (spans, flags, comments), or the same error.
void check_fused_equals_tokens(const std::string& text) {
  auto fused = read_hand(text);
  auto tokens = fuzz::parse_hand_tokens(text);
  RC_ASSERT(fused.ok() == tokens.ok());
  if (fused.ok())
    RC_ASSERT(fuzz::exact_dump(**fused) == fuzz::exact_dump(**tokens));
  else
    RC_ASSERT(fuzz::describe(fused.error()) == fuzz::describe(tokens.error()));
}

RC_GTEST_PROP(ParserProp, FusedScannerEqualsTokenPathOnGeneratedText, ()) {
  check_fused_equals_tokens((*prop::document()).text);
}

RC_GTEST_PROP(ParserProp, FusedScannerEqualsTokenPathOnMutatedText, ()) {
  const prop::Doc d = *prop::document();
  const std::string text = *mutated(d.text);
  RC_CLASSIFY(read_hand(text).ok(), "mutation still readable");
  check_fused_equals_tokens(text);
}

// Texts where the fused scanner stops part-way (at each kind of token it
// leaves to the token path) or fails; both paths must agree on each.
TEST(ParserFused, StopsWhereTheTokenPathTakesOver) {
  const std::string long_name(256, 'a');
  const std::vector<std::string> texts = {
      "{\"a\" \"b\", c}.",
      "{\"a\" % between\n \"b\"}.\n",
      "{\"a\"\xC2\xA0\"b\"}.",
      "{\"a\"\xC2\xA0, b}.",
      "[\"a\\nb\", 'q\\'x', 'Q', '', \"\"].",
      "[1.5, 1_000, 16#ff, 2, 0, 007].",
      "[1., 2].",
      "[123456789012345678, 1234567890123456789, 99999999999999999999].",
      "[abc\xC3\xA9, caf\xC3\xA9, ab@c_D9, 'A b'].",
      "[fun m:f/1, 'fun', x].",
      "[a, case].",
      "#{a => [1, 2], b => {}}.",
      "{[], {}, {{{}}}, [[]]}.",
      "{[}].",
      "[a | b].",
      "[a || b].",
      "{a,}.",
      "[a,].",
      "{a, <<1, 2>>, <<\"x\">>, b}.",
      "{- 1, [+2, -(3)], -a}.",
      "{a, X}.",
      "{a, $b, $\\n}.",
      "[a.",
      "{a, b",
      "{a %c\n, b}. % t\n{c}.\n%end",
      "{a}. {b}.\na.\n\"x\". [].",
      "[" + long_name + "].",
      "['" + long_name + "'].",
      "{'abc",
      "{\"abc",
      "{a, b}.x",
      "{a, b}x.",
      "{1a}.",
      "{a\0b}.",
      "%% coding: latin-1\n{'\xe9', \"\xe9\", b}.\n",
      "{a\xC2\xA0, b}.",
      "{a, b} .",
      "{a, \"b\"}.",
      "{a, \"b\"\n",
      std::string(1000, '[') + std::string(1000, ']') + ".",
      std::string(1000, '{') + "a" + std::string(1000, '}') + ".",
  };
  int accepted = 0;
  for (const std::string& text : texts) {
    for (const bool keep_comments : {true, false}) {
      SCOPED_TRACE(text + (keep_comments ? "" : " (comments not kept)"));
      parse::ParseOptions fused_options, token_options;
      fused_options.keep_comments = token_options.keep_comments = keep_comments;
      token_options.fast_path = false;
      auto fused = parse::parse_document(fuzz::make_source(text), fused_options);
      auto tokens = parse::parse_document(fuzz::make_source(text), token_options);
      ASSERT_EQ(fused.ok(), tokens.ok());
      if (fused.ok()) {
        accepted += keep_comments;
        EXPECT_EQ(fuzz::exact_dump(**fused), fuzz::exact_dump(**tokens));
      } else {
        EXPECT_EQ(fuzz::describe(fused.error()), fuzz::describe(tokens.error()));
      }
    }
  }
  // Both outcomes are exercised.
  EXPECT_GT(accepted, 10);
  EXPECT_LT(accepted, static_cast<int>(texts.size()) - 10);
}

/// Reading on two threads, split at each of up to 16 commas of the text: the
/// same document, atom table included, or the same error as on one thread.
void check_split_equals_one_thread(const std::string& text) {
  const std::string diff = fuzz::split_difference(text, fuzz::parse_hand_one_thread(text), 16);
  if (!diff.empty())
    RC_FAIL(diff);
}

RC_GTEST_PROP(ParserProp, TwoThreadsEqualOneOnGeneratedText, ()) {
  check_split_equals_one_thread((*prop::document()).text);
}

RC_GTEST_PROP(ParserProp, TwoThreadsEqualOneOnMutatedText, ()) {
  const prop::Doc d = *prop::document();
  const std::string text = *mutated(d.text);
  RC_CLASSIFY(read_hand(text).ok(), "mutation still readable");
  check_split_equals_one_thread(text);
}

/// Whether the two-thread parse of `text` split at byte `at` joined the parts.
bool split_joins(const std::string& text, size_t at) {
  parse::ParseStats stats;
  static_cast<void>(fuzz::parse_hand_split(text, at, &stats)); // (only how it went counts)
  EXPECT_TRUE(stats.split) << text;
  EXPECT_EQ(stats.split_at, text.find(',', at)) << text;
  return stats.joined;
}

// Splits the second thread's part can be joined at, and splits it cannot
// (where the first thread reads on by itself); at every comma of each text,
// the result is the one-thread result.
TEST(ParserSplit, JoinsWhereThePartsFitAndReadsOnAloneElsewhere) {
  struct Case {
    std::string text;
    size_t at;  // a split to check join / no join at
    bool joins; // whether it joins there
  };
  std::string long_atom = "'"; // 255 characters written in 3,315 bytes
  for (int i = 0; i < 255; ++i)
    long_atom += "\\x{000000004" + std::string(1, "123456789"[i % 9]) + "}";
  long_atom += "'";
  const std::vector<Case> cases = {
      {"{a, b, c}.", 1, true},
      {"{x, y, z, y, w, x, v}.\n", 9, true}, // atoms met again after the split keep their ids
      {"{a, {b, [c, d, {e, f}], g}, h}.", 12, true},
      {"[{a, b}, {c, d}, {e, f}].\n{g, h}.\n[i].\n", 9, true},
      {"{a, b}. {c, d}. [e, f].", 2, true},
      {"{a, - 1, -(2), +3.0, b, fun m:f/1, 'Q', \"s\" \"t\", 16#ff, $a, 1.5e3}.", 2, true},
      {"{a, 123456789012345678901234567890, #{k => v}, <<1, 2:4>>, [x | y]}.", 2, true},
      // An atom whose span does not fit in a reference (an atom node), as an
      // element, in a fun, as a list tail and as a map key, after the split.
      {"{a, " + long_atom + ", {fun m:f/2, [x | " + long_atom + "], #{" + long_atom +
           " => q}}}.\n{" + long_atom + ", r}.\n",
       2, true},
      {"{a, b}.\n%% end\n", 2, true},
      {"{a % one, two\n, b, c}. % three, four\n", 3, false}, // in a comment
      {"{\"a,b\", c}.", 3, false},                           // in a string
      {"{'a,b', c}.", 3, false},                             // in a quoted atom
      {"{\"a,\nb\"}.\n{c, d}.\n[e, f].\n", 3, false},        // dropped at the next term
      {"{a, $,, b}.", 5, false},                             // a character literal
      {"#{a => 1, b => 2}.", 1, false},                      // a map's comma
      {"{<<1, 2>>, a}.", 1, false},                          // a binary's comma
      {"[a, b | c].", 1, false},                             // '|' at an outer level
      {"({a, b}).", 1, false},                               // ')' at an outer level
      {"{a, b].", 1, false},                                 // closes do not match
      {"{a, X, b, c}.", 6, false},                           // an error waits
      {"{a, b, X}.", 2, false},                              // the part has an error
      {"{a, b, c}. {d, X}.", 2, true},                       // a later term has one
      {"{a, b, \"c}.", 2, false},                            // unterminated string
      {"{a, ], b, 1.0e999}.", 7, false},                     // scan error after
      {"{a, b}x.", 2, false},
      {"{a, b}", 2, false},
      {"{a, b}.{c, d}.", 2, false},
      {"%% coding: latin-1\n{'\xe9', \"\xe9\", b}.\n", 1, false}, // not split at all
      {"{a, '\xc3\xa9', \"\xc3\xbc\xe2\x82\xac\"}.", 1, true},    // UTF-8 in the part
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    const bool latin1 = c.text.rfind("%% coding: latin-1", 0) == 0;
    if (latin1) {
      parse::ParseStats stats;
      EXPECT_TRUE(fuzz::parse_hand_split(c.text, 0, &stats).ok());
      EXPECT_FALSE(stats.split);
    } else {
      EXPECT_EQ(split_joins(c.text, c.at), c.joins);
    }
    EXPECT_EQ(fuzz::split_difference(c.text, fuzz::parse_hand_one_thread(c.text), 1000), "");
  }
}

// Parts whose atom tables hold 2^20 atoms or more between them are not
// joined (a renamed atom might no longer fit in a reference): the first thread
// reads on by itself, to the one-thread document.
TEST(ParserSplit, ReadsOnAloneWhenThePartsHoldTooManyAtoms) {
  const auto atom_list = [](int atoms) { // [a0,a1,...]: `atoms` distinct atoms
    std::string list = "[";
    for (int i = 0; i < atoms; ++i)
      list += fmt::format("{}a{}", i == 0 ? "" : ",", i);
    return list + "].\n";
  };
  constexpr int kAtoms = 1100000; // distinct, half of them in each part
  const std::string text = atom_list(kAtoms);
  EXPECT_FALSE(split_joins(text, text.size() / 2));
  auto one = fuzz::parse_hand_one_thread(text);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)->atoms.size(), static_cast<size_t>(kAtoms));
  auto two = fuzz::parse_hand_split(text, text.size() / 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(fuzz::exact_dump(**two), fuzz::exact_dump(**one));
  // With fewer atoms, the same shape of file is joined.
  const std::string fewer = atom_list(100000);
  EXPECT_TRUE(split_joins(fewer, fewer.size() / 2));
}

// A file large enough to be split (with threads on): two threads join near
// the middle, and the document is the one-thread document.
TEST(ParserSplit, SplitsALargeRelupNearTheMiddle) {
  std::string text = "%% coding: utf-8\n{\"2.0\",\n [{\"1.0\",[],\n   [";
  for (int i = 0; i < 60000; ++i)
    text += fmt::format("{{load,{{mod_{},brutal_purge,brutal_purge}}}},\n    ", i % 7000);
  text += "point_of_no_return]}],\n [{\"1.0\",[],[restart_new_emulator]}]}.\n";
  ASSERT_GE(text.size(), parse::ParseOptions().split_min_bytes);
  parse::ParseStats stats;
  parse::ParseOptions o;
  o.threads = true;
  o.stats = &stats;
  auto two = parse::parse_document(fuzz::make_source(text), o);
  ASSERT_TRUE(two.ok());
  if (std::thread::hardware_concurrency() >= 2) {
    EXPECT_TRUE(stats.split);
    EXPECT_TRUE(stats.joined);
    EXPECT_GT(stats.split_at, text.size() / 2 - 100);
    EXPECT_LT(stats.split_at, text.size() / 2 + 100);
  }
  auto one = fuzz::parse_hand_one_thread(text);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(fuzz::exact_dump(**two), fuzz::exact_dump(**one));
  EXPECT_EQ(fuzz::atom_table_dump(**two), fuzz::atom_table_dump(**one));
}

#ifdef RELUPKIT_PROP_HAVE_GRAMMAR

Result<std::unique_ptr<ast::Document>> read_grammar(std::string_view text) {
  return grammar::parse_document(SourceBuffer(std::string(kName), text));
}

RC_GTEST_PROP(GrammarProp, ReadsWhatTheGeneratorWrote, ()) { check_reads_generated(read_grammar); }

/// The hand parser and the grammar on the same text: both reject, or both
/// accept and read the same terms.
void check_agree(const std::string& text) {
  auto hand = read_hand(text);
  auto peg = read_grammar(text);
  RC_ASSERT(hand.ok() == peg.ok());
  if (hand.ok())
    RC_ASSERT(dumps(**hand) == dumps(**peg));
  else
    check_error(text, peg.error());
}

RC_GTEST_PROP(GrammarProp, AgreesWithHandParserOnGeneratedText, ()) {
  check_agree((*prop::document()).text);
}

RC_GTEST_PROP(GrammarProp, AgreesWithHandParserOnMutatedText, ()) {
  const prop::Doc d = *prop::document();
  const std::string text = *mutated(d.text);
  RC_CLASSIFY(read_hand(text).ok(), "mutation still readable");
  check_agree(text);
}

#endif

} // namespace
