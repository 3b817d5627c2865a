// SPDX-License-Identifier: Apache-2.0
// Differential test against OTP: gen_print_cases.erl writes random terms with
// io_lib:format("~tw"/"~tp"/"~p"); relupkit parses them and must print the
// exact bytes OTP printed.
//
// The seed changes every run and is printed with any failure; set
// RELUPKIT_SEED=<n> to replay one. Skipped when erl is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "print_test_util.h"
#include "relupkit/print/printer.h"

namespace relupkit {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxReported = 5;

uint64_t test_seed() {
  if (const char* env = std::getenv("RELUPKIT_SEED"); env != nullptr && *env != '\0')
    return std::strtoull(env, nullptr, 10);
  std::random_device rd;
  return (uint64_t(rd()) << 16 ^ rd()) % 1000000000;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

/// Runs the generator under `erl` (with `+pc unicode` when asked); false on failure.
bool generate(uint64_t seed, int count, const fs::path& dir, bool pc_unicode, std::string* why) {
  const std::string src = std::string(RELUPKIT_PRINT_TEST_DIR) + "/gen_print_cases.erl";
  const std::string eval = "{ok, M, B} = compile:file(\"" + src +
                           "\", [binary, report]), {module, _} = code:load_binary(M, \"" + src +
                           "\", B), ok = gen_print_cases:main([" + std::to_string(seed) + ", " +
                           std::to_string(count) + ", \"" + dir.string() + "\"]), halt().";
  const std::string cmd = shell_quote(RELUPKIT_ERL) + " -noshell" +
                          (pc_unicode ? " +pc unicode" : "") + " -eval " + shell_quote(eval) +
                          " > " + shell_quote((dir / "erl.log").string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    *why =
        "erl failed (" + std::to_string(rc) + "): " + test::read_file((dir / "erl.log").string());
    return false;
  }
  return true;
}

/// Prints every term of `input` and compares with the terms of `expected`.
void compare(uint64_t seed,
             const fs::path& input,
             const fs::path& expected,
             const print::PrintOptions& options,
             const char* what) {
  SCOPED_TRACE(std::string(what) + ", seed " + std::to_string(seed) +
               " (RELUPKIT_SEED=" + std::to_string(seed) + " replays it)");
  const std::string text = test::read_file(input.string());
  std::string error;
  auto doc = test::parse_text(text, &error);
  ASSERT_NE(doc, nullptr) << "cannot parse " << input << ": " << error;
  const std::vector<std::string> want = test::split_terms(test::read_file(expected.string()));
  ASSERT_EQ(doc->terms.size(), want.size());
  int failures = 0;
  for (size_t i = 0; i < want.size() && failures < kMaxReported; ++i) {
    const std::string got = test::print(*doc, doc->terms[i], options);
    if (got != want[i]) {
      ++failures;
      ast::TermRef t = doc->terms[i];
      ADD_FAILURE() << "term #" << i + 1 << " of " << input.filename().string() << ":\n"
                    << text.substr(t.span().begin, t.span().end - t.span().begin)
                    << "\nOTP printed:\n"
                    << want[i] << "\nrelupkit printed:\n"
                    << got;
    }
  }
}

struct GenRun {
  const char* name;
  bool pc_unicode;
  int count;
};

TEST(OtpDifferential, PrintsRandomTermsLikeOtp) {
  if (std::string(RELUPKIT_ERL).empty())
    GTEST_SKIP() << "erl not found at configure time";
  const uint64_t seed = test_seed();
  std::printf("[ seed     ] RELUPKIT_SEED=%llu\n", static_cast<unsigned long long>(seed));
  const GenRun runs[] = {{"default", false, 2500}, {"pc-unicode", true, 1000}};
  for (const GenRun& run : runs) {
    const fs::path dir =
        fs::path(::testing::TempDir()) / ("relupkit_print_" + std::to_string(seed) + run.name);
    fs::create_directories(dir);
    std::string why;
    ASSERT_TRUE(generate(seed, run.count, dir, run.pc_unicode, &why)) << why;

    print::PrintOptions tp;
    tp.printable_unicode = run.pc_unicode;
    print::PrintOptions p = tp;
    p.unicode = false;
    const std::string tag = std::string(run.name) + ": ";
    // From the flat ~tw text: the printer finds every break itself.
    compare(seed, dir / "input_w.txt", dir / "input_tp.txt", tp, (tag + "~tw -> ~tp").c_str());
    compare(seed, dir / "input_w.txt", dir / "expected_p.txt", p, (tag + "~tw -> ~p").c_str());
    // From systools' own layout: printing is the identity.
    compare(seed, dir / "input_tp.txt", dir / "input_tp.txt", tp, (tag + "~tp -> ~tp").c_str());
    if (!HasFailure())
      fs::remove_all(dir);
  }
}

} // namespace
} // namespace relupkit
