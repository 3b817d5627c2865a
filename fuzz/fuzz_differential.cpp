// SPDX-License-Identifier: Apache-2.0
// fuzz_differential: the hand-written parser and the PEGTL reference grammar agree
// on accept/reject and, on accept, on the canonical print. Inputs the grammar
// refuses for nesting depth (it recurses; the hand parser must not) are skipped.
// And the hand parser's fused scanner builds exactly what its token-at-a-time
// path builds, or fails with the same error; and so does a parse on two
// threads split at some of the input's commas.

#include "fuzz_utils.h"
#include "pegtl_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relupkit;
  std::string_view input = fuzz::as_chars(data, size);
  auto peg = grammar::parse_document(fuzz::make_source(input));
  if (!peg.ok() && grammar::is_nesting_too_deep(peg.error()))
    return 0;
  auto hand = fuzz::parse_hand(input);

  // The hand parser's fused scanner and its token-at-a-time path build the
  // same document, or report the same error.
  auto tokens = fuzz::parse_hand_tokens(input);
  if (hand.ok() != tokens.ok() ||
      (!hand.ok() && fuzz::describe(hand.error()) != fuzz::describe(tokens.error())))
    fuzz::fail("the fused scanner and the token path disagree",
               {{"input", input},
                {"fused", hand.ok() ? "accepts" : fuzz::describe(hand.error())},
                {"tokens", tokens.ok() ? "accepts" : fuzz::describe(tokens.error())}});
  if (hand.ok()) {
    const std::string fused_dump = fuzz::exact_dump(**hand);
    const std::string tokens_dump = fuzz::exact_dump(**tokens);
    if (fused_dump != tokens_dump)
      fuzz::fail_mismatch("the fused scanner and the token path build different documents", input,
                          {"fused", fused_dump}, {"tokens", tokens_dump});
  }

  // Read on two threads, split at two of its commas: the same document
  // (atom ids included) or the same error as on one.
  const std::string split = fuzz::split_difference(input, hand, 2);
  if (!split.empty())
    fuzz::fail("the two-thread parse differs from the one-thread parse",
               {{"input", input}, {"difference", split}});

  if (hand.ok() != peg.ok()) {
    std::string hand_says = hand.ok() ? "accepts" : fuzz::describe(hand.error());
    std::string peg_says = peg.ok() ? "accepts" : fuzz::describe(peg.error());
    fuzz::fail("the hand parser and the PEGTL grammar disagree on accept/reject",
               {{"input", input}, {"hand parser", hand_says}, {"PEGTL grammar", peg_says}});
  }
  if (!hand.ok())
    return 0;

  std::string hand_print = print::print_canonical(fuzz::document(*hand));
  std::string peg_print = print::print_canonical(fuzz::document(*peg));
  if (hand_print != peg_print)
    fuzz::fail_mismatch("the hand parser and the PEGTL grammar build different terms", input,
                        {"hand parser, printed", hand_print},
                        {"PEGTL grammar, printed", peg_print});
  return 0;
}
