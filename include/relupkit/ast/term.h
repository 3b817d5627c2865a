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
#include <string>
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

/// An atom that could not be held in a TermRef (see TermRef::fits_immediate).
struct AtomTerm : Term {
  static constexpr TermKind kind_v = TermKind::Atom;
  Atom atom;
  AtomTerm(Span s, Atom a) : Term(kind_v, s), atom(a) {}
};

/// A reference to a term: a child of a container, a top-level term.
///
/// Most atoms (1.2 M of the 2 M terms of a 20 MB relup) are held in the
/// reference itself, with no node behind them: bit 0 set, then the atom id
/// (20 bits), the span's begin (32 bits) and its length (11 bits). Every other
/// term, and an atom whose id, begin or length does not fit, is a pointer to its
/// node (nodes are at least 4-aligned, so bit 0 is clear). Read a reference
/// through kind(), span(), atom() and cast<T>(), never by the node alone.
class TermRef {
  static constexpr int kIdBits = 20; ///< bits of an immediate atom's id

public:
  constexpr TermRef() = default;
  TermRef(const Term* node) : bits_(reinterpret_cast<uintptr_t>(node)) {} // NOLINT: implicit

  /// Atoms with ids below this (and short enough spans) are held in the
  /// reference itself.
  static constexpr uint32_t kImmediateAtomIds = uint32_t{1} << kIdBits;
  /// True when `a` written at `s` can be held in the reference itself.
  static constexpr bool fits_immediate(Atom a, Span s) {
    return a.id < (uint32_t{1} << kIdBits) && s.end - s.begin < (uint32_t{1} << kLenBits);
  }
  /// An immediate atom; requires fits_immediate(a, s).
  static constexpr TermRef immediate(Atom a, Span s) {
    return TermRef(uint64_t{1} | uint64_t{a.id} << 1 | uint64_t{s.begin} << kBeginShift |
                   uint64_t{s.end - s.begin} << kLenShift);
  }

  explicit operator bool() const { return bits_ != 0; }
  bool is_immediate() const { return (bits_ & 1) != 0; }
  /// The node behind the reference; null for an immediate atom.
  const Term* node() const {
    return is_immediate() ? nullptr : reinterpret_cast<const Term*>(bits_);
  }

  TermKind kind() const { return is_immediate() ? TermKind::Atom : node_()->kind; }
  Span span() const {
    if (is_immediate()) {
      const auto begin = static_cast<uint32_t>(bits_ >> kBeginShift);
      return Span{begin, begin + static_cast<uint32_t>(bits_ >> kLenShift)};
    }
    return node_()->span;
  }
  /// Term::flags of the node (0 for an immediate atom).
  uint8_t flags() const { return is_immediate() ? 0 : node_()->flags; }
  /// The atom; requires kind() == TermKind::Atom.
  Atom atom() const {
    if (is_immediate())
      return Atom{static_cast<uint32_t>(bits_ >> 1) & ((uint32_t{1} << kIdBits) - 1)};
    return static_cast<const AtomTerm*>(node_())->atom;
  }

  template <typename T> bool is() const { return kind() == T::kind_v; }
  /// The node as a T; requires is<T>(). Not for atoms: use atom().
  template <typename T> const T* cast() const {
    static_assert(!std::is_same_v<T, AtomTerm>, "atoms may be immediate: use atom()");
    return static_cast<const T*>(node_());
  }
  template <typename T> const T* dyn_cast() const { return is<T>() ? cast<T>() : nullptr; }

  friend bool operator==(TermRef a, TermRef b) { return a.bits_ == b.bits_; }
  friend bool operator!=(TermRef a, TermRef b) { return a.bits_ != b.bits_; }

private:
  explicit constexpr TermRef(uint64_t bits) : bits_(bits) {}
  const Term* node_() const { return reinterpret_cast<const Term*>(bits_); }

  static constexpr int kBeginShift = 1 + kIdBits;
  static constexpr int kLenShift = kBeginShift + 32;
  static constexpr int kLenBits = 64 - kLenShift;
  uint64_t bits_ = 0;
};
static_assert(sizeof(TermRef) == 8 && std::is_trivially_copyable_v<TermRef>);
static_assert(alignof(Term) >= 2, "bit 0 of a node's address tells it from an immediate atom");

/// A reference to atom `a` written at `s`: immediate when it fits, else an
/// AtomTerm node in `arena`.
inline TermRef make_atom(Arena& arena, Atom a, Span s) {
  if (TermRef::fits_immediate(a, s))
    return TermRef::immediate(a, s);
  return arena.make<AtomTerm>(s, a);
}

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

/// `{E1, ..., En}`. The element references follow the node in memory.
struct alignas(8) TupleTerm : Term {
  static constexpr TermKind kind_v = TermKind::Tuple;
  uint32_t size;
  const TermRef* elems() const { return reinterpret_cast<const TermRef*>(this + 1); }
  /// A tuple of `n` elements copied from `e`, in `arena`.
  static TupleTerm* make(Arena& arena, Span s, const TermRef* e, uint32_t n) {
    return arena.make_with_refs<TupleTerm>(e, n, s, n);
  }

private:
  friend class Arena; // only make() builds one: the elements need their room
  TupleTerm(Span s, uint32_t n) : Term(kind_v, s), size(n) {}
};

/// `[E1, ..., En | Tail]`; `tail` is null for a proper list; `[]` has size 0.
/// The element references follow the node in memory.
struct alignas(8) ListTerm : Term {
  static constexpr TermKind kind_v = TermKind::List;
  uint32_t size;
  TermRef tail;
  const TermRef* elems() const { return reinterpret_cast<const TermRef*>(this + 1); }
  static ListTerm* make(Arena& arena, Span s, const TermRef* e, uint32_t n, TermRef t) {
    return arena.make_with_refs<ListTerm>(e, n, s, n, t);
  }

private:
  friend class Arena;
  ListTerm(Span s, uint32_t n, TermRef t) : Term(kind_v, s), size(n), tail(t) {}
};

/// `#{K1 => V1, ...}` in source order: kv()[2*i] is a key, kv()[2*i+1] its
/// value; the references follow the node in memory. Duplicate keys are kept;
/// the last one wins (as in OTP).
struct alignas(8) MapTerm : Term {
  static constexpr TermKind kind_v = TermKind::Map;
  uint32_t size; ///< number of pairs written
  const TermRef* kv() const { return reinterpret_cast<const TermRef*>(this + 1); }
  /// A map of the `n` pairs at `p` (2n references), in `arena`.
  static MapTerm* make(Arena& arena, Span s, const TermRef* p, uint32_t n) {
    return arena.make_with_refs<MapTerm>(p, size_t{2} * n, s, n);
  }

private:
  friend class Arena;
  MapTerm(Span s, uint32_t n) : Term(kind_v, s), size(n) {}
};
static_assert(sizeof(TupleTerm) == 16 && sizeof(ListTerm) == 24 && sizeof(MapTerm) == 16);

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
  std::vector<TermRef> terms; ///< top-level terms, each ended by `.` in the source
  std::vector<Span> comments; ///< every `%` comment (without its line break), in order
  Encoding encoding = Encoding::Utf8;
  /// The encoding comment line (`%% coding: utf-8`) when it is the file's first
  /// line; the canonical printer keeps it. `begin == end` when absent.
  Span coding_line{};
  bool has_coding_line = false;
  SourceBuffer source; ///< the bytes the spans point into (owned)
  Arena arena;
  AtomTable atoms;
  /// Set by the parser when every string's characters are in `arena`
  /// (parse::ParseOptions::own_strings), so nothing in the terms points into
  /// `source`.
  bool strings_own_text = false;

  /// Frees the source's bytes (keeping its name) once the terms no longer
  /// point into them: only when strings_own_text is set, and then the coding
  /// line is kept as a copy. Spans and comments stay offsets into text the
  /// document no longer holds. Returns whether the bytes were freed.
  bool release_source();
  /// The text of the encoding comment line (empty without one), whether the
  /// source is still held or not.
  std::string_view coding_line_text() const;
  /// The size of the source read, whether it is still held or not.
  size_t source_bytes() const { return source.size() != 0 ? source.size() : released_bytes_; }

private:
  std::string kept_coding_line_;
  size_t released_bytes_ = 0;
};

} // namespace relupkit::ast
