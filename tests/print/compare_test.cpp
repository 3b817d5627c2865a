// SPDX-License-Identifier: Apache-2.0
// Erlang term order over the AST (relupkit/ast/compare.h).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "print_test_util.h"
#include "relupkit/ast/compare.h"

namespace relupkit {
namespace {

using ast::CompareMode;
using test::TermBuilder;

int cmp(const ast::Document& doc,
        ast::TermRef a,
        ast::TermRef b,
        CompareMode mode = CompareMode::Standard) {
  return ast::compare_terms(doc.atoms, a, b, mode);
}

/// Parses one term.
struct One {
  std::unique_ptr<ast::Document> doc;
  ast::TermRef term;
};

TEST(TermOrder, OrdersTypeClasses) {
  // number < atom < fun < tuple < map < [] < list < bitstring
  std::string error;
  auto doc = test::parse_text("[1, 2.5, a, fun m:f/1, {}, #{}, [], [a], <<>>].", &error);
  ASSERT_TRUE(doc) << error;
  const auto* l = doc->terms[0].cast<ast::ListTerm>();
  for (uint32_t i = 0; i + 1 < l->size; ++i) {
    EXPECT_EQ(cmp(*doc, l->elems()[i], l->elems()[i + 1]), -1) << "element " << i;
    EXPECT_EQ(cmp(*doc, l->elems()[i + 1], l->elems()[i]), 1) << "element " << i;
    EXPECT_EQ(cmp(*doc, l->elems()[i], l->elems()[i]), 0) << "element " << i;
  }
}

TEST(TermOrder, ComparesNumbersByValueOrExactly) {
  ast::Document doc;
  TermBuilder b{doc};
  ast::TermRef one = b.integer(1);
  ast::TermRef onef = b.floating(1.0);
  ast::TermRef two = b.integer(2);
  EXPECT_EQ(cmp(doc, one, onef), 0);
  EXPECT_EQ(cmp(doc, one, onef, CompareMode::Exact), -1);
  EXPECT_EQ(cmp(doc, two, onef), 1);
  EXPECT_EQ(cmp(doc, two, onef, CompareMode::Exact), -1); // integers before floats
  EXPECT_FALSE(ast::exactly_equal(doc.atoms, one, onef));
  EXPECT_TRUE(ast::exactly_equal(doc.atoms, b.floating(0.0), b.floating(-0.0))); // OTP 25
  EXPECT_EQ(cmp(doc, b.integer(INT64_MIN), b.integer(INT64_MAX)), -1);
}

TEST(TermOrder, ComparesBignumsWithFloatsExactly) {
  std::string error;
  // 2^70 + 1 against the float 2^70 (1180591620717411303424.0).
  auto doc =
      test::parse_text("1180591620717411303425. 1180591620717411303424. -1180591620717411303425. "
                       "1.180591620717411303424e21. 9223372036854775808. 9.2233720368547758e18.",
                       &error);
  ASSERT_TRUE(doc) << error;
  const auto& t = doc->terms;
  EXPECT_EQ(cmp(*doc, t[0], t[3]), 1);
  EXPECT_EQ(cmp(*doc, t[1], t[3]), 0);
  EXPECT_EQ(cmp(*doc, t[3], t[0]), -1);
  EXPECT_EQ(cmp(*doc, t[2], t[3]), -1);
  EXPECT_EQ(cmp(*doc, t[4], t[5]), 0); // 2^63 both ways
  EXPECT_EQ(cmp(*doc, t[1], t[0]), -1);
  EXPECT_EQ(cmp(*doc, t[2], t[1]), -1);
}

// Integers across int64_t's limits and bignums of several sizes, negative
// ones included, are in order by value (and in map-key order, which for
// integers is the same): each against each, both ways.
TEST(TermOrder, OrdersIntegersAcrossBignumSizesAndSigns) {
  std::string error;
  auto doc = test::parse_text(
      "[-79228162514264337593543950336, -1180591620717411303425, -1180591620717411303424,"
      " -18446744073709551616, -9223372036854775809, -9223372036854775808, -1, 0,"
      " 9223372036854775807, 9223372036854775808, 18446744073709551616,"
      " 1180591620717411303424, 1180591620717411303425, 79228162514264337593543950336].",
      &error);
  ASSERT_TRUE(doc) << error;
  const auto* l = doc->terms[0].cast<ast::ListTerm>();
  ASSERT_EQ(l->size, 14u);
  for (uint32_t i = 0; i < l->size; ++i) {
    for (uint32_t j = 0; j < l->size; ++j) {
      const int want = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(cmp(*doc, l->elems()[i], l->elems()[j]), want) << i << " against " << j;
      EXPECT_EQ(cmp(*doc, l->elems()[i], l->elems()[j], CompareMode::Exact), want)
          << i << " against " << j << " (exact)";
    }
  }
}

TEST(TermOrder, ComparesListsByCells) {
  std::string error;
  auto doc = test::parse_text(
      R"("ab". [97,98]. [$a|"b"]. [97|[98]]. [a|b]. [a,c]. []. "". [a]. [a,b].)", &error);
  ASSERT_TRUE(doc) << error;
  const auto& t = doc->terms;
  EXPECT_EQ(cmp(*doc, t[0], t[1]), 0);
  EXPECT_EQ(cmp(*doc, t[0], t[2]), 0);
  EXPECT_EQ(cmp(*doc, t[1], t[3]), 0);
  EXPECT_EQ(cmp(*doc, t[4], t[5]), -1); // tail b (atom) < [c] (list)
  EXPECT_EQ(cmp(*doc, t[6], t[7]), 0);  // [] =:= ""
  EXPECT_EQ(cmp(*doc, t[6], t[8]), -1);
  EXPECT_EQ(cmp(*doc, t[8], t[9]), -1);
  EXPECT_EQ(cmp(*doc, t[9], t[0]), 1); // a (atom) > 97 (number)
}

TEST(TermOrder, ComparesTuplesMapsBinariesAtomsAndFuns) {
  std::string error;
  auto doc = test::parse_text(
      "{b}. {a,a}. #{a => 1}. #{b => 0}. #{a => 2}. #{1 => a}. #{1.0 => a}. "
      "<<0,1>>. <<1>>. <<1:3>>. z. 'é'. a. aa. fun m:f/2. fun m:g/0. fun n:a/0. fun m:f/3.",
      &error);
  ASSERT_TRUE(doc) << error;
  const auto& t = doc->terms;
  EXPECT_EQ(cmp(*doc, t[0], t[1]), -1); // size first
  EXPECT_EQ(cmp(*doc, t[2], t[3]), -1); // keys first
  EXPECT_EQ(cmp(*doc, t[2], t[4]), -1); // then values
  // Map keys always compare exactly, even under ==: #{1 => a} < #{1.0 => a}.
  EXPECT_EQ(cmp(*doc, t[5], t[6]), -1);
  EXPECT_EQ(cmp(*doc, t[5], t[6], CompareMode::Exact), -1);
  EXPECT_EQ(cmp(*doc, t[7], t[8]), -1);
  EXPECT_EQ(cmp(*doc, t[8], t[9]), -1);
  EXPECT_EQ(cmp(*doc, t[10], t[11]), -1); // code point order
  EXPECT_EQ(cmp(*doc, t[12], t[13]), -1);
  EXPECT_EQ(cmp(*doc, t[14], t[15]), -1); // module, then function, then arity
  EXPECT_EQ(cmp(*doc, t[15], t[16]), -1);
  EXPECT_EQ(cmp(*doc, t[14], t[17]), -1);
}

TEST(TermOrder, SortsMapEntriesLastPairWins) {
  std::string error;
  auto doc = test::parse_text("#{b => 1, 1.0 => x, a => 2, 1 => y, b => 3, 1 => z}.", &error);
  ASSERT_TRUE(doc) << error;
  ast::TermComparator c(doc->atoms);
  const auto& e = c.sorted_entries(*doc->terms[0].cast<ast::MapTerm>());
  ASSERT_EQ(e.size(), 4u);
  std::string keys;
  for (const auto& [k, v] : e) {
    keys += test::print(*doc, k) + "=" + test::print(*doc, v) + " ";
  }
  EXPECT_EQ(keys, "1=z 1.0=x a=2 b=3 ");
}

TEST(TermOrder, ComparesMillionDeepTermsWithoutRecursion) {
  ast::Document doc;
  TermBuilder b{doc};
  ast::TermRef x = b.atom("x");
  ast::TermRef y = b.atom("x");
  ast::TermRef z = b.atom("z");
  ast::TermRef m1 = b.map({b.atom("k"), b.integer(1)});
  ast::TermRef m2 = b.map({b.atom("k"), b.integer(1)});
  for (int i = 0; i < 1000000; ++i) {
    x = b.tuple({b.list({x})});
    y = b.tuple({b.list({y})});
    z = b.tuple({b.list({z})});
    m1 = b.map({b.atom("k"), m1});
    m2 = b.map({b.atom("k"), m2});
  }
  EXPECT_EQ(cmp(doc, x, y), 0);
  EXPECT_EQ(cmp(doc, x, z), -1);
  EXPECT_EQ(cmp(doc, z, y), 1);
  EXPECT_EQ(cmp(doc, m1, m2), 0);
}

TEST(TermOrder, ComparesMapsNestedInKeys) {
  // Sorting a map whose keys are maps whose keys are maps ... stays iterative.
  ast::Document doc;
  TermBuilder b{doc};
  ast::TermRef k1 = b.atom("a");
  ast::TermRef k2 = b.atom("b");
  for (int i = 0; i < 100000; ++i) {
    k1 = b.map({k1, b.integer(1), b.atom("z"), b.integer(2)});
    k2 = b.map({k2, b.integer(1), b.atom("z"), b.integer(2)});
  }
  EXPECT_EQ(cmp(doc, k1, k2), -1);
  ast::TermComparator c(doc.atoms);
  const auto& e =
      c.sorted_entries(*b.map({k2, b.integer(2), k1, b.integer(1)}).cast<ast::MapTerm>());
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].first, k1);
}

// An atom behind a node (too long for its reference) is the same atom.
TEST(TermOrder, AtomNodesEqualImmediateAtoms) {
  ast::Document doc;
  TermBuilder b{doc};
  const ast::TermRef imm = b.atom("ok"), node = b.atom_node("ok");
  EXPECT_TRUE(imm.is_immediate());
  EXPECT_FALSE(node.is_immediate());
  EXPECT_EQ(cmp(doc, imm, node, CompareMode::Exact), 0);
  EXPECT_EQ(cmp(doc, b.tuple({imm, b.atom("a")}), b.tuple({node, b.atom_node("a")})), 0);
  EXPECT_EQ(cmp(doc, node, b.atom("ol")), -1);
  EXPECT_EQ(cmp(doc, b.atom_node("ol"), imm), 1);
  EXPECT_EQ(test::print(doc, b.list({node, imm}, b.atom_node("t"))), "[ok,ok|t]");
}

// The bits of an immediate atom: id, span begin and length at their limits.
TEST(TermRefLayout, HoldsAtomsAtTheLimits) {
  const ast::Atom top{(uint32_t{1} << 20) - 1};
  const Span far{UINT32_MAX - 2047, UINT32_MAX};
  ASSERT_TRUE(ast::TermRef::fits_immediate(top, far));
  const ast::TermRef r = ast::TermRef::immediate(top, far);
  EXPECT_EQ(r.kind(), ast::TermKind::Atom);
  EXPECT_EQ(r.atom(), top);
  EXPECT_EQ(r.span().begin, far.begin);
  EXPECT_EQ(r.span().end, far.end);
  EXPECT_EQ(r.flags(), 0);
  EXPECT_EQ(r.node(), nullptr);
  EXPECT_FALSE(ast::TermRef::fits_immediate(ast::Atom{uint32_t{1} << 20}, Span{0, 1}));
  EXPECT_FALSE(ast::TermRef::fits_immediate(top, Span{0, 2048}));
  const ast::TermRef zero = ast::TermRef::immediate(ast::Atom{0}, Span{0, 0});
  EXPECT_TRUE(zero); // never the null reference
  EXPECT_FALSE(ast::TermRef());
}

} // namespace
} // namespace relupkit
