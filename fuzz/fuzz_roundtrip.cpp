// SPDX-License-Identifier: Apache-2.0
// fuzz_roundtrip: parse -> print -> parse -> print. The canonical print of an
// accepted input must parse again and print identically (printing is idempotent),
// and printing it in pieces (print_canonical_to, 1 KiB pieces) must pass on the
// same bytes. The reparse owns its strings and lets its source go before it is
// printed (as `relupkit fmt` does), so a string left pointing into the freed
// source is a use after free.
// Documents with funs that OTP itself prints unreadably are skipped (see
// funs_print_readably). So are documents whose binaries hold more than 1 MiB:
// a 20-byte `<<1:99999901>>` is a valid 12 MB binary, whose two prints take
// seconds under ASan and test nothing that smaller binaries do not (libFuzzer
// reported them as timeouts).

#include "fuzz_utils.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace relupkit;
  std::string_view input = fuzz::as_chars(data, size);
  auto first = fuzz::parse_hand(input);
  if (!first.ok() || !fuzz::funs_print_readably(fuzz::document(*first)) ||
      fuzz::binary_bytes(fuzz::document(*first)) > (uint64_t{1} << 20))
    return 0;
  std::string print1 = print::print_canonical(fuzz::document(*first));

  auto second = fuzz::parse_hand_owned(print1);
  if (!second.ok())
    fuzz::fail("the canonical print does not parse again",
               {{"input", input},
                {"first print", print1},
                {"reparse error", fuzz::describe(second.error())}});
  if (fuzz::document(*second).terms.size() != fuzz::document(*first).terms.size())
    fuzz::fail("the reparse has a different number of terms",
               {{"input", input}, {"first print", print1}});

  fuzz::PieceSink pieces;
  if (!print::print_canonical_to(pieces, fuzz::document(*first), {}, 1024).ok() ||
      pieces.all != print1)
    fuzz::fail_mismatch("the print in pieces differs", input, {"print", print1},
                        {"print in pieces", pieces.all});

  if (!(*second)->release_source())
    fuzz::fail("a parse with own_strings does not release its source",
               {{"input", input}, {"first print", print1}});
  std::string print2 = print::print_canonical(fuzz::document(*second));
  if (print1 != print2)
    fuzz::fail_mismatch("printing is not idempotent", input, {"first print", print1},
                        {"second print", print2});
  return 0;
}
