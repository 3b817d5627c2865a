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
  /// try_print_canonical fails once the output would pass this many bytes
  /// (0: no limit). OTP's layout indents each nesting level one column more, so
  /// a deep chain such as {a,{a,{a,...}}} prints in size quadratic in its depth
  /// (300,000 levels: 45 GB); a limit keeps a hostile file from exhausting memory.
  size_t max_output_bytes = 0;
};

/// Appends `io_lib:format("~tp", [T])` as UTF-8, laid out as if it started at
/// column 1. Never recurses on the C stack.
void print_term(std::string& out,
                const ast::Document& doc,
                ast::TermRef term,
                const PrintOptions& options = {});

/// The whole document in canonical style: the leading encoding-comment line if
/// the source had one, then each term as `~tp.~n`. The terms are Latin-1 when
/// that line declares `%% coding: latin-1` (a term with a character above 255
/// is then written as `~p` writes it), UTF-8 otherwise. Either way file:consult
/// reads the output back as the same terms: should epp take the UTF-8 output
/// for Latin-1 (a quoted atom on the first two lines holding the text
/// `%% coding: latin-1`), a `%% coding: utf-8` line is written first.
std::string print_canonical(const ast::Document& doc, const PrintOptions& options = {});

/// print_canonical with `options.max_output_bytes` enforced: an Err (code
/// Limit) instead of an output larger than that.
Result<std::string> try_print_canonical(const ast::Document& doc, const PrintOptions& options);

} // namespace relupkit::print
