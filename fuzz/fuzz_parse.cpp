// SPDX-License-Identifier: Apache-2.0
// fuzz_parse: the hand-written parser never crashes, hangs or asserts. An accepted
// input also prints canonically; a rejected one gets a syntax error whose span lies
// inside the input and that formats as `FILE:LINE:COL: error: MESSAGE`.

#include "fuzz_utils.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relupkit;
  std::string_view input = fuzz::as_chars(data, size);
  auto doc = fuzz::parse_hand(input);
  if (doc.ok()) {
    std::string printed = print::print_canonical(fuzz::document(*doc));
    if (!fuzz::document(*doc).terms.empty() && printed.empty())
      fuzz::fail("an accepted document with terms printed as nothing", {{"input", input}});
    return 0;
  }
  const Err& err = doc.error();
  std::string why = fuzz::describe(err);
  if (err.code != ErrCode::Syntax)
    fuzz::fail("the parser failed with a non-syntax error", {{"input", input}, {"error", why}});
  if (err.span.begin > err.span.end || err.span.end > size)
    fuzz::fail("the error span lies outside the input", {{"input", input}, {"error", why}});
  SourceBuffer source = fuzz::make_source(input);
  std::string message = parse::format_parse_error(source, err);
  if (message.rfind(std::string(fuzz::kInputName) + ":", 0) != 0 ||
      message.find(": error: ") == std::string::npos)
    fuzz::fail("the formatted error is not FILE:LINE:COL: error: MESSAGE",
               {{"input", input}, {"error", why}, {"formatted", message}});
  return 0;
}
