// SPDX-License-Identifier: Apache-2.0
// The grammar against OTP 25's answers for every input of tests/grammar/gen_cases.py:
// same rejections, and for accepted files the same terms (tests/parse/term_dump.h).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "parse/term_dump.h"
#include "pegtl_parser.h"

namespace {

using namespace relupkit;

struct Case {
  std::string_view input;
  std::string_view expected; ///< "error", or "ok" and one dump line per term
};

// String literals may contain NUL bytes: keep their full size.
template <size_t N, size_t M> constexpr Case row(const char (&in)[N], const char (&out)[M]) {
  return Case{std::string_view(in, N - 1), std::string_view(out, M - 1)};
}
constexpr Case kCases[] = {
#include "document_cases.inc"
};

std::string read_with_grammar(std::string_view input) {
  auto doc = grammar::parse_document(SourceBuffer("case", input));
  if (!doc.ok())
    return "error";
  std::string out = "ok";
  for (ast::TermRef t : (*doc)->terms) {
    out += '\n';
    test::dump(out, **doc, t);
  }
  return out;
}

TEST(GrammarDocument, AgreesWithFileConsult) {
  size_t index = 0;
  for (const Case& c : kCases) {
    ++index;
    SCOPED_TRACE(testing::Message() << "document_cases.inc row " << index << ": "
                                    << testing::PrintToString(std::string(c.input)));
    EXPECT_EQ(read_with_grammar(c.input), c.expected);
  }
  EXPECT_GT(index, 300u);
}

} // namespace
