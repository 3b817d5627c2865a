// SPDX-License-Identifier: Apache-2.0
// pegtl::analyze: no rule of the grammar can loop without consuming input.
#include <gtest/gtest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include "erlang_term.hpp"

namespace {

using namespace relupkit;

TEST(GrammarAnalyze, DocumentHasNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<grammar::document>(1), 0u);
}

TEST(GrammarAnalyze, Utf8CheckHasNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<grammar::utf8_text>(1), 0u);
}

TEST(GrammarAnalyze, EncodingHeaderHasNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<grammar::encoding_header>(1), 0u);
}

} // namespace
