// SPDX-License-Identifier: Apache-2.0
#pragma once
// PEGTL actions that build the relupkit AST (ast::Document) from grammar/erlang_term.hpp.
//
// Leaves (atoms, numbers, strings, chars) push a Term on a value stack;
// containers remember where their elements start (a Frame pushed by the
// opening token's action) and replace them with one node when they close.
// Binary segments are collected as parse::detail::Segment and evaluated by
// the shared detail::build_binary, as the hand parser does. Errors found by
// actions are thrown as SyntaxError (offsets already in the original file).
//
// Nothing here backtracks: every rule with an action is either a whole token
// or a production that has committed with must<>. The one exception is
// `comment`, which `skip` may match twice when an optional continuation
// (`, term`, `| tail`, an adjacent string) fails to follow; comments are
// therefore recorded only when they lie past the last one recorded.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <tao/pegtl.hpp>

#include "erlang_term.hpp"
#include "parse/values.h"
#include "pegtl_parser.h"
#include "relupkit/ast/bigint.h"
#include "relupkit/ast/term.h"

namespace relupkit::grammar {

/// An error found by an action (not by the grammar's structure).
struct SyntaxError {
  Span span; ///< offsets in the original file
  std::string message;
};

/// Parser state shared by all actions.
struct State {
  struct Frame {
    uint32_t base;         ///< first element on `vals`
    uint32_t seg_base = 0; ///< binary: first segment on `segs`
    bool has_tail = false; ///< list: the last element is the tail
  };

  State(
      ast::Document& d, const char* b, const std::vector<uint32_t>* o, uint32_t max, bool comments)
      : doc(d), base(b), origin(o), max_depth(max), keep_comments(comments) {}

  ast::Document& doc;
  const char* base;                    ///< start of the parsed (UTF-8) text
  const std::vector<uint32_t>* origin; ///< parsed offset -> original offset (Latin-1 files)
  uint32_t max_depth;
  bool keep_comments;

  uint32_t depth = 0;
  std::vector<ast::TermRef> vals;
  std::vector<Frame> frames;
  std::vector<parse::detail::Segment> segs;
  uint64_t bin_budget = 0;     ///< bits the document's binaries may still hold
  std::string text;            ///< characters of the literal being read, UTF-8
  uint32_t text_chars = 0;     ///< number of characters in `text`
  bool size_undefined = false; ///< the current segment's size is the atom `undefined`
  bool has_unit = false;       ///< the current type specifier has `:N`
  std::string unit;            ///< ... and this is N in decimal

  uint32_t offset(const char* p) const {
    const auto o = static_cast<uint32_t>(p - base);
    return origin != nullptr ? (*origin)[o] : o;
  }
  template <typename ActionInput> Span span(const ActionInput& in) const {
    return Span{offset(in.begin()), offset(in.end())};
  }
  [[noreturn]] static void fail(Span at, std::string message) {
    throw SyntaxError{at, std::move(message)};
  }
  template <typename ActionInput>
  [[noreturn]] void fail(const ActionInput& in, std::string m) const {
    fail(span(in), std::move(m));
  }

  /// An opening bracket: one level deeper.
  void open(const char* at) {
    if (++depth > max_depth) {
      const uint32_t o = offset(at);
      fail(Span{o, o + 1}, std::string(kNestingTooDeep));
    }
  }
  void push_frame() {
    frames.push_back(Frame{static_cast<uint32_t>(vals.size()), static_cast<uint32_t>(segs.size())});
  }
  ast::TermRef pop() {
    const ast::TermRef t = vals.back();
    vals.pop_back();
    return t;
  }
  void add_char(uint32_t c) {
    parse::detail::append_utf8(text, c);
    ++text_chars;
  }
};

/// Decodes one UTF-8 sequence (valid by construction) at `p`.
inline uint32_t decode_utf8(const char*& p) {
  const auto c = static_cast<unsigned char>(*p);
  int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (int k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(p[k]) & 0x3Fu);
  p += len;
  return cp;
}

inline uint32_t count_code_points(std::string_view s) {
  uint32_t n = 0;
  for (char c : s)
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// erl_scan:reserved_word/1 in OTP 25 (no feature keywords enabled).
inline bool is_reserved_word(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "after", "and",  "andalso", "band",   "begin",   "bnot", "bor", "bsl",  "bsr",
      "bxor",  "case", "catch",   "cond",   "div",     "end",  "fun", "if",   "let",
      "not",   "of",   "or",      "orelse", "receive", "rem",  "try", "when", "xor"};
  for (std::string_view k : kWords)
    if (w == k)
      return true;
  return false;
}

template <typename Rule> struct action : nothing<Rule> {};

// ---------------------------------------------------------------------------
// Comments

template <> struct action<comment> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    if (!st.keep_comments)
      return;
    const Span s = st.span(in);
    auto& cs = st.doc.comments;
    if (cs.empty() || cs.back().begin < s.begin)
      cs.push_back(s);
  }
};

// ---------------------------------------------------------------------------
// Characters of literals: each appends to State::text

template <> struct action<escape_octal> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    uint32_t v = 0;
    for (char c : in.string_view())
      v = v * 8 + static_cast<uint32_t>(c - '0');
    st.add_char(v);
  }
};

inline int hex_value(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
}

template <> struct action<escape_hex_braced> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const std::string_view s = in.string_view(); // "{...}"
    uint64_t v = 0;
    for (char c : s.substr(1, s.size() - 2)) {
      v = v * 16 + static_cast<uint64_t>(hex_value(c));
      if (v > 0x10FFFF)
        v = 0x110000; // out of range whatever follows
    }
    // erl_scan:scan_esc_end/5: the value must satisfy ?UNICODE.
    if (s.size() == 2 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE ||
        v == 0xFFFF) {
      const uint32_t b = st.offset(in.begin() - 2); // the backslash
      State::fail(Span{b, st.offset(in.end())}, "illegal character in \\x{...} escape");
    }
    st.add_char(static_cast<uint32_t>(v));
  }
};

template <> struct action<escape_hex_pair> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const std::string_view s = in.string_view();
    st.add_char(static_cast<uint32_t>(hex_value(s[0]) * 16 + hex_value(s[1])));
  }
};

template <> struct action<escape_control> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const char* p = in.begin() + 1; // after '^'
    st.add_char(decode_utf8(p) & 31u);
  }
};

template <> struct action<escape_char> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const char* p = in.begin();
    uint32_t c = decode_utf8(p);
    switch (c) {
      case 'b':
        c = 8;
        break;
      case 'd':
        c = 127;
        break;
      case 'e':
        c = 27;
        break;
      case 'f':
        c = 12;
        break;
      case 'n':
        c = 10;
        break;
      case 'r':
        c = 13;
        break;
      case 's':
        c = 32;
        break;
      case 't':
        c = 9;
        break;
      case 'v':
        c = 11;
        break;
      default:
        break; // any other character stands for itself
    }
    st.add_char(c);
  }
};

template <typename Rule> struct append_run {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const std::string_view s = in.string_view();
    st.text.append(s);
    st.text_chars += count_code_points(s);
  }
};
template <> struct action<string_run> : append_run<string_run> {};
template <> struct action<quoted_run> : append_run<quoted_run> {};
template <> struct action<char_plain> : append_run<char_plain> {};

// ---------------------------------------------------------------------------
// Literals

template <> struct action<strings> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const char* p = st.doc.arena.copy_array(st.text.data(), st.text.size());
    st.vals.push_back(st.doc.arena.make<ast::StringTerm>(
        st.span(in), p, static_cast<uint32_t>(st.text.size()), st.text_chars));
    st.text.clear();
    st.text_chars = 0;
  }
};

inline void push_atom(const Span& sp, std::string_view utf8, uint32_t chars, State& st) {
  // list_to_atom/1 refuses more than 255 characters (erl_scan: illegal atom).
  if (chars > 255)
    State::fail(sp, "atom too long (at most 255 characters)");
  st.vals.push_back(ast::make_atom(st.doc.arena, st.doc.atoms.intern(utf8, chars), sp));
}

template <> struct action<quoted_atom> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    push_atom(st.span(in), st.text, st.text_chars, st);
    st.text.clear();
    st.text_chars = 0;
  }
};

template <> struct action<bare_atom> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const std::string_view s = in.string_view();
    if (is_reserved_word(s))
      st.fail(in, fmt::format("reserved word '{}' cannot be a bare atom; quote it", s));
    push_atom(st.span(in), s, count_code_points(s), st);
  }
};

template <> struct action<variable> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    st.fail(in,
            fmt::format("variable '{}' is not a term; quote it to make an atom", in.string_view()));
  }
};

template <> struct action<char_literal> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const char* p = st.text.data();
    const uint32_t c = decode_utf8(p);
    st.text.clear();
    st.text_chars = 0;
    ast::Term* t = st.doc.arena.make<ast::IntegerTerm>(st.span(in), c);
    t->flags = ast::kCharLiteral;
    st.vals.push_back(t);
  }
};

template <> struct action<decimal_integer> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    std::string too_large = parse::detail::integer_too_large(in.string_view());
    if (!too_large.empty())
      st.fail(in, std::move(too_large));
    st.vals.push_back(parse::detail::make_integer(st.doc, st.span(in),
                                                  parse::detail::integer_value(in.string_view())));
  }
};

inline int based_digit_value(char c) {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'z' ? c - 'a' + 10
         : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                : -1;
}

template <> struct action<based_integer> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const std::string_view s = in.string_view();
    const size_t hash = s.find('#');
    const std::string_view base_text = s.substr(0, hash);
    const std::string_view digits = s.substr(hash + 1);
    if (base_text.size() > 40)
      st.fail(in, "illegal base in based integer (must be 2..36)");
    const ast::BigValue b = parse::detail::integer_value(base_text);
    const int64_t base = b.fits_int64() ? b.to_int64() : 0;
    if (base < 2 || base > 36)
      st.fail(in, fmt::format("illegal base '{}' in based integer (must be 2..36)", base_text));
    // based_digits took every letter, digit and '_' after '#'. erl_scan ends
    // the token at the first digit out of range or misplaced '_'; what is
    // left starts a name or number token, which never follows a term, so the
    // whole run is refused here.
    for (size_t i = 0; i < digits.size(); ++i) {
      const bool ok = digits[i] == '_' ? i > 0 && i + 1 < digits.size() && digits[i - 1] != '_' &&
                                             based_digit_value(digits[i + 1]) >= 0 &&
                                             based_digit_value(digits[i + 1]) < base
                                       : based_digit_value(digits[i]) < base;
      if (!ok)
        st.fail(in, fmt::format("illegal digit '{}' in base {} integer", digits[i], base));
    }
    std::string too_large = parse::detail::integer_too_large(digits, static_cast<unsigned>(base));
    if (!too_large.empty())
      st.fail(in, std::move(too_large));
    st.vals.push_back(parse::detail::make_integer(
        st.doc, st.span(in), parse::detail::integer_value(digits, static_cast<unsigned>(base))));
  }
};

template <> struct action<float_literal> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    double d = 0;
    if (!parse::detail::float_value(in.string_view(), d))
      st.fail(in, fmt::format("illegal float '{}{}': out of range", in.string_view().substr(0, 40),
                              in.string_view().size() > 40 ? "..." : ""));
    st.vals.push_back(st.doc.arena.make<ast::FloatTerm>(st.span(in), d));
  }
};

// A unary sign folded into the number literal under it (erl_parse:normalise/1).
template <> struct action<signed_number> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    // A number node of this document's arena: fold the sign into it.
    auto* v = const_cast<ast::Term*>(st.pop().node());
    const Span sp{st.offset(in.begin()), v->span.end};
    const uint8_t flags = static_cast<uint8_t>(v->flags | ast::kSignedLiteral);
    if (*in.begin() == '-') {
      if (auto* f = v->dyn_cast<ast::FloatTerm>()) {
        f->value = -f->value;
      } else {
        ast::BigValue b = ast::to_big(*v->cast<ast::IntegerTerm>());
        if (!b.limbs.empty())
          b.negative = !b.negative;
        v = ast::make_integer(st.doc.arena, sp, b);
      }
    }
    v->span = sp;
    v->flags = flags;
    st.vals.push_back(v);
  }
};

// ---------------------------------------------------------------------------
// Nesting: every opening bracket counts towards the depth limit

template <> struct action<paren_open> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    st.open(in.begin());
  }
};
template <> struct action<paren_term> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) { --st.depth; }
};
template <> struct action<paren_signed_operand> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) { --st.depth; }
};

template <typename Rule> struct open_container {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    st.open(in.begin());
    st.push_frame();
  }
};
template <> struct action<tuple_open> : open_container<tuple_open> {};
template <> struct action<list_open> : open_container<list_open> {};
template <> struct action<map_open> : open_container<map_open> {};
template <> struct action<binary_open> : open_container<binary_open> {};

template <> struct action<tuple> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const State::Frame fr = st.frames.back();
    const auto n = static_cast<uint32_t>(st.vals.size() - fr.base);
    const ast::TermRef t =
        ast::TupleTerm::make(st.doc.arena, st.span(in), st.vals.data() + fr.base, n);
    st.vals.resize(fr.base);
    st.vals.push_back(t);
    st.frames.pop_back();
    --st.depth;
  }
};

template <> struct action<list_tail> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) {
    st.frames.back().has_tail = true;
  }
};

template <> struct action<list> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const State::Frame fr = st.frames.back();
    const ast::TermRef tail = fr.has_tail ? st.pop() : ast::TermRef();
    const auto n = static_cast<uint32_t>(st.vals.size() - fr.base);
    const ast::TermRef t =
        ast::ListTerm::make(st.doc.arena, st.span(in), st.vals.data() + fr.base, n, tail);
    st.vals.resize(fr.base);
    st.vals.push_back(t);
    st.frames.pop_back();
    --st.depth;
  }
};

template <> struct action<map_exact> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    st.fail(in, "':=' is not allowed in a map term; use '=>'");
  }
};

template <> struct action<map> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const State::Frame fr = st.frames.back();
    const auto n = static_cast<uint32_t>(st.vals.size() - fr.base);
    const ast::TermRef t =
        ast::MapTerm::make(st.doc.arena, st.span(in), st.vals.data() + fr.base, n / 2);
    st.vals.resize(fr.base);
    st.vals.push_back(t);
    st.frames.pop_back();
    --st.depth;
  }
};

// ---------------------------------------------------------------------------
// Binaries

template <> struct action<bit_value> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) {
    const ast::TermRef v = st.pop();
    parse::detail::Segment seg;
    seg.span = v.span();
    auto& sv = seg.value;
    switch (v.kind()) {
      case ast::TermKind::Integer:
        sv.kind = parse::detail::SegmentValue::Integer;
        sv.integer = ast::to_big(*v.cast<ast::IntegerTerm>());
        break;
      case ast::TermKind::Float:
        sv.kind = parse::detail::SegmentValue::Float;
        sv.real = v.cast<ast::FloatTerm>()->value;
        break;
      case ast::TermKind::String: {
        // A string literal (possibly in parentheses): eval_bits takes its characters.
        sv.kind = parse::detail::SegmentValue::String;
        const auto* s = v.cast<ast::StringTerm>();
        const char* p = s->utf8;
        const char* e = p + s->bytes;
        while (p < e)
          sv.chars.push_back(decode_utf8(p));
        break;
      }
      case ast::TermKind::Binary: {
        sv.kind = parse::detail::SegmentValue::Bits;
        const auto* b = v.cast<ast::BinaryTerm>();
        sv.bits = b->bits;
        sv.bits_data.assign(b->data, b->data + (b->bits + 7) / 8);
        break;
      }
      default:
        State::fail(v.span(), "a binary segment value must be a number, a string or a binary");
    }
    st.segs.push_back(std::move(seg));
    st.size_undefined = false;
  }
};

template <> struct action<bit_size> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) {
    const ast::TermRef v = st.pop();
    parse::detail::Segment& seg = st.segs.back();
    seg.has_size = true;
    if (const auto* i = v.dyn_cast<ast::IntegerTerm>()) {
      seg.size = ast::to_big(*i);
      return;
    }
    if (v.is<ast::AtomTerm>()) {
      const std::string_view name = st.doc.atoms.text(v.atom());
      if (name == "all") {
        seg.size_is_all = true;
        return;
      }
      if (name == "undefined") {
        st.size_undefined = true; // settled with the type list, in bin_element
        return;
      }
    }
    State::fail(v.span(), "a binary segment size must be an integer");
  }
};

template <> struct action<bit_unit> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) {
    const ast::TermRef v = st.pop();
    st.unit = ast::integer_to_string(*v.cast<ast::IntegerTerm>());
    st.has_unit = true;
  }
};

template <> struct action<bit_type> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const ast::TermRef v = st.pop();
    std::string spec(st.doc.atoms.text(v.atom()));
    // erl_bits:set_bit_type/2 takes an atom or {atom, integer}: a quoted atom
    // such as 'unit:8' is an unknown type, not a unit.
    if (spec.find(':') != std::string::npos)
      st.fail(in, fmt::format("unknown type specifier '{}'", spec));
    if (st.has_unit) {
      spec += ':';
      spec += st.unit;
      st.has_unit = false;
    }
    st.segs.back().types.push_back(std::move(spec));
  }
};

template <> struct action<bin_element> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    parse::detail::Segment& seg = st.segs.back();
    seg.span = st.span(in);
    if (st.size_undefined) {
      // erl_bits:check_size_unit/3 lets the atom `undefined` stand for "no
      // size" in utf8/utf16/utf32 segments (<<945:undefined/utf8>> is a term);
      // for every other type the size evaluates to an error.
      bool utf = false;
      for (const std::string& t : seg.types)
        utf = utf || t == "utf8" || t == "utf16" || t == "utf32";
      if (!utf)
        State::fail(seg.span, "a binary segment size must be an integer");
      seg.has_size = false;
      st.size_undefined = false;
    }
  }
};

template <> struct action<binary> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const State::Frame fr = st.frames.back();
    std::vector<parse::detail::Segment> segs(std::make_move_iterator(st.segs.begin() + fr.seg_base),
                                             std::make_move_iterator(st.segs.end()));
    st.segs.resize(fr.seg_base);
    auto r = parse::detail::build_binary(st.doc, st.span(in), segs, st.bin_budget);
    if (!r.ok())
      State::fail(r.error().span, r.error().message);
    st.vals.resize(fr.base);
    st.vals.push_back(*r);
    st.frames.pop_back();
    --st.depth;
  }
};

// ---------------------------------------------------------------------------
// fun M:F/A

template <> struct action<fun_term> {
  template <typename ActionInput> static void apply(const ActionInput& in, State& st) {
    const auto* arity = st.pop().cast<ast::IntegerTerm>();
    const ast::Atom f = st.pop().atom();
    const ast::Atom m = st.pop().atom();
    // erlang:make_fun/3 (normalise/1) takes arities 0..255.
    if (arity->big != nullptr || arity->value > 255)
      State::fail(arity->span, "fun arity must be 0..255");
    st.vals.push_back(
        st.doc.arena.make<ast::FunTerm>(st.span(in), m, f, static_cast<uint32_t>(arity->value)));
  }
};

// ---------------------------------------------------------------------------
// Document

template <> struct action<dot> {
  template <typename ActionInput> static void apply(const ActionInput&, State& st) {
    st.doc.terms.push_back(st.vals.back());
    st.vals.clear();
  }
};

} // namespace relupkit::grammar
