// SPDX-License-Identifier: Apache-2.0
// TEMPORARY STUB: the real hand-written parser is being written.
#include "relupkit/parse/parser.h"

namespace relupkit::parse {
Result<std::unique_ptr<ast::Document>> parse_document(SourceBuffer, const ParseOptions&) {
  return Err{ErrCode::Internal, "parser not yet implemented", {}};
}
} // namespace relupkit::parse
