// SPDX-License-Identifier: Apache-2.0
#pragma once
// The term AST: arena-allocated, trivially destructible nodes with byte-offset spans.
//
// The node set is the closed set of terms `file:consult/1` can return from a
// text file: atoms, integers (any size), floats, strings (lists of character
// codes written as "..."), bitstrings, tuples, lists (proper or improper),
// maps and external funs (`fun M:F/A`).
//
// The AST is faithful to the source: `[a|[b]]` stays a list with a list tail,
// `"ab"` stays a string, `#{k => 1, k => 2}` keeps both pairs. Semantic views
// (the list cells of `[1|"ab"]`, the map after "last key wins") are computed by
// `ast/compare.h` and the printer.

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "relupkit/ast/arena.h"
#include "relupkit/ast/atom_table.h"
#include "relupkit/base/result.h"
#include "relupkit/source/source.h"

namespace relupkit::ast {

enum class TermKind : uint8_t {
  Atom,    ///< `ok`, `'Quoted'`
  Integer, ///< `42`, `16#FF`, `$a`, bignums
  Float,   ///< `1.5e3`
  String,  ///< `"abc"` (one or more adjacent string literals)
  Binary,  ///< `<<...>>`, evaluated to its bits
  Tuple,   ///< `{...}`
  List,    ///< `[...]`, `[... | Tail]`, `[]`
  Map,     ///< `#{K => V, ...}`
  Fun,     ///< `fun M:F/A`
};

/// Term::flags bits set by both parsers (how a literal was written).
enum TermFlags : uint8_t {
  kSignedLiteral = 1, ///< a number literal with a folded unary `-` or `+` (`- 5`, `-(5)`)
  kCharLiteral = 2,   ///< an integer written as `$c`
};

/// Base of every node. Nodes are never destroyed individually.
struct Term {
  TermKind kind;
  uint8_t flags = 0; ///< node-specific bits
  uint16_t reserved = 0;
  Span span; ///< source bytes of the node (whole `- 5` for a negated literal)

  template <typename T> bool is() const { return kind == T::kind_v; }
  template <typename T> T* cast() { return static_cast<T*>(this); }
  template <typename T> const T* cast() const { return static_cast<const T*>(this); }
  template <typename T> T* dyn_cast() { return is<T>() ? static_cast<T*>(this) : nullptr; }
  template <typename T> const T* dyn_cast() const {
    return is<T>() ? static_cast<const T*>(this) : nullptr;
  }

protected:
  Term(TermKind k, Span s) : kind(k), span(s) {}
};

struct AtomTerm : Term {
  static constexpr TermKind kind_v = TermKind::Atom;
  Atom atom;
  AtomTerm(Span s, Atom a) : Term(kind_v, s), atom(a) {}
};

/// Magnitude of an integer that does not fit in int64_t.
struct BigInt {
  bool negative;
  uint32_t size;         ///< number of limbs, > 0, top limb non-zero
  const uint32_t* limbs; ///< little-endian base 2^32 digits
};

struct IntegerTerm : Term {
  static constexpr TermKind kind_v = TermKind::Integer;
  int64_t value;     ///< the value when `big` is null
  const BigInt* big; ///< set when the value does not fit in int64_t
  IntegerTerm(Span s, int64_t v, const BigInt* b = nullptr) : Term(kind_v, s), value(v), big(b) {}
};

struct FloatTerm : Term {
  static constexpr TermKind kind_v = TermKind::Float;
  double value;
  FloatTerm(Span s, double v) : Term(kind_v, s), value(v) {}
};

/// A string literal (after escapes and adjacent-literal concatenation): a list of
/// character codes. The empty string is the empty list.
struct StringTerm : Term {
  static constexpr TermKind kind_v = TermKind::String;
  const char* utf8; ///< the characters, UTF-8 encoded (may point into the source)
  uint32_t bytes;   ///< size of `utf8`
  uint32_t length;  ///< number of characters
  StringTerm(Span s, const char* p, uint32_t n, uint32_t len)
      : Term(kind_v, s), utf8(p), bytes(n), length(len) {}
  std::string_view text() const { return {utf8, bytes}; }
};

/// A bitstring; `bits` may be any number of bits (not only whole bytes).
struct BinaryTerm : Term {
  static constexpr TermKind kind_v = TermKind::Binary;
  const uint8_t* data; ///< ceil(bits / 8) bytes; unused low bits of the last byte are 0
  uint64_t bits;
  BinaryTerm(Span s, const uint8_t* d, uint64_t b) : Term(kind_v, s), data(d), bits(b) {}
};

struct TupleTerm : Term {
  static constexpr TermKind kind_v = TermKind::Tuple;
  uint32_t size;
  Term* const* elems;
  TupleTerm(Span s, Term* const* e, uint32_t n) : Term(kind_v, s), size(n), elems(e) {}
};

/// `[E1, ..., En | Tail]`; `tail` is null for a proper list; `[]` has size 0.
struct ListTerm : Term {
  static constexpr TermKind kind_v = TermKind::List;
  uint32_t size;
  Term* const* elems;
  Term* tail;
  ListTerm(Span s, Term* const* e, uint32_t n, Term* t)
      : Term(kind_v, s), size(n), elems(e), tail(t) {}
};

/// `#{K1 => V1, ...}` in source order: kv[2*i] is a key, kv[2*i+1] its value.
/// Duplicate keys are kept; the last one wins (as in OTP).
struct MapTerm : Term {
  static constexpr TermKind kind_v = TermKind::Map;
  uint32_t size; ///< number of pairs written
  Term* const* kv;
  MapTerm(Span s, Term* const* p, uint32_t n) : Term(kind_v, s), size(n), kv(p) {}
};

/// `fun Module:Function/Arity`.
struct FunTerm : Term {
  static constexpr TermKind kind_v = TermKind::Fun;
  Atom module;
  Atom function;
  uint32_t arity;
  FunTerm(Span s, Atom m, Atom f, uint32_t a) : Term(kind_v, s), module(m), function(f), arity(a) {}
};

static_assert(std::is_trivially_destructible_v<AtomTerm>);
static_assert(std::is_trivially_destructible_v<IntegerTerm>);
static_assert(std::is_trivially_destructible_v<FloatTerm>);
static_assert(std::is_trivially_destructible_v<StringTerm>);
static_assert(std::is_trivially_destructible_v<BinaryTerm>);
static_assert(std::is_trivially_destructible_v<TupleTerm>);
static_assert(std::is_trivially_destructible_v<ListTerm>);
static_assert(std::is_trivially_destructible_v<MapTerm>);
static_assert(std::is_trivially_destructible_v<FunTerm>);

/// Text encoding of a term file (the `%% coding:` comment; UTF-8 by default).
enum class Encoding : uint8_t { Utf8, Latin1 };

/// A parsed term file: its terms, comments, encoding, and the memory they live in.
struct Document {
  std::vector<Term*> terms;  ///< top-level terms, each ended by `.` in the source
  std::vector<Span> comments; ///< every `%` comment (without its line break), in order
  Encoding encoding = Encoding::Utf8;
  /// The encoding comment line (`%% coding: utf-8`) when it is the file's first
  /// line; the canonical printer keeps it. `begin == end` when absent.
  Span coding_line{};
  bool has_coding_line = false;
  SourceBuffer source; ///< the bytes the spans point into (owned)
  Arena arena;
  AtomTable atoms;
};

} // namespace relupkit::ast
