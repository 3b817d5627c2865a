// SPDX-License-Identifier: Apache-2.0
#pragma once
// The canonical printer: byte-identical to OTP 25's io_lib:format("~tp", [Term]).

#include <cstddef>
#include <string>
#include <string_view>

#include "relupkit/ast/term.h"
#include "relupkit/base/result.h"

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

/// Takes printed output a piece at a time, in order.
class OutputSink {
public:
  virtual ~OutputSink() = default;
  /// The next piece. False: stop; the rest of the output is not passed on
  /// (the printer still runs to the end, so an over-long layout is reported).
  virtual bool write(std::string_view bytes) = 0;
};

/// try_print_canonical, with the output passed to `sink` as it is made
/// instead of held whole: in pieces of at least `chunk_bytes` (1 KiB at the
/// least) that end after a line break or a term (a piece holds a whole line,
/// however long). The same bytes, in order. On an Err part of the output may
/// have gone to the sink already: a caller that must write nothing on an
/// error writes to a temporary file.
Result<void> print_canonical_to(OutputSink& sink,
                                const ast::Document& doc,
                                const PrintOptions& options,
                                size_t chunk_bytes = size_t{256} << 10);

} // namespace relupkit::print
