// SPDX-License-Identifier: Apache-2.0
// ast::Document: giving up the source once the terms no longer need it.
#include "relupkit/ast/term.h"

namespace relupkit::ast {

bool Document::release_source() {
  if (!strings_own_text)
    return false;
  if (source.size() == 0)
    return true;
  kept_coding_line_ = std::string(coding_line_text());
  released_bytes_ = source.size();
  source.release();
  return true;
}

std::string_view Document::coding_line_text() const {
  if (!has_coding_line)
    return {};
  if (source.size() == 0)
    return kept_coding_line_;
  const std::string_view text = source.text();
  const Span s = coding_line;
  if (s.begin > s.end || s.end > text.size())
    return {};
  return text.substr(s.begin, s.end - s.begin);
}

} // namespace relupkit::ast
