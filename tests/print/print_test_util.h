// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers for the printer tests: building terms directly and reading files.

#include <fstream>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "relupkit/ast/term.h"
#include "relupkit/parse/parser.h"
#include "relupkit/print/printer.h"

namespace relupkit::test {

/// Builds AST nodes in a Document without the parser.
struct TermBuilder {
  ast::Document& doc;

  static uint32_t count_chars(std::string_view utf8) {
    uint32_t n = 0;
    for (char c : utf8)
      n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
  }
  /// An atom held in its reference, as the parsers make most atoms.
  ast::TermRef atom(std::string_view utf8) {
    return ast::TermRef::immediate(doc.atoms.intern(utf8, count_chars(utf8)), Span{});
  }
  /// The same atom behind a node, as the parsers make an atom whose reference
  /// cannot hold it.
  ast::TermRef atom_node(std::string_view utf8) {
    return doc.arena.make<ast::AtomTerm>(Span{}, doc.atoms.intern(utf8, count_chars(utf8)));
  }
  ast::TermRef integer(int64_t v) { return doc.arena.make<ast::IntegerTerm>(Span{}, v); }
  ast::TermRef floating(double v) { return doc.arena.make<ast::FloatTerm>(Span{}, v); }
  ast::TermRef string(std::string_view utf8) {
    char* p = doc.arena.alloc_array<char>(utf8.size() + 1);
    std::copy(utf8.begin(), utf8.end(), p);
    return doc.arena.make<ast::StringTerm>(Span{}, p, static_cast<uint32_t>(utf8.size()),
                                           count_chars(utf8));
  }
  ast::TermRef binary(std::initializer_list<uint8_t> bytes, uint64_t bits = ~uint64_t(0)) {
    std::vector<uint8_t> v(bytes);
    const uint8_t* d = doc.arena.copy_array(v.data(), v.size());
    return doc.arena.make<ast::BinaryTerm>(Span{}, d, bits == ~uint64_t(0) ? v.size() * 8 : bits);
  }
  ast::TermRef list(std::initializer_list<ast::TermRef> elems, ast::TermRef tail = {}) {
    return ast::ListTerm::make(doc.arena, Span{}, elems.begin(),
                               static_cast<uint32_t>(elems.size()), tail);
  }
  ast::TermRef tuple(std::initializer_list<ast::TermRef> elems) {
    return ast::TupleTerm::make(doc.arena, Span{}, elems.begin(),
                                static_cast<uint32_t>(elems.size()));
  }
  /// kv alternates keys and values.
  ast::TermRef map(std::initializer_list<ast::TermRef> kv) {
    return ast::MapTerm::make(doc.arena, Span{}, kv.begin(), static_cast<uint32_t>(kv.size() / 2));
  }
  ast::TermRef fun(std::string_view m, std::string_view f, uint32_t arity) {
    return doc.arena.make<ast::FunTerm>(Span{}, doc.atoms.intern(m, count_chars(m)),
                                        doc.atoms.intern(f, count_chars(f)), arity);
  }
};

inline std::string
print(const ast::Document& doc, ast::TermRef t, const print::PrintOptions& options = {}) {
  std::string out;
  print::print_term(out, doc, t, options);
  return out;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Splits the output of io_lib:format("~tp.~n") calls into the terms (without
/// ".\n"). A line of a printed term never ends with '.' except the last one.
inline std::vector<std::string> split_terms(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '.' && text[i + 1] == '\n') {
      out.push_back(text.substr(start, i - start));
      start = i + 2;
      ++i;
    }
  }
  return out;
}

/// Parses a whole file; the error text (FILE:LINE:COL: ...) on failure.
inline std::unique_ptr<ast::Document> parse_text(std::string_view text, std::string* error) {
  SourceBuffer copy("input", text);
  auto r = parse::parse_document(SourceBuffer("input", text));
  if (!r.ok()) {
    if (error != nullptr)
      *error = parse::format_parse_error(copy, r.error());
    return nullptr;
  }
  return std::move(*r);
}

} // namespace relupkit::test
