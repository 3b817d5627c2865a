// SPDX-License-Identifier: Apache-2.0
// pegtl::coverage over the OTP-checked cases (document_cases.inc): every rule of
// grammar/erlang_term.hpp is matched at least once, so the table exercises the
// whole grammar and no rule is dead.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/coverage.hpp>

#include "erlang_term.hpp"
#include "errors.hpp"

namespace {

using namespace relupkit;
namespace pegtl = tao::pegtl;

struct Case {
  std::string_view input;
  std::string_view expected;
};
template <size_t N, size_t M> constexpr Case row(const char (&in)[N], const char (&out)[M]) {
  return Case{std::string_view(in, N - 1), std::string_view(out, M - 1)};
}
constexpr Case kCases[] = {
#include "document_cases.inc"
};

TEST(GrammarCoverage, CasesMatchEveryRule) {
  pegtl::coverage_result result;
  for (const Case& c : kCases) {
    pegtl::memory_input<> in(c.input.data(), c.input.size(), "case");
    try {
      (void)pegtl::coverage<grammar::document, pegtl::nothing, grammar::control>(in, result);
    } catch (const pegtl::parse_error&) {
      // rejected inputs cover the error paths
    }
  }
  size_t rules = 0;
  for (const auto& [name, info] : result) {
    if (name.substr(0, 19) != "relupkit::grammar::")
      continue;
    ++rules;
    EXPECT_GT(info.success, 0u) << name << " never matched";
  }
  EXPECT_GT(rules, 60u);
}

} // namespace
