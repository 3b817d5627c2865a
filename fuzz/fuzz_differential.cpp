// SPDX-License-Identifier: Apache-2.0
// fuzz_differential: the hand-written parser and the PEGTL reference grammar agree
// on accept/reject and, on accept, on the canonical print. Inputs the grammar
// refuses for nesting depth (it recurses; the hand parser must not) are skipped.

#include "fuzz_utils.h"
#include "pegtl_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relupkit;
  std::string_view input = fuzz::as_chars(data, size);
  auto peg = grammar::parse_document(fuzz::make_source(input));
  if (!peg.ok() && grammar::is_nesting_too_deep(peg.error()))
    return 0;
  auto hand = fuzz::parse_hand(input);

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
