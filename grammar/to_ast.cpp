// SPDX-License-Identifier: Apache-2.0
// The PEGTL reference parser: encoding detection, transcoding, and the parse with to_ast actions.
//
// Steps, in the order file:consult/1 takes them:
//  1. epp:set_encoding/1 reads at most 512 bytes and 2 lines for a `coding:`
//     comment (grammar rule `encoding_header`); UTF-8 by default.
//  2. The io server decodes the file: invalid UTF-8 is an error (`utf8_text`);
//     a Latin-1 file is transcoded here to UTF-8, keeping a map back to the
//     original byte offsets for spans.
//  3. erl_scan + erl_parse:parse_term/1 for each term (`document`).
#include "pegtl_parser.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include <fmt/format.h>
#include <tao/pegtl.hpp>

#include "erlang_term.hpp"
#include "errors.hpp"
#include "to_ast.hpp"

namespace relupkit::grammar {
namespace {

namespace pegtl = tao::pegtl;

// ---------------------------------------------------------------------------
// Encoding (epp:read_encoding_from_file/2 with InComment = true)

struct EncodingState {
  const char* base;
  const char* input_end; ///< end of the bytes epp looks at (at most 512)
  size_t file_size;
  bool decided = false; ///< epp stops at the first `coding` + separator it sees
  bool found = false;
  ast::Encoding encoding = ast::Encoding::Utf8;
  size_t decl_offset = 0;
};

template <typename Rule> struct encoding_action : pegtl::nothing<Rule> {};

template <> struct encoding_action<coding_name> {
  template <typename ActionInput> static void apply(const ActionInput& in, EncodingState& es) {
    if (es.decided)
      return;
    es.decided = true;
    // epp reads 16 chunks of 32 bytes. A name that runs to the end of what
    // was read ends there only if a read hit the end of the file before the
    // 16th chunk, i.e. for files of at most 480 bytes; otherwise epp asks for
    // a 17th chunk and gives up.
    if (in.end() == es.input_end && es.file_size > 480)
      return;
    // com_enc/5 and com_encoding/1: '-'-separated groups, lower-cased; the
    // first two must be latin,1 or utf,8.
    std::vector<std::string> groups(1);
    for (char c : in.string_view()) {
      if (c == '-')
        groups.emplace_back();
      else
        groups.back() += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (groups.size() < 2)
      return;
    if (groups[0] == "latin" && groups[1] == "1")
      es.encoding = ast::Encoding::Latin1;
    else if (groups[0] == "utf" && groups[1] == "8")
      es.encoding = ast::Encoding::Utf8;
    else
      return;
    es.found = true;
    es.decl_offset = static_cast<size_t>(in.begin() - es.base);
  }
};

void detect_encoding(ast::Document& doc) {
  const std::string_view text = doc.source.text();
  const size_t n = text.size() < 512 ? text.size() : 512;
  EncodingState es{text.data(), text.data() + n, text.size()};
  pegtl::memory_input<> in(text.data(), n, doc.source.name());
  (void)pegtl::parse<encoding_header, encoding_action>(in, es);
  doc.encoding = es.encoding;
  if (!es.found)
    return;
  // The declaration's line, kept by the canonical printer when it is a comment line.
  size_t begin = text.rfind('\n', es.decl_offset);
  begin = begin == std::string_view::npos ? 0 : begin + 1;
  size_t end = text.find('\n', es.decl_offset);
  end = end == std::string_view::npos ? text.size() : end;
  if (text[begin] == '%') {
    doc.has_coding_line = true;
    doc.coding_line = Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
  }
}

// ---------------------------------------------------------------------------
// Errors

Err make_err(uint32_t at, std::string message) {
  return Err{ErrCode::Syntax, std::move(message), Span{at, at + 1}};
}

/// `err` with its span inside a text of `size` bytes (an error at the end of
/// the file has an empty span there), as the hand parser reports it.
Err within(Err err, size_t size) {
  const auto end = static_cast<uint32_t>(size);
  err.span.end = std::min(err.span.end, end);
  err.span.begin = std::min(err.span.begin, err.span.end);
  return err;
}

/// A grammar error at `pos` of the parsed text; characters that can never
/// start a token get erl_scan's "illegal character" instead.
Err grammar_error(std::string_view parsed,
                  size_t pos,
                  std::string_view message,
                  const std::vector<uint32_t>* origin) {
  const auto at = static_cast<uint32_t>(origin != nullptr ? (*origin)[pos] : pos);
  if (pos < parsed.size() && static_cast<unsigned char>(parsed[pos]) >= 0xC4) {
    const char* p = parsed.data() + pos;
    const uint32_t c = decode_utf8(p);
    if (c == 0xFEFF && pos == 0)
      return make_err(at, "illegal character: a UTF-8 byte order mark is not allowed in a "
                          "term file");
    return make_err(at, fmt::format("illegal character U+{:04X}", c));
  }
  return make_err(at, std::string(message));
}

/// Latin-1 text as UTF-8, with the original offset of every byte (and of the end).
void transcode_latin1(std::string_view text, std::string& out, std::vector<uint32_t>& origin) {
  out.reserve(text.size() * 2);
  origin.reserve(text.size() * 2 + 1);
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t before = out.size();
    parse::detail::append_utf8(out, c);
    origin.insert(origin.end(), out.size() - before, static_cast<uint32_t>(i));
  }
  origin.push_back(static_cast<uint32_t>(text.size()));
}

} // namespace

Result<std::unique_ptr<ast::Document>> parse_document(SourceBuffer source,
                                                      const GrammarOptions& options) {
  auto doc = std::make_unique<ast::Document>();
  doc->source = std::move(source);
  if (doc->source.size() >= UINT32_MAX / 2)
    return Err{ErrCode::Io, "file too large for the reference grammar", Span{}};
  detect_encoding(*doc);

  std::string_view parsed = doc->source.text();
  std::string latin1_as_utf8;
  std::vector<uint32_t> origin_storage;
  const std::vector<uint32_t>* origin = nullptr;
  if (doc->encoding == ast::Encoding::Latin1) {
    transcode_latin1(parsed, latin1_as_utf8, origin_storage);
    parsed = latin1_as_utf8;
    origin = &origin_storage;
  } else {
    pegtl::memory_input<> in(parsed.data(), parsed.size(), doc->source.name());
    try {
      (void)pegtl::parse<utf8_text, pegtl::nothing, control>(in);
    } catch (const pegtl::parse_error& e) {
      return within(
          make_err(static_cast<uint32_t>(e.positions().front().byte), std::string(e.message())),
          parsed.size());
    }
  }

  State st(*doc, parsed.data(), origin, options.max_depth, options.keep_comments);
  st.bin_budget = parse::detail::binary_budget_bits(doc->source.size());
  pegtl::memory_input<> in(parsed.data(), parsed.size(), doc->source.name());
  try {
    (void)pegtl::parse<document, action, control>(in, st);
  } catch (const pegtl::parse_error& e) {
    return within(grammar_error(parsed, e.positions().front().byte, e.message(), origin),
                  doc->source.size());
  } catch (const SyntaxError& e) {
    return within(Err{ErrCode::Syntax, e.message, e.span}, doc->source.size());
  }
  return doc;
}

} // namespace relupkit::grammar
