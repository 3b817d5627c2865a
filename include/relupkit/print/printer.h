// SPDX-License-Identifier: Apache-2.0
#pragma once
// The canonical printer: byte-identical to OTP 25's io_lib:format("~tp", [Term]).

#include <string>

#include "relupkit/ast/term.h"

namespace relupkit::print {

struct PrintOptions {
  /// `~tp` (true) or `~p` (false): atoms and binaries with characters > 255.
  bool unicode = true;
  /// The VM's printable range: false is `+pc latin1` (OTP's default, what
  /// systools runs with), true is `+pc unicode`.
  bool printable_unicode = false;
  /// Line length (`~p` uses 80).
  int line_length = 80;
};

/// Appends `io_lib:format("~tp", [T])` as UTF-8, laid out as if it started at
/// column 1. Never recurses on the C stack.
void print_term(std::string& out, const ast::Document& doc, const ast::Term* term,
                const PrintOptions& options = {});

/// The whole document in canonical style: the leading encoding-comment line if
/// the source had one, then each term as `~tp.~n`. The terms are UTF-8, or
/// Latin-1 when epp would read the output as Latin-1 (a kept
/// `%% coding: latin-1` line, or such text inside a term on the first two
/// lines); then a term with a character above 255 is written as `~p` writes it.
/// Either way file:consult reads the output back as the same terms.
std::string print_canonical(const ast::Document& doc, const PrintOptions& options = {});

} // namespace relupkit::print
