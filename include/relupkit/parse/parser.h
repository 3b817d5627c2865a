// SPDX-License-Identifier: Apache-2.0
#pragma once
// The hand-written term-file parser: reads what OTP 25's file:consult/1 reads.

#include <memory>

#include "relupkit/ast/term.h"
#include "relupkit/base/result.h"
#include "relupkit/source/source.h"

namespace relupkit::parse {

struct ParseOptions {
  /// Keep `%` comments in Document::comments.
  bool keep_comments = true;
  /// Read the common forms (atoms, strings without escapes, small integers,
  /// tuples, lists) with the fused scanner. The result is the same either way;
  /// false forces the token-at-a-time path everywhere (tests compare the two).
  bool fast_path = true;
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
