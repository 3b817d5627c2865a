// SPDX-License-Identifier: Apache-2.0
#pragma once
// The PEGTL reference parser: the oracle for differential tests and fuzzing, never production.

#include <cstdint>
#include <memory>
#include <string_view>

#include "relupkit/ast/term.h"
#include "relupkit/base/result.h"
#include "relupkit/source/source.h"

namespace relupkit::grammar {

/// The message of the Err returned when an input nests deeper than
/// GrammarOptions::max_depth (a limit of this grammar, not of OTP).
inline constexpr std::string_view kNestingTooDeep = "nesting too deep for the reference grammar";

struct GrammarOptions {
  /// Deepest nesting of brackets and parentheses the grammar accepts. PEGTL
  /// recurses on the C stack; this bound keeps it far from overflowing (about
  /// 2 MB of stack per 1000 levels in a -O0 ASan build).
  uint32_t max_depth = 1000;
  /// Keep `%` comments in Document::comments.
  bool keep_comments = true;
};

/// Parses a whole term file with the PEGTL grammar of grammar/erlang_term.hpp
/// and builds the same AST as parse::parse_document.
///
/// Accepts exactly what OTP 25's `file:consult/1` accepts. On failure the
/// Err (ErrCode::Syntax) has a message and a span starting at the error; an
/// input nested deeper than `options.max_depth` fails with kNestingTooDeep
/// (see is_nesting_too_deep), which differential harnesses skip.
///
/// **Example**:
/// ```
/// auto doc = grammar::parse_document(SourceBuffer("t.config", "{a, [1|2]}."));
/// ```
Result<std::unique_ptr<ast::Document>> parse_document(SourceBuffer source,
                                                      const GrammarOptions& options = {});

/// True when `err` is the grammar's own nesting limit, not a property of the input.
inline bool is_nesting_too_deep(const Err& err) { return err.message == kNestingTooDeep; }

} // namespace relupkit::grammar
