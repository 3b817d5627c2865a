// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers shared by the fuzz harnesses (after simdjson's FuzzUtils.h).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "relupkit/parse/parser.h"
#include "relupkit/print/printer.h"
#include "relupkit/source/source.h"

namespace relupkit::fuzz {

/// Gathers what print::print_canonical_to passes on.
struct PieceSink : print::OutputSink {
  std::string all;
  bool write(std::string_view bytes) override {
    all.append(bytes);
    return true;
  }
};

/// The fuzz input as text.
inline std::string_view as_chars(const uint8_t* data, size_t size) {
  return size == 0 ? std::string_view()
                   : std::string_view(reinterpret_cast<const char*>(data), size);
}

/// Splits `input` at every `sep` (for harnesses that take several parts); an
/// input without `sep` is one part.
inline std::vector<std::string_view> split(std::string_view input, std::string_view sep) {
  std::vector<std::string_view> parts;
  if (sep.empty()) {
    parts.push_back(input);
    return parts;
  }
  for (;;) {
    size_t at = input.find(sep);
    parts.push_back(input.substr(0, at));
    if (at == std::string_view::npos)
      return parts;
    input.remove_prefix(at + sep.size());
  }
}

/// The name diagnostics give the fuzz input.
inline constexpr const char* kInputName = "fuzz-input";

/// A source buffer holding a copy of `text`.
inline SourceBuffer make_source(std::string_view text) { return SourceBuffer(kInputName, text); }

/// Parses `text` with the hand-written parser (default options).
inline Result<std::unique_ptr<ast::Document>> parse_hand(std::string_view text) {
  return parse::parse_document(make_source(text));
}

/// The document a parse result holds, whether the parser returns it by pointer or by value.
inline const ast::Document& document(const std::unique_ptr<ast::Document>& doc) { return *doc; }
inline const ast::Document& document(const ast::Document& doc) { return doc; }

/// Parses `text` with the hand-written parser's token-at-a-time path only
/// (ParseOptions::fast_path off), every big literal converted after the parse
/// (ParseOptions::defer_digits 0).
inline Result<std::unique_ptr<ast::Document>> parse_hand_tokens(std::string_view text) {
  parse::ParseOptions o;
  o.fast_path = false;
  o.defer_digits = 0;
  return parse::parse_document(make_source(text), o);
}

/// Parses `text` with every string's characters in the arena
/// (ParseOptions::own_strings), so that the source can be released.
inline Result<std::unique_ptr<ast::Document>> parse_hand_owned(std::string_view text) {
  parse::ParseOptions o;
  o.own_strings = true;
  return parse::parse_document(make_source(text), o);
}

/// Parses `text` on one thread.
inline Result<std::unique_ptr<ast::Document>> parse_hand_one_thread(std::string_view text) {
  parse::ParseOptions o;
  o.threads = false;
  return parse::parse_document(make_source(text), o);
}

/// Parses `text` on two threads, whatever its size, split at the first comma
/// at or after byte `at` (0: near the middle); `stats`, when set, receives how
/// it went.
inline Result<std::unique_ptr<ast::Document>>
parse_hand_split(std::string_view text, size_t at, parse::ParseStats* stats = nullptr) {
  parse::ParseOptions o;
  o.threads = true;
  o.split_min_bytes = 0;
  o.split_at = at;
  o.stats = stats;
  return parse::parse_document(make_source(text), o);
}

/// The atom table in id order, one text per line.
inline std::string atom_table_dump(const ast::Document& doc) {
  std::string out;
  for (uint32_t id = 0; id < doc.atoms.size(); ++id) {
    out += doc.atoms.text(ast::Atom{id});
    out += '\n';
  }
  return out;
}

/// Offsets of up to `max` commas of `text`, spread over it (the splits a
/// two-thread parse can be asked for).
inline std::vector<size_t> comma_offsets(std::string_view text, size_t max) {
  std::vector<size_t> all;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == ',')
      all.push_back(i);
  if (all.size() <= max)
    return all;
  std::vector<size_t> some;
  for (size_t k = 0; k < max; ++k)
    some.push_back(all[k * all.size() / max]);
  return some;
}

/// Calls `f(term)` for every term of the document, containers before their
/// elements, without recursion; stops and returns false when `f` returns false.
template <typename F> bool for_each_term(const ast::Document& doc, F&& f) {
  std::vector<ast::TermRef> todo(doc.terms.begin(), doc.terms.end());
  while (!todo.empty()) {
    ast::TermRef t = todo.back();
    todo.pop_back();
    if (!f(t))
      return false;
    // (push_back, not a range insert: g++ 12 warns falsely on the latter here.)
    auto push = [&](const ast::TermRef* first, size_t n) {
      for (size_t i = 0; i < n; ++i)
        todo.push_back(first[i]);
    };
    if (const auto* tu = t.dyn_cast<ast::TupleTerm>()) {
      push(tu->elems(), tu->size);
    } else if (const auto* l = t.dyn_cast<ast::ListTerm>()) {
      push(l->elems(), l->size);
      if (l->tail)
        todo.push_back(l->tail);
    } else if (const auto* m = t.dyn_cast<ast::MapTerm>()) {
      push(m->kv(), 2 * size_t(m->size));
    }
  }
  return true;
}

/// False when the document holds a fun that OTP itself prints in a form that
/// does not read back: erts's fun_to_list/1 writes an atom's UTF-8 bytes as
/// separate characters and does not quote reserved words (`fun erlang:after/0`),
/// and relupkit prints funs as OTP does. Round-trip checks skip such documents.
inline bool funs_print_readably(const ast::Document& doc) {
  auto ascii = [&](ast::Atom a) {
    const std::string_view t = doc.atoms.text(a);
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  };
  return for_each_term(doc, [&](ast::TermRef t) {
    const auto* f = t.dyn_cast<ast::FunTerm>();
    if (f == nullptr)
      return true;
    if (!ascii(f->module) || !ascii(f->function))
      return false;
    std::string text;
    print::print_term(text, doc, f);
    text += ".\n";
    return parse_hand(text).ok();
  });
}

/// Bytes the document's binaries hold together.
inline uint64_t binary_bytes(const ast::Document& doc) {
  uint64_t total = 0;
  for_each_term(doc, [&](ast::TermRef t) {
    if (const auto* b = t.dyn_cast<ast::BinaryTerm>())
      total += (b->bits + 7) / 8;
    return true;
  });
  return total;
}

/// Everything a parse puts in a document, one line per node in pre-order: kind,
/// span, flags, whether the reference is immediate, the value (atom text,
/// integer, float bits, string, bits of a binary, fun) and the number of
/// children; then the comments, the encoding and the coding line. Two parses
/// with equal dumps built the same AST (atom ids aside).
inline std::string exact_dump(const ast::Document& doc) {
  std::string out;
  const auto hex = [&](const uint8_t* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
      out += digits[p[i] >> 4];
      out += digits[p[i] & 15];
    }
  };
  for_each_term(doc, [&](ast::TermRef t) {
    out += std::to_string(static_cast<int>(t.kind())) + " [" + std::to_string(t.span().begin) +
           "," + std::to_string(t.span().end) + ") f" + std::to_string(t.flags()) +
           (t.is_immediate() ? " imm " : " node ");
    switch (t.kind()) {
      case ast::TermKind::Atom:
        out += doc.atoms.text(t.atom());
        out += " c" + std::to_string(doc.atoms.chars(t.atom()));
        break;
      case ast::TermKind::Integer: {
        const auto* i = t.cast<ast::IntegerTerm>();
        out += std::to_string(i->value);
        if (i->big != nullptr) {
          out += i->big->negative ? " -big " : " big ";
          hex(reinterpret_cast<const uint8_t*>(i->big->limbs), i->big->size * sizeof(uint32_t));
        }
        break;
      }
      case ast::TermKind::Float: {
        const double v = t.cast<ast::FloatTerm>()->value;
        hex(reinterpret_cast<const uint8_t*>(&v), sizeof v);
        break;
      }
      case ast::TermKind::String: {
        const auto* st = t.cast<ast::StringTerm>();
        out += std::to_string(st->length) + " ";
        out += st->text();
        break;
      }
      case ast::TermKind::Binary: {
        const auto* b = t.cast<ast::BinaryTerm>();
        out += std::to_string(b->bits) + " ";
        hex(b->data, (b->bits + 7) / 8);
        break;
      }
      case ast::TermKind::Tuple:
        out += std::to_string(t.cast<ast::TupleTerm>()->size);
        break;
      case ast::TermKind::List: {
        const auto* l = t.cast<ast::ListTerm>();
        out += std::to_string(l->size) + (l->tail ? " tail" : "");
        break;
      }
      case ast::TermKind::Map:
        out += std::to_string(t.cast<ast::MapTerm>()->size);
        break;
      case ast::TermKind::Fun: {
        const auto* fn = t.cast<ast::FunTerm>();
        out += doc.atoms.text(fn->module);
        out += ':';
        out += doc.atoms.text(fn->function);
        out += '/' + std::to_string(fn->arity);
        break;
      }
    }
    out += '\n';
    return true;
  });
  out += "terms " + std::to_string(doc.terms.size()) + "\ncomments";
  for (const Span& c : doc.comments)
    out += " [" + std::to_string(c.begin) + "," + std::to_string(c.end) + ")";
  out += "\nencoding " + std::to_string(static_cast<int>(doc.encoding)) + " coding line " +
         std::to_string(doc.has_coding_line) + " [" + std::to_string(doc.coding_line.begin) + "," +
         std::to_string(doc.coding_line.end) + ")\n";
  return out;
}

/// An Err as one line: `[begin,end) message`.
inline std::string describe(const Err& err) {
  return "error at [" + std::to_string(err.span.begin) + "," + std::to_string(err.span.end) +
         "): " + err.message;
}

/// The two-thread parse of `text` split at each of up to `max_splits` of its
/// commas against `one` (its one-thread parse): the same document, atom table
/// included, or the same error. Returns what differs, empty when nothing does.
inline std::string split_difference(std::string_view text,
                                    const Result<std::unique_ptr<ast::Document>>& one,
                                    size_t max_splits) {
  const std::string one_dump =
      one.ok() ? exact_dump(**one) + atom_table_dump(**one) : describe(one.error());
  for (size_t at : comma_offsets(text, max_splits)) {
    auto two = parse_hand_split(text, at);
    const std::string two_dump =
        two.ok() ? exact_dump(**two) + atom_table_dump(**two) : describe(two.error());
    if (two_dump != one_dump)
      return "split at byte " + std::to_string(at) + ":\n--- one thread\n" + one_dump +
             "\n--- two threads\n" + two_dump;
  }
  return {};
}

/// One labelled text in a failure report.
struct Part {
  const char* label;
  std::string_view text;
};

/// Reports a failed check with the texts involved, then abort()s so that libFuzzer
/// (or the replay main) records the input. Each text is shown between markers,
/// capped at 64 KiB.
[[noreturn]] inline void
fail(const char* what, std::initializer_list<Part> parts, const std::string& note = {}) {
  constexpr size_t kMaxShown = 64 * 1024;
  std::fprintf(stderr, "\n==== relupkit fuzz check failed: %s\n", what);
  for (const Part& p : parts) {
    size_t shown = std::min(p.text.size(), kMaxShown);
    std::fprintf(stderr, "---- %s (%zu bytes)%s\n%.*s\n", p.label, p.text.size(),
                 shown < p.text.size() ? ", first 64 KiB shown" : "", static_cast<int>(shown),
                 p.text.data());
  }
  if (!note.empty())
    std::fprintf(stderr, "---- %s\n", note.c_str());
  std::fprintf(stderr, "==== end\n");
  std::fflush(stderr);
  std::abort();
}

/// Like fail(), for two texts that should be equal: also gives the first
/// differing byte offset.
[[noreturn]] inline void fail_mismatch(const char* what, std::string_view input, Part a, Part b) {
  size_t i = 0;
  while (i < a.text.size() && i < b.text.size() && a.text[i] == b.text[i])
    ++i;
  fail(what, {{"input", input}, a, b}, "first difference at byte " + std::to_string(i));
}

} // namespace relupkit::fuzz
