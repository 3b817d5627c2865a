// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hand-written term-file parser: reads what OTP 25's file:consult/1 reads.

#include <cstddef>
#include <memory>

#include "relupkit/ast/term.h"
#include "relupkit/base/result.h"
#include "relupkit/source/source.h"

namespace relupkit::parse {

/// How a parse went (ParseOptions::stats).
struct ParseStats {
  /// A second thread was started, to read from just after the comma at
  /// byte `split_at`.
  bool split = false;
  uint32_t split_at = 0;
  /// What it read was joined (else the calling thread read on by itself).
  bool joined = false;
};

struct ParseOptions {
  /// Keep `%` comments in Document::comments.
  bool keep_comments = true;
  /// Read the common forms (atoms, strings without escapes, small integers,
  /// tuples, lists) with the fused scanner. The result is the same either way;
  /// false forces the token-at-a-time path everywhere (tests compare the two).
  bool fast_path = true;
  /// Read a large input on two threads: the calling thread reads the text up
  /// to a comma near the middle while a second thread reads the rest, and the
  /// two parts are joined ("Reading on two threads" in docs/ast.md). The
  /// result is the same document, atom ids included, or the same error. When
  /// the parts cannot be joined (the comma was inside a string, a map or a
  /// binary; the second part holds an error; ...), the calling thread reads
  /// on by itself. 1.3 to 1.7 times as fast on a 20 MB relup with two free
  /// cores, for about a quarter of the file's size more memory at its peak (a
  /// second atom table, the second part's values until the join, a second
  /// partly used arena chunk), so it is off by default.
  bool threads = false;
  /// Inputs smaller than this are read on one thread.
  size_t split_min_bytes = size_t{1} << 20;
  /// For tests: the byte offset to split at (the first comma at or after it),
  /// instead of near the middle. Used only when `threads` is set and the input
  /// is at least `split_min_bytes`.
  size_t split_at = 0;
  /// Copy the characters of every string into the document's arena. By
  /// default a string without escapes points into the source; with this set
  /// nothing in the terms does, and ast::Document::release_source() can free
  /// the source once the parse is done (`relupkit fmt` does, before printing).
  bool own_strings = false;
  /// Integer literals longer than this many characters (and too large for
  /// 64 bits) are converted to binary only once the whole document has read
  /// without error, so that a malformed file holding a huge one fails at once
  /// (a 10,000,000-digit literal takes about a minute to convert). The result
  /// is the same either way; tests and fuzzers set 0 to defer every one.
  size_t defer_digits = 20000;
  /// When set, receives how the parse went.
  ParseStats* stats = nullptr;
};

/// Parses a whole term file: any number of terms, each ended by `.` and
/// whitespace, a `%`-comment or the end of the file.
///
/// Accepts exactly what `file:consult/1` accepts; on failure the Err's span
/// starts where the error is and its message reads like
/// "unterminated string starting here". Within a term, the error reported is
/// the one OTP stops at: a scan error anywhere in it first, then a syntax
/// error, then what OTP checks only once the term has parsed (a variable, a
/// bad binary segment, ...). The parser never recurses on the C stack, so
/// nesting depth is bounded only by memory.
///
/// **Example**:
/// ```
/// auto doc = parse::parse_document(SourceBuffer("x.appup", "{\"1\",[],[]}."));
/// if (!doc.ok()) puts(format_error(...).c_str());
/// ```
Result<std::unique_ptr<ast::Document>> parse_document(SourceBuffer source,
                                                      const ParseOptions& options = {});

/// Parses `doc.source` into `doc`, a Document that holds nothing else yet. The
/// form for callers that need the source after a failure (to render the error)
/// without keeping a second copy of it.
Result<void> parse_into(ast::Document& doc, const ParseOptions& options = {});

/// The encoding OTP reads a file with (epp:set_encoding/1: a `coding:` comment
/// within the first two lines and 512 bytes; UTF-8 otherwise).
ast::Encoding detect_encoding(std::string_view text);

/// Formats a parse error as `FILE:LINE:COL: error: MESSAGE` (column in characters).
std::string format_parse_error(const SourceBuffer& source, const Err& err);

} // namespace relupkit::parse
