// SPDX-License-Identifier: Apache-2.0
// Unit tests of the hand parser: values, spans, comments, errors and depth.
#include <gtest/gtest.h>

#include <string>

#include "relupkit/ast/atom_table.h"
#include "relupkit/ast/bigint.h"
#include "relupkit/parse/parser.h"
#include "term_dump.h"

namespace relupkit {
namespace {

struct Parsed {
  bool ok;
  std::string text; // dump of all terms separated by ';', or the error line
  std::unique_ptr<ast::Document> doc;
};

Parsed parse(std::string_view input) {
  SourceBuffer src("t.erl", input);
  SourceBuffer copy("t.erl", input);
  auto r = parse::parse_document(std::move(src));
  if (!r.ok())
    return {false, parse::format_parse_error(copy, r.error()), nullptr};
  std::string out;
  for (ast::TermRef t : (*r)->terms) {
    if (!out.empty())
      out += ';';
    test::dump(out, **r, t);
  }
  return {true, out, std::move(*r)};
}

struct Case {
  int line;
  const char* input;
  const char* expected; // dump, or "FILE:LINE:COL: error: ..." prefix for errors
};

TEST(TermParser, ReadsValues) {
  const Case cases[] = {
      {__LINE__, "a.", "A(97)"},
      {__LINE__, "'a b'.", "A(97,32,98)"},
      {__LINE__, "16#ff. 2#1010. 1_000.", "255;10;1000"},
      {__LINE__, "-5. - 5. -(5). +(3).", "-5;-5;-5;3"},
      {__LINE__, "99999999999999999999.", "99999999999999999999"},
      {__LINE__, "-9223372036854775808.", "-9223372036854775808"},
      {__LINE__, "$a. $\\n. $\\x{1F600}.", "97;10;128512"},
      {__LINE__, "\"ab\" \"c\".", "[97,98,99]"},
      {__LINE__, "[a|b].", "[A(97)|A(98)]"},
      {__LINE__, "{}.", "{}"},
      {__LINE__, "<<1:3>>.", "<<32:3>>"},
      {__LINE__, "<<\"α\"/utf8>>.", "<<206,177:16>>"},
      {__LINE__, "fun m:f/2.", "fun(A(109),A(102),2)"},
      {__LINE__, "1.5.", "F(1.50000000000000000e+00)"},
      {__LINE__, "0.1e-400.", "F(0.00000000000000000e+00)"},
      {__LINE__, "", ""},
      {__LINE__, "% only a comment\n", ""},
  };
  for (const Case& c : cases) {
    Parsed p = parse(c.input);
    EXPECT_TRUE(p.ok) << "line " << c.line << ": " << p.text;
    EXPECT_EQ(p.text, c.expected) << "line " << c.line;
  }
  // NUL and NBSP are whitespace.
  EXPECT_EQ(parse(std::string("[a,\0b].", 8)).text, "[A(97),A(98)]");
  EXPECT_EQ(parse("a.\u00A0b.").text, "A(97);A(98)");
}

TEST(TermParser, ReportsErrorsWithLineAndColumn) {
  const Case cases[] = {
      {__LINE__, "{a,\n  b", "t.erl:2:4: error: expected ',' or '}' in tuple, saw end of file"},
      {__LINE__, "[a}.", "t.erl:1:3: error: expected ',', '|' or ']' in list, saw '}'"},
      {__LINE__, "\"abc", "t.erl:1:1: error: unterminated string"},
      {__LINE__, "X.", "t.erl:1:1: error: variable 'X' is not a term"},
      {__LINE__, "after.", "t.erl:1:1: error: reserved word 'after' cannot be a bare atom"},
      {__LINE__, "1.0e400.", "t.erl:1:1: error: illegal float '1.0e400': out of range"},
      {__LINE__, "- -5.", "t.erl:1:1: error: unary minus or plus applies only to a number"},
      {__LINE__, "a.b.", "t.erl:1:2: error: '.' must be followed by whitespace"},
      {__LINE__,
       "\xEF\xBB\xBF"
       "a.",
       "t.erl:1:1: error: illegal character: a UTF-8 byte order"},
      {__LINE__, "\"\xFF\".", "t.erl:1:2: error: invalid UTF-8"},
      {__LINE__, "\"é\" \xFF", "t.erl:1:5: error: invalid UTF-8"},
      {__LINE__, "a", "t.erl:1:2: error: expected '.' after the term, saw end of file"},
      {__LINE__, "2#102.", "t.erl:1:5: error: expected '.' after the term, saw '2'"},
      {__LINE__, "#{a := 1}.", "t.erl:1:5: error: ':=' is not allowed in a map term"},
      {__LINE__, "<<\"ab\"/binary>>.", "t.erl:1:3: error: bad binary segment"},
      {__LINE__, "<<1:undefined>>.", "t.erl:1:3: error: bad binary segment: size must be an"},
      {__LINE__, "<<1/'unit:8'>>.", "t.erl:1:5: error: bad binary segment: unknown type"},
      {__LINE__, "<<1:all>>.", "t.erl:1:3: error: bad binary segment"},
      {__LINE__, "{a,\n\tb c}.", "t.erl:2:4: error: expected ',' or '}' in tuple, saw 'c'"},
      {__LINE__, "{a, \"x\ny\" \"z\" q}.",
       "t.erl:2:8: error: expected ',' or '}' in tuple, saw 'q'"},
      {__LINE__, "{a, 'x\ny' b}.", "t.erl:2:4: error: expected ',' or '}' in tuple, saw 'b'"},
      {__LINE__, "{a, 'x\ny'('\x01\n')}.",
       "t.erl:2:3: error: expected ',' or '}' in tuple, saw '('"},
      {__LINE__, "<<1:99999990>>.\n<<1:99999990>>.", "t.erl:2:1: error: binaries too large"},
      // The end of the file: just after the last token, on the line OTP reports.
      {__LINE__, "[a,b\n\n\n", "t.erl:1:5: error: expected ',', '|' or ']' in list, saw end"},
      {__LINE__, "a.\n[b, % c\n\n", "t.erl:2:4: error: expected a term, saw end of file"},
      // A scan error anywhere in the form wins over an earlier syntax error, as in
      // file:consult (erl_scan reads the form to its dot before erl_parse runs) ...
      {__LINE__, "[a b,\n 1.0e999].\n", "t.erl:2:2: error: illegal float '1.0e999'"},
      {__LINE__, "{VSN,\n [a,\n 16#G]}.", "t.erl:3:2: error: illegal integer"},
      {__LINE__, "<<1:foo>>,\n \"abc", "t.erl:2:2: error: unterminated string"},
      // ... but not a scan error in a later form.
      {__LINE__, "[a b]. \n[1.0e999].", "t.erl:1:4: error: expected ',', '|' or ']' in list"},
      {__LINE__, "{VSN}.\n'", "t.erl:1:2: error: variable 'VSN' is not a term"},
      // What OTP finds only after the whole term has parsed (normalise/1, eval_bits:
      // "bad term") gives way to a syntax error later in the term ...
      {__LINE__, "{a, X\n b}.", "t.erl:2:2: error: expected ',' or '}' in tuple, saw 'b'"},
      {__LINE__, "[<<1/u", "t.erl:1:7: error: expected ',' or '>>' in binary, saw end of file"},
      {__LINE__, "{<<1/'unit:8'>>,\n x y}.", "t.erl:2:4: error: expected ',' or '}' in tuple"},
      {__LINE__, "[- a,\n b c].", "t.erl:2:4: error: expected ',', '|' or ']' in list"},
      {__LINE__, "#{a := 1\n b}.", "t.erl:2:2: error: expected ',' or '}' in map, saw 'b'"},
      {__LINE__, "[fun m:f/256,\n a b].", "t.erl:2:4: error: expected ',', '|' or ']'"},
      {__LINE__, "<<1:Size,\n 2 3>>.", "t.erl:2:4: error: expected ',' or '>>' in binary"},
      {__LINE__, "[<<a>>\n}.", "t.erl:2:1: error: expected ',', '|' or ']' in list, saw '}'"},
      // ... and to a scan error anywhere in it ...
      {__LINE__, "[X,\n 1.0e999].", "t.erl:2:2: error: illegal float '1.0e999'"},
      // ... and is reported where it is when the term is otherwise whole (OTP says
      // "bad term" on the line where the term starts), the first one if several.
      {__LINE__, "{a,\n X, Y}.", "t.erl:2:2: error: variable 'X' is not a term"},
      {__LINE__, "[ok,\n fun M:f/1].", "t.erl:2:6: error: variable 'M' is not a term"},
      {__LINE__, "[ok,\n fun m:f/256].", "t.erl:2:10: error: fun arity must be 0..255"},
      {__LINE__, "[ok,\n <<1:N>>].", "t.erl:2:6: error: variable 'N' is not a term"},
      {__LINE__, "[ok,\n <<{a}>>].", "t.erl:2:4: error: a binary segment value must be"},
      {__LINE__, "[ok,\n <<1/u, 2:99999999999>>].",
       "t.erl:2:4: error: bad binary segment: unknown"},
      {__LINE__, "{ok,\n - a}.", "t.erl:2:2: error: unary minus or plus applies only"},
      {__LINE__, "{ok,\n #{a := 1}}.", "t.erl:2:6: error: ':=' is not allowed in a map term"},
  };
  for (const Case& c : cases) {
    Parsed p = parse(c.input);
    EXPECT_FALSE(p.ok) << "line " << c.line << ": " << p.text;
    EXPECT_EQ(p.text.rfind(c.expected, 0), 0u)
        << "line " << c.line << ": got " << p.text << "\nwanted prefix " << c.expected;
  }
}

// Whole messages, not prefixes: where the hints go and where they do not.
TEST(TermParser, ErrorMessagesHintOnlyWhereTheHintHelps) {
  const Case cases[] = {
      // A variable where no term can go: quoting it would not help, so no hint.
      {__LINE__, "[{a}_b].",
       "t.erl:1:5: error: expected ',', '|' or ']' in list, saw the variable '_b'"},
      {__LINE__, "# Core modules.",
       "t.erl:1:3: error: expected '{' after '#' (maps are written #{K => V}), saw the "
       "variable 'Core'"},
      {__LINE__, "<<1:N>>.",
       "t.erl:1:5: error: variable 'N' is not a term; a segment size "
       "must be an integer"},
      {__LINE__, "fun m:f/A.",
       "t.erl:1:9: error: variable 'A' is not a term; the arity must "
       "be an integer"},
      {__LINE__, "fun M:f/1.",
       "t.erl:1:5: error: variable 'M' is not a term; quote it to make an atom"},
      // A quoted atom is shown in its own quotes, once.
      {__LINE__, "[{a}'_b'].", "t.erl:1:5: error: expected ',', '|' or ']' in list, saw '_b'"},
      {__LINE__, "{a 'b c'}.", "t.erl:1:4: error: expected ',' or '}' in tuple, saw 'b c'"},
      // An Erlang script (`X = ...`) says so; other operators do not.
      {__LINE__, "X = 1,\n{a, X}.",
       "t.erl:1:3: error: expected '.' after the term, saw '='; a file of expressions such as "
       "`X = ...` is an Erlang script, not a term file"},
      {__LINE__, "a == b.", "t.erl:1:3: error: expected '.' after the term, saw '='"},
      {__LINE__, "a =:= b.", "t.erl:1:3: error: expected '.' after the term, saw '='"},
  };
  for (const Case& c : cases) {
    Parsed p = parse(c.input);
    EXPECT_FALSE(p.ok) << "line " << c.line;
    EXPECT_EQ(p.text, c.expected) << "line " << c.line;
  }
}

TEST(TermParser, ReadsOddBinarySegmentsAsOtp) {
  // erl_parse:parse_term/1 accepts `undefined` as the size of utf segments.
  EXPECT_EQ(parse("<<945:undefined/utf8>>.").text, "<<206,177:16>>");
  EXPECT_EQ(parse("<<945:(undefined)/utf16-little>>.").text, "<<177,3:16>>");
  EXPECT_EQ(parse("<<<<1,2>>/binary, <<3:4>>/bits, 1:4>>.").text, "<<1,2,49:24>>");
}

TEST(TermParser, ReadsIntegerLiteralsOfAnySize) {
  // OTP reads any integer up to its system limit (2^33554368); relupkit too,
  // and prints it back digit for digit.
  std::string digits(1000000, '9');
  digits[0] = '3';
  digits[500000] = '0';
  Parsed ok = parse(digits + ".");
  ASSERT_TRUE(ok.ok) << ok.text.substr(0, 200);
  EXPECT_EQ(ok.text, digits);
  Parsed neg = parse("-" + digits.substr(0, 200000) + ".");
  ASSERT_TRUE(neg.ok);
  EXPECT_EQ(neg.text, "-" + digits.substr(0, 200000));
  // 16^140000 - 1 (Python's str() of it: 168,577 digits).
  const std::string hex = parse("16#" + std::string(140000, 'f') + ".").text;
  EXPECT_EQ(hex.size(), 168577u);
  EXPECT_EQ(hex.substr(0, 20), "62743946178955554429");
  EXPECT_EQ(hex.substr(hex.size() - 20), "10051690287124709375");
  Parsed big = parse("2#1" + std::string(33554368, '0') + ".");
  ASSERT_FALSE(big.ok);
  EXPECT_EQ(big.text.rfind("t.erl:1:1: error: integer too large: 33554369 digits", 0), 0u)
      << big.text;
  // Leading zeros do not count: such a literal is as small as its value.
  Parsed zeros = parse(std::string(1000000, '0') + "7. -" + std::string(30000, '0') + ".");
  ASSERT_TRUE(zeros.ok);
  EXPECT_EQ(zeros.text, "7;0");
  ASSERT_EQ(zeros.doc->terms.size(), 2u);
  EXPECT_EQ(zeros.doc->terms[0].cast<ast::IntegerTerm>()->big, nullptr);
}

TEST(TermParser, ReadsLongLiteralsInsideAndAroundBinaries) {
  // Literals over 20,000 digits are converted once the whole file has read
  // without error; inside a binary, at once. Both read as shorter ones do.
  std::string d(25000, '0');
  d[0] = '1';
  d.back() = '5'; // 10^24999 + 5: ends in ...0101 in binary
  Parsed p =
      parse("<<" + d + ":4, -" + d + ":8, 1:(" + d + ")/unit:0>>. [-(" + d + "), " + d + "].");
  EXPECT_FALSE(p.ok); // a size of 10^24999 bits
  EXPECT_NE(p.text.find("t.erl:1:"), std::string::npos) << p.text.substr(0, 200);
  p = parse("<<" + d + ":4, -" + d + ":8>>. [-(" + d + "), 16#" + d + "].");
  ASSERT_TRUE(p.ok) << p.text.substr(0, 200);
  // 5 mod 16 = 5; -(...5) mod 256: 10^24999 = 2^24999 5^24999, so its low
  // byte is 0 and the value's low byte is 256 - 5 = 251.
  EXPECT_EQ(p.text.substr(0, p.text.find(';')), parse("<<5:4, 251:8>>.").text);
  EXPECT_EQ(p.text.substr(p.text.find(';') + 1, 3), "[-1");
  Parsed same = parse("[-(" + d + "), 16#" + d + "].");
  ASSERT_TRUE(same.ok);
  EXPECT_EQ(p.text.substr(p.text.find(';') + 1), same.text);
  // A malformed file holding one fails without converting it.
  Parsed bad = parse(std::string(3000000, '9') + " x.");
  ASSERT_FALSE(bad.ok);
  EXPECT_EQ(bad.text.rfind("t.erl:1:3000002: error: ", 0), 0u) << bad.text.substr(0, 200);
  // A long float literal is quoted in the message only in part.
  Parsed fl = parse("1.5e" + std::string(5000, '9') + ".");
  ASSERT_FALSE(fl.ok);
  EXPECT_LT(fl.text.size(), 200u) << fl.text.substr(0, 300);
}

TEST(TermParser, ErrorMessagesStayOnOneLine) {
  // A token quoted in a message keeps control characters and bad bytes escaped.
  Parsed p = parse("{a, '\n\x01\t' x}.");
  ASSERT_FALSE(p.ok);
  EXPECT_EQ(p.text.find('\n'), std::string::npos) << p.text;
  p = parse("[a x\x01\x02].");
  ASSERT_FALSE(p.ok);
  EXPECT_EQ(p.text.find('\x01'), std::string::npos) << p.text;
}

TEST(TermParser, AtomLengthLimitCountsCharacters) {
  std::string alpha;
  for (int i = 0; i < 255; ++i)
    alpha += "α";
  EXPECT_TRUE(parse("'" + alpha + "'.").ok);
  EXPECT_FALSE(parse("'" + alpha + "α'.").ok);
  std::string esc;
  for (int i = 0; i < 255; ++i)
    esc += "\\n";
  EXPECT_TRUE(parse("'" + esc + "'.").ok);
  EXPECT_FALSE(parse(std::string(256, 'a') + ".").ok);
  EXPECT_TRUE(parse(std::string(255, 'a') + ".").ok);
}

TEST(TermParser, SpansCoverNodes) {
  Parsed p = parse("  {foo, - 5, \"a\" \"b\"}.");
  ASSERT_TRUE(p.ok);
  ast::TermRef t = p.doc->terms[0];
  EXPECT_EQ(t.span().begin, 2u);
  EXPECT_EQ(t.span().end, 21u);
  const auto* tu = t.cast<ast::TupleTerm>();
  ASSERT_EQ(tu->size, 3u);
  EXPECT_EQ(tu->elems()[0].span().begin, 3u);
  EXPECT_EQ(tu->elems()[0].span().end, 6u);
  EXPECT_EQ(tu->elems()[1].span().begin, 8u);
  EXPECT_EQ(tu->elems()[1].span().end, 11u);
  EXPECT_EQ(tu->elems()[2].span().begin, 13u);
  EXPECT_EQ(tu->elems()[2].span().end, 20u);
}

TEST(TermParser, KeepsCommentsAndCodingLine) {
  Parsed p = parse("%% coding: utf-8\n{a, % one\n b}. % two\n");
  ASSERT_TRUE(p.ok);
  ASSERT_TRUE(p.doc->has_coding_line);
  EXPECT_EQ(p.doc->source.text().substr(p.doc->coding_line.begin,
                                        p.doc->coding_line.end - p.doc->coding_line.begin),
            "%% coding: utf-8");
  ASSERT_EQ(p.doc->comments.size(), 3u);
  const auto& c = p.doc->comments[1];
  EXPECT_EQ(p.doc->source.text().substr(c.begin, c.end - c.begin), "% one");
}

TEST(TermParser, ReadsLatin1Files) {
  Parsed p = parse("%% coding: latin-1\n\"\xE9\". \xE9t\xE9.");
  ASSERT_TRUE(p.ok) << p.text;
  EXPECT_EQ(p.text, "[233];A(233,116,233)");
  EXPECT_EQ(p.doc->encoding, ast::Encoding::Latin1);
}

TEST(TermParser, ReadsAMillionDeepList) {
  constexpr int kDepth = 1000000;
  std::string text(kDepth, '[');
  text.append(kDepth, ']');
  text += ".";
  SourceBuffer src("deep", text);
  auto r = parse::parse_document(std::move(src));
  ASSERT_TRUE(r.ok());
  ast::TermRef t = (*r)->terms[0];
  int depth = 0;
  while (const auto* l = t.dyn_cast<ast::ListTerm>()) {
    ++depth;
    if (l->size == 0)
      break;
    t = l->elems()[0];
  }
  EXPECT_EQ(depth, kDepth);
}

TEST(TermParser, RejectsUnbalancedDeepNesting) {
  std::string text(200000, '{');
  text += "a";
  text.append(199999, '}');
  text += ".";
  Parsed p = parse(text);
  EXPECT_FALSE(p.ok);
  EXPECT_NE(p.text.find("expected ',' or '}' in tuple, saw '.'"), std::string::npos) << p.text;
}

TEST(TermParser, ColumnsCountCharacters) {
  Parsed p = parse("{'αβγ', X}.");
  ASSERT_FALSE(p.ok);
  EXPECT_EQ(p.text.rfind("t.erl:1:9: error: variable 'X'", 0), 0u) << p.text;
}

// Most atoms are held in their TermRef; one whose source text is too long for
// the reference's 11-bit length (here 255 escaped characters, 2552 bytes) or
// whose id does not fit gets an AtomTerm node. Both read the same.
TEST(TermParser, AtomsLiveInTheirReferenceUnlessTooLong) {
  std::string big = "'";
  for (int i = 0; i < 255; ++i)
    big += "\\x{10FFFF}";
  big += "'";
  const std::string text = "{ok, " + big + ", [x|y]}. z.";
  const Parsed p = parse(text);
  ASSERT_TRUE(p.ok) << p.text;
  const auto* t = p.doc->terms[0].cast<ast::TupleTerm>();
  ASSERT_EQ(t->size, 3u);
  const ast::TermRef ok = t->elems()[0], q = t->elems()[1];
  EXPECT_TRUE(ok.is_immediate());
  EXPECT_EQ(p.doc->atoms.text(ok.atom()), "ok");
  EXPECT_EQ(ok.span().begin, 1u);
  EXPECT_EQ(ok.span().end, 3u);
  EXPECT_FALSE(q.is_immediate());
  EXPECT_EQ(q.kind(), ast::TermKind::Atom);
  EXPECT_EQ(p.doc->atoms.chars(q.atom()), 255u);
  EXPECT_EQ(q.span().begin, 5u);
  EXPECT_EQ(q.span().end, 5u + big.size());
  const auto* l = t->elems()[2].cast<ast::ListTerm>();
  EXPECT_TRUE(l->elems()[0].is_immediate());
  EXPECT_TRUE(l->tail.is_immediate()); // an atom tail, rebased from the stack
  EXPECT_EQ(p.doc->atoms.text(l->tail.atom()), "y");
  const ast::TermRef z = p.doc->terms[1]; // a bare atom term
  EXPECT_TRUE(z.is_immediate());
  EXPECT_EQ(p.doc->atoms.text(z.atom()), "z");
}

// Past 2^20 distinct atoms an id no longer fits a reference: those atoms get
// nodes, and read the same.
TEST(TermParser, AtomsPastTheImmediateIdLimitGetNodes) {
  constexpr uint32_t kAtoms = (uint32_t{1} << 20) + 100;
  std::string text = "[";
  for (uint32_t i = 0; i < kAtoms; ++i)
    text += (i ? ",a" : "a") + std::to_string(i);
  text += "].";
  const Parsed p = parse(text);
  ASSERT_TRUE(p.ok) << p.text.substr(0, 200);
  const auto* l = p.doc->terms[0].cast<ast::ListTerm>();
  ASSERT_EQ(l->size, kAtoms);
  uint32_t nodes = 0;
  for (uint32_t i = 0; i < kAtoms; ++i) {
    const ast::TermRef r = l->elems()[i];
    nodes += r.is_immediate() ? 0 : 1;
    if (i % 4099 == 0 || i + 1 == kAtoms) {
      ASSERT_EQ(r.kind(), ast::TermKind::Atom);
      ASSERT_EQ(p.doc->atoms.text(r.atom()), "a" + std::to_string(i)) << "element " << i;
      const Span sp = r.span();
      ASSERT_EQ(text.substr(sp.begin, sp.end - sp.begin), "a" + std::to_string(i));
    }
  }
  EXPECT_EQ(nodes, 100u);
}

// write_bits_big_endian (a binary segment's integer, `bits` wide, at any bit
// position) writes whole bytes where it can: it must set exactly the bits a
// bit-at-a-time reference sets, for any value, sign, width and position.
TEST(BigInt, WriteBitsBigEndianMatchesBitAtATime) {
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  const auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  int cases = 0;
  for (int round = 0; round < 3000; ++round) {
    ast::BigValue v;
    const auto limbs = static_cast<size_t>(next() % 5);
    for (size_t k = 0; k < limbs; ++k)
      v.limbs.push_back(static_cast<uint32_t>(next()));
    v.trim();
    v.negative = !v.limbs.empty() && next() % 2 == 0;
    const uint64_t bits = next() % 200;
    const uint64_t pos = next() % 20;
    std::vector<uint8_t> fast((pos + bits + 7) / 8 + 1, 0);
    ast::write_bits_big_endian(v, bits, fast, pos);
    // Reference: the two's complement of v, bit (bits-1) first.
    std::vector<uint8_t> ref(fast.size(), 0);
    std::vector<uint32_t> w(static_cast<size_t>((bits + 31) / 32) + 1, 0);
    for (size_t k = 0; k < w.size() && k < v.limbs.size(); ++k)
      w[k] = v.limbs[k];
    if (v.negative) {
      uint64_t carry = 1;
      for (uint32_t& x : w) {
        const uint64_t sum = uint64_t{static_cast<uint32_t>(~x)} + carry;
        x = static_cast<uint32_t>(sum);
        carry = sum >> 32;
      }
    }
    for (uint64_t i = 0; i < bits; ++i) {
      const uint64_t src = bits - 1 - i;
      if ((w[src / 32] >> (src % 32) & 1u) != 0)
        ref[(pos + i) / 8] |= static_cast<uint8_t>(0x80u >> ((pos + i) % 8));
    }
    ASSERT_EQ(fast, ref) << "bits " << bits << " at " << pos << (v.negative ? " negative" : "");
    ++cases;
  }
  EXPECT_EQ(cases, 3000);
}

// The atom table's 4-byte slots hold ids below 2^20 - 1; past that it goes
// wide (8-byte slots). Every atom keeps its id and is found again, on either
// side of the switch, and the texts and lengths stay right.
TEST(AtomTable, GoesWidePastTheCompactIdLimitAndFindsEveryAtomAgain) {
  ast::AtomTable table;
  constexpr uint32_t kAtoms = (uint32_t{1} << 20) + 5000;
  const auto name = [](uint32_t i) { return "atom_" + std::to_string(i * 2654435761u); };
  for (uint32_t i = 0; i < kAtoms; ++i) {
    const std::string n = name(i);
    ASSERT_EQ(table.intern(n).id, i) << n;
    if (i % 1021 == 0) { // an earlier atom, found again as the table grows
      ASSERT_EQ(table.intern(name(i / 2)).id, i / 2);
    }
  }
  ASSERT_EQ(table.size(), kAtoms);
  for (uint32_t i = 0; i < kAtoms; i += 7) {
    ASSERT_EQ(table.intern(name(i)).id, i);
    ASSERT_EQ(table.text(ast::Atom{i}), name(i));
    ASSERT_EQ(table.chars(ast::Atom{i}), name(i).size());
  }
  EXPECT_EQ(table.size(), kAtoms); // nothing new was made by the lookups
  EXPECT_EQ(table.intern("ok").id, kAtoms);
  EXPECT_EQ(table.intern(std::string_view("caf\xC3\xA9"), 4).id, kAtoms + 1);
  EXPECT_EQ(table.chars(ast::Atom{kAtoms + 1}), 4u);
}

// An atom's text is kept in its record up to 24 bytes and in the pool beyond:
// texts of every length from 0 to 255 bytes on both sides of that limit (and
// texts that differ only in their last byte, or in a byte the 8-byte compare
// reads twice) are told apart and found again, and a text() view taken early
// stays valid while the table grows by 100,000 atoms.
TEST(AtomTable, KeepsTextsOfEveryLengthAndItsViewsStayValid) {
  ast::AtomTable table;
  std::vector<std::string> texts;
  for (size_t n = 0; n <= 255; ++n) {
    std::string t(n, 'a');
    for (size_t i = 0; i < n; ++i)
      t[i] = static_cast<char>('a' + (i * 7 + n) % 26);
    texts.push_back(t);
    if (n > 0) {
      std::string last = t;
      last.back() = '_';
      texts.push_back(last);
    }
    if (n > 9) {
      std::string middle = t;
      middle[n - 9] = '@'; // in the word before the overlapping last one
      texts.push_back(middle);
    }
  }
  for (size_t i = 0; i < texts.size(); ++i)
    ASSERT_EQ(table.intern(texts[i]).id, i) << texts[i].size();
  const std::string_view early = table.text(ast::Atom{200});
  const std::string expected_early = texts[200];
  for (uint32_t i = 0; i < 100000; ++i)
    table.intern("grow_" + std::to_string(i));
  EXPECT_EQ(early, expected_early);
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(table.intern(texts[i]).id, i) << texts[i];
    ASSERT_EQ(table.text(ast::Atom{static_cast<uint32_t>(i)}), texts[i]);
  }
}

// Texts whose hashes agree in the bits the table looks at (the slot in a new
// table of 1,024 slots and the 12-bit tag kept in it) are compared byte for
// byte: two such texts of the same length, different in one byte (the first,
// the last, or one in the word before the last), are two atoms. The pairs are
// searched for with AtomTable::hash, varying four other bytes.
TEST(AtomTable, TellsApartTextsWhoseHashesCollide) {
  const auto probe_bits = [](uint64_t h) { return (h >> 52) << 10 | (h & 1023); };
  const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789_@ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int pairs = 0;
  for (size_t n : {5u, 8u, 9u, 16u, 17u, 24u, 25u, 33u, 255u}) {
    for (size_t differ : {size_t{0}, n - 1, n > 9 ? n - 9 : size_t{1}}) {
      std::string a(n, 'q'), b;
      a[differ] = 'x';
      std::vector<size_t> vary; // four bytes other than `differ`
      for (size_t j = 0; vary.size() < 4; ++j)
        if (j != differ)
          vary.push_back(j);
      bool found = false;
      for (uint32_t k = 0; k < 64u * 64 * 64 * 64 && !found; ++k) {
        for (size_t j = 0; j < 4; ++j)
          a[vary[j]] = alphabet[(k >> (6 * j)) & 63];
        b = a;
        b[differ] = 'y';
        found = probe_bits(ast::AtomTable::hash(a.data(), n)) ==
                probe_bits(ast::AtomTable::hash(b.data(), n));
      }
      ASSERT_TRUE(found) << n << " " << differ;
      ast::AtomTable table;
      ASSERT_EQ(table.intern(a).id, 0u);
      ASSERT_EQ(table.intern(b).id, 1u) << "length " << n << ", differing at " << differ;
      ASSERT_EQ(table.intern(a).id, 0u);
      ASSERT_EQ(table.text(ast::Atom{1}), b);
      ++pairs;
    }
  }
  EXPECT_EQ(pairs, 27);
}

// Many atoms nested at several depths (tuple elements, list elements and
// tails, map keys and values): each reference ends up in its container with
// its own text and span.
TEST(TermParser, AtomsKeepTheirPlaceInNestedContainers) {
  std::string text = "[";
  for (int i = 0; i < 300; ++i) {
    const std::string a = "a" + std::to_string(i);
    text += (i ? ", " : "") + ("{" + a + ", [" + a + "x | " + a + "y], #{" + a + " => k}}");
  }
  text += "].";
  const Parsed p = parse(text);
  ASSERT_TRUE(p.ok) << p.text;
  const auto* l = p.doc->terms[0].cast<ast::ListTerm>();
  ASSERT_EQ(l->size, 300u);
  for (uint32_t i = 0; i < l->size; ++i) {
    const std::string a = "a" + std::to_string(i);
    const auto* t = l->elems()[i].cast<ast::TupleTerm>();
    EXPECT_EQ(p.doc->atoms.text(t->elems()[0].atom()), a);
    const auto* inner = t->elems()[1].cast<ast::ListTerm>();
    EXPECT_EQ(p.doc->atoms.text(inner->elems()[0].atom()), a + "x");
    EXPECT_EQ(p.doc->atoms.text(inner->tail.atom()), a + "y");
    const auto* m = t->elems()[2].cast<ast::MapTerm>();
    EXPECT_EQ(p.doc->atoms.text(m->kv()[0].atom()), a);
    EXPECT_EQ(p.doc->atoms.text(m->kv()[1].atom()), "k");
    const Span sp = m->kv()[0].span();
    EXPECT_EQ(text.substr(sp.begin, sp.end - sp.begin), a);
  }
}

} // namespace
} // namespace relupkit
