// SPDX-License-Identifier: Apache-2.0
// The hand-written term-file parser.
//
// It reads what OTP 25's file:consult/1 reads: erl_scan's tokens, the subset of
// erl_parse's grammar that erl_parse:parse_term/1 can normalise, and the file
// encoding chosen by epp:set_encoding/1. The productions are named as in the
// PEGTL reference grammar (grammar/erlang_term.hpp):
//
//   document    ::= { term dot }
//   term        ::= atom | number | char | string { string } | tuple | list | map
//                 | binary | fun | '(' term ')' | ('-' | '+') signed_operand
//   tuple       ::= '{' [ term { ',' term } ] '}'
//   list        ::= '[' [ term { ',' term } [ '|' term ] ] ']'
//   map         ::= '#' '{' [ term '=>' term { ',' term '=>' term } ] '}'
//   binary      ::= '<<' [ bin_element { ',' bin_element } ] '>>'
//   bin_element ::= term [ ':' bit_size ] [ '/' bit_type { '-' bit_type } ]
//   fun         ::= 'fun' atom ':' atom '/' integer
//
// Nothing here recurses: nesting is kept on an explicit stack of frames, and
// finished children wait on a value stack until their container closes.
//
// Two paths share those stacks. The token path (lex(), parse_term(),
// after_value()) reads everything. The fused scanner (fast_scan()) reads the
// forms that make up nearly all of a relup or appup (atoms, strings without
// escapes, small integers, tuples, lists) straight from the text, without
// tokens, and hands any other token to the token path where it stands; it is
// about 1.5 times as fast on the bench relup. ParseOptions::fast_path turns
// it off, and the tests check both paths build the same document.
#include "relupkit/parse/parser.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <type_traits>

#include <fmt/format.h>

#include "base/huge_pages.h"
#include "byte_classes.h"
#include "values.h"

namespace relupkit::parse {

using ast::Term;

namespace {

/// A stack of trivially copyable values whose push is always inlined (the
/// parser pushes a value or a frame per token; std::vector's push_back is not
/// inlined into a function as large as parse_term). Grows by doubling; the
/// room not yet used is not written, so beyond the 128 KiB that grow() faults in
/// ahead it costs address space, not memory (std::vector::resize would zero it).
template <typename T> class Stack {
  static_assert(std::is_trivially_copyable_v<T>);

public:
  Stack() = default;
  Stack(Stack&& o) noexcept : store_(o.store_), size_(o.size_), cap_(o.cap_) {
    o.store_ = nullptr;
    o.size_ = o.cap_ = 0;
  }
  Stack& operator=(Stack&& o) noexcept {
    if (this != &o) {
      std::free(store_);
      store_ = o.store_;
      size_ = o.size_;
      cap_ = o.cap_;
      o.store_ = nullptr;
      o.size_ = o.cap_ = 0;
    }
    return *this;
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  ~Stack() { std::free(store_); }

  __attribute__((always_inline)) void push_back(const T& v) {
    if (size_ == cap_)
      grow();
    store_[size_++] = v;
  }
  T& back() { return store_[size_ - 1]; }
  void pop_back() { --size_; }
  T* data() { return store_; }
  const T* data() const { return store_; }
  const T& operator[](size_t i) const { return store_[i]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  /// Drops the values from `n` on (n <= size()).
  void shrink_to(size_t n) { size_ = n; }

private:
  __attribute__((noinline)) void grow() {
    const size_t cap = cap_ == 0 ? 64 : 2 * cap_;
    const size_t used = size_ * sizeof(T);
    const size_t bytes = cap * sizeof(T);
    // The values go to the front of the new block, and the room after them is
    // written as the stack grows: the pages for both, up to 128 KiB of that
    // room, are faulted in at once (detail::populate() does nothing below 64
    // KiB), the rest as they are reached. Up to 1 MiB the block is new, so
    // that the copy's pages are among them; past that realloc, which moves a
    // block that large by remapping it, not by copying it.
    const size_t ahead = std::min(bytes, used + (size_t{1} << 17));
    void* p;
    if (bytes <= (size_t{1} << 20)) {
      p = std::malloc(bytes);
      if (p == nullptr)
        throw std::bad_alloc();
      relupkit::detail::populate(p, ahead);
      if (used != 0)
        std::memcpy(p, store_, used);
      std::free(store_);
    } else {
      p = std::realloc(store_, bytes);
      if (p == nullptr)
        throw std::bad_alloc();
      relupkit::detail::populate(static_cast<char*>(p) + used, ahead - used);
    }
    store_ = static_cast<T*>(p);
    cap_ = cap;
  }
  T* store_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

// ---------------------------------------------------------------------------
// Character classes (code points < 256).

enum : uint8_t {
  kWhite = 1,     // 0..32, 128..160
  kNameStart = 2, // a-z, ß..ÿ except ÷
  kVarStart = 4,  // A-Z, _, À..Þ except ×
  kNameCont = 8,  // letters, digits, _, @, À..ÿ except × ÷
  kDigit = 16,
};

struct CharTable {
  uint8_t c[256] = {};
  constexpr CharTable() {
    for (int i = 0; i <= 32; ++i)
      c[i] |= kWhite;
    for (int i = 128; i <= 160; ++i)
      c[i] |= kWhite;
    for (int i = 'a'; i <= 'z'; ++i)
      c[i] |= kNameStart | kNameCont;
    for (int i = 'A'; i <= 'Z'; ++i)
      c[i] |= kVarStart | kNameCont;
    for (int i = '0'; i <= '9'; ++i)
      c[i] |= kDigit | kNameCont;
    c[static_cast<int>('_')] |= kVarStart | kNameCont;
    c[static_cast<int>('@')] |= kNameCont;
    for (int i = 0xDF; i <= 0xFF; ++i)
      if (i != 0xF7)
        c[i] |= kNameStart | kNameCont;
    for (int i = 0xC0; i <= 0xDE; ++i)
      if (i != 0xD7)
        c[i] |= kVarStart | kNameCont;
  }
};
constexpr CharTable kTable{};

inline bool is_class(uint32_t cp, uint8_t cls) { return cp < 256 && (kTable.c[cp] & cls) != 0; }

// Bulk scanning, 16 bytes at a time with SSE2 where available. Both may read
// up to 15 bytes past the position they stop at; SourceBuffer's zero padding
// makes that safe for any position up to the end of the input.

/// First byte at or after `p` that is not ASCII whitespace (0..32), or a
/// position at or past `end` (the zero padding counts as whitespace).
inline const char* skip_ascii_white(const char* p, const char* end) {
  while (p < end) {
    const uint32_t mask = detail::white_bits16(p);
    if (mask != 0xFFFFu)
      return p + __builtin_ctz(~mask);
    p += 16;
  }
  return p;
}

/// First byte at or after `p` that is not an ASCII name character
/// ([a-zA-Z0-9_@]); NUL and non-ASCII bytes stop it.
inline const char* skip_ascii_name(const char* p) {
  for (;;) {
    const uint32_t mask = detail::name_bits16(p);
    if (mask != 0xFFFFu)
      return p + __builtin_ctz(~mask);
    p += 16;
  }
}

/// Characters (code points) in the valid UTF-8 text [b, e).
inline uint32_t utf8_chars(const char* b, const char* e) {
  uint32_t chars = 0;
  for (; b < e; ++b)
    chars += (static_cast<unsigned char>(*b) & 0xC0) != 0x80;
  return chars;
}

// ---------------------------------------------------------------------------
// Encoding.

struct EncodingInfo {
  ast::Encoding encoding = ast::Encoding::Utf8;
  bool found = false;
  uint32_t line_begin = 0, line_end = 0; // the line holding the coding comment
  bool line_is_comment = false;          // that line starts with '%'
};

/// epp:read_encoding_from_file(File, true): look at most at 512 bytes and 2 lines.
EncodingInfo find_encoding(std::string_view text) {
  EncodingInfo info;
  const size_t limit = text.size() < 512 ? text.size() : 512;
  const bool truncated = text.size() > 512;
  size_t i = 0;
  int line = 0;
  size_t line_start = 0;
  auto at = [&](size_t k) -> int { return k < limit ? static_cast<unsigned char>(text[k]) : -1; };
  while (line < 2) {
    // `com`: skip to '%' or newline.
    int ch = at(i);
    while (ch != -1 && ch != '%' && ch != '\n')
      ch = at(++i);
    if (ch == -1)
      return info;
    if (ch == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    // `com_c`: in a comment, look for "coding" followed by [ ]*[:=][ ]*NAME.
    ++i;
    for (;;) {
      ch = at(i);
      if (ch == -1)
        return info;
      if (ch == '\n')
        break;
      if (ch == 'c' && i + 6 <= limit && text.compare(i, 6, "coding") == 0) {
        size_t k = i + 6;
        while (at(k) == ' ')
          ++k;
        if (at(k) == ':' || at(k) == '=') {
          ++k;
          while (at(k) == ' ')
            ++k;
          // com_enc: [A-Za-z0-9]+ groups separated by '-'.
          std::string name;
          size_t e = k;
          while (at(e) != -1 && (std::isalnum(at(e)) != 0 || at(e) == '-'))
            ++e;
          // A name that runs to the end of what epp reads counts only when epp
          // saw the end of the file: it reads 32-byte chunks, at most 16 reads
          // including the one that finds end of file, so files of <= 480 bytes.
          if (at(e) == -1 && text.size() > 480)
            return info;
          name.assign(text.substr(k, e - k));
          for (char& c : name)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          auto starts = [&](const char* w) {
            const size_t n = std::strlen(w);
            return name.compare(0, n, w) == 0 && (name.size() == n || name[n] == '-');
          };
          if (starts("latin-1"))
            info.encoding = ast::Encoding::Latin1;
          else if (starts("utf-8"))
            info.encoding = ast::Encoding::Utf8;
          else
            return info; // "Don't try any further"
          info.found = true;
          size_t le = line_start;
          while (le < text.size() && text[le] != '\n')
            ++le;
          info.line_begin = static_cast<uint32_t>(line_start);
          info.line_end = static_cast<uint32_t>(le);
          info.line_is_comment = text[line_start] == '%';
          return info;
        }
        i = k; // com_sep failed: keep scanning the comment from there
        continue;
      }
      if (ch == 'c' && i + 6 > limit && truncated)
        return info;
      ++i;
    }
    ++line;
    line_start = ++i;
  }
  return info;
}

/// First offset of invalid UTF-8 (or of U+FFFE/U+FFFF, never legal in OTP
/// source), or npos.
/// The first byte that is not well-formed UTF-8, or of a character erl_scan
/// rejects (surrogates, U+FFFE, U+FFFF), or npos. erl_scan does take U+FFFE and
/// U+FFFF as the character after a `\^` escape (`"\^\x{FFFE}"` is [30]), so
/// such a pair is let through and `nonchar_escape` is set.
size_t find_invalid_utf8(std::string_view text, bool& nonchar_escape) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path: 64 bytes at a time, then 8.
    while (i + 64 <= n && !detail::any_non_ascii64(text.data() + i))
      i += 64;
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) != 0)
        break;
      i += 8;
    }
    if (i >= n)
      break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > n)
      return i;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    if (cp == 0xFFFE || cp == 0xFFFF) {
      // Allowed only as `\^X` with the backslash itself not escaped.
      size_t slashes = 0;
      if (i >= 2 && s[i - 1] == '^')
        while (slashes + 2 <= i && s[i - 2 - slashes] == '\\')
          ++slashes;
      if (slashes % 2 == 0)
        return i;
      nonchar_escape = true;
    }
    i += len;
  }
  return std::string_view::npos;
}

bool is_reserved_word(const char* w, size_t n);

/// Whether `w` is one of Erlang's reserved words (none is shorter than 2 or
/// longer than 7 bytes, so most names are ruled out without a call).
inline bool is_reserved(const char* w, size_t n) { return n - 2 <= 5 && is_reserved_word(w, n); }

bool is_reserved_word(const char* w, size_t n) {
  // Erlang's reserved words, by length.
  auto is = [w](const char* k, size_t len) { return std::memcmp(w, k, len) == 0; };
  switch (n) {
    case 2:
      return is("if", 2) || is("of", 2) || is("or", 2);
    case 3:
      switch (w[0]) {
        case 'a':
          return is("and", 3);
        case 'b':
          return is("bor", 3) || is("bsl", 3) || is("bsr", 3);
        case 'd':
          return is("div", 3);
        case 'e':
          return is("end", 3);
        case 'f':
          return is("fun", 3);
        case 'l':
          return is("let", 3);
        case 'n':
          return is("not", 3);
        case 'r':
          return is("rem", 3);
        case 't':
          return is("try", 3);
        case 'x':
          return is("xor", 3);
        default:
          return false;
      }
    case 4:
      switch (w[0]) {
        case 'b':
          return is("band", 4) || is("bnot", 4) || is("bxor", 4);
        case 'c':
          return is("case", 4) || is("cond", 4);
        case 'w':
          return is("when", 4);
        default:
          return false;
      }
    case 5:
      return is("after", 5) || is("begin", 5) || is("catch", 5);
    case 6:
      return is("orelse", 6);
    case 7:
      return is("andalso", 7) || is("receive", 7);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Tokens.

enum class Tok : uint8_t {
  End,
  Dot,
  Atom,
  Var,
  Integer,
  Float,
  Char,
  String,
  LBrace,
  RBrace,
  LBrack,
  RBrack,
  LParen,
  RParen,
  Comma,
  Bar,
  Hash,
  Arrow,
  LBin,
  RBin,
  Minus,
  Plus,
  Slash,
  Colon,
  Fun,
  Reserved,
  Other,
};

/// A token; only the fields its kind uses are set (no initialisation on the
/// hot path).
struct Token {
  Tok kind;
  uint32_t begin, end;
  ast::Atom atom;    // Atom, when !atom_pending
  bool atom_pending; // Atom not interned yet: its text is str/str_bytes (a source
                     // slice), str_chars characters
  int64_t ival;      // Integer, Char (when !big)
  bool big;          // Integer does not fit: see big_value_
  double fval;       // Float
  const char* str;   // String: UTF-8 text (source or scratch)
  uint32_t str_bytes, str_chars;
  bool str_copied; // str points into the scratch buffer
};

enum class FrameKind : uint8_t {
  Tuple,
  List,
  ListTail,
  MapKey,
  MapValue,
  Paren,
  Sign,
  Binary,
  Outer, // second thread: the containers its part starts inside (see run_part())
};

struct Frame {
  FrameKind kind;
  bool negate = false;
  uint32_t begin; // offset of the opening token
  uint32_t base;  // first child on the value stack
  uint32_t bin;   // Binary: index of its builder
};

/// What the second thread read (Parser::run_part()): the rest of the term the
/// split falls in, then whole terms, into a document of its own.
struct Part {
  uint32_t start = 0; ///< offset of its first byte (after the split comma)
  ast::Document doc;  ///< its arena, atom table, comments and whole terms
  /// The values it read at the levels of the containers open at `start`, and
  /// each `}` or `]` that closed one of those, in order.
  struct Close {
    uint32_t vals; ///< values before it (in `vals`)
    uint32_t end;  ///< offset after it
    bool brace;    ///< `}` (else `]`)
  };
  Stack<ast::TermRef> vals;
  std::vector<Close> closes;
  bool joinable = false; ///< the first term's rest was read, up to its dot, with no error
  /// After the last dot read with no error: where the lexer stood, the end of
  /// that dot, the whole terms and comments read up to it, and the binary bits
  /// they hold.
  uint32_t resume = 0;
  uint32_t resume_last_end = 0;
  size_t terms = 0;
  size_t comments = 0;
  uint64_t bits_used = 0;
  /// Set when what this part holds will not be joined (the first thread read
  /// past the comma without pausing there, or the join failed): the second
  /// thread stops reading, or stops waiting.
  std::atomic<bool> cancel{false};
  /// Every container, fun and atom node it made, in order: the nodes whose
  /// atoms the join renames (rename_atoms()), without walking the terms.
  Stack<const Term*> made;

  // The join hands the second thread half of the renaming. Under `mutex`:
  bool read = false;    ///< the second thread is done reading (and waits)
  bool go = false;      ///< `map` is ready: rename made[share_from...]
  bool renamed = false; ///< the second thread's share is renamed
  const std::vector<ast::Atom>* map = nullptr;
  size_t share_from = 0;
  std::mutex mutex;
  std::condition_variable cv;

  /// The second thread, once it is done reading: says so, then renames its
  /// share when the first thread hands it one, or returns when cancelled.
  void help();
};

void rename_atoms(const Term* const* made, size_t n, const std::vector<ast::Atom>& map);
/// `r` with the atom it holds renamed by `map`, if it holds one itself (an
/// immediate atom); any other reference as it is.
inline ast::TermRef renamed(ast::TermRef r, const std::vector<ast::Atom>& map) {
  return r.is_immediate() ? ast::TermRef::immediate(map[r.atom().id], r.span()) : r;
}

/// The second thread and what it reads; joined when destroyed (cancelled
/// first, if it still waits).
struct Split {
  Part part;
  std::thread thread;
  Split() = default;
  Split(const Split&) = delete;
  Split& operator=(const Split&) = delete;
  ~Split() {
    if (!thread.joinable())
      return;
    {
      const std::lock_guard<std::mutex> lock(part.mutex);
      part.cancel.store(true, std::memory_order_relaxed);
    }
    part.cv.notify_all();
    thread.join();
  }
};

class Parser {
public:
  Parser(ast::Document& doc, const ParseOptions& opts) : Parser(doc, doc.source.text(), opts) {}
  /// A parser of `text` (which outlives it) into `doc`.
  Parser(ast::Document& doc, std::string_view text, const ParseOptions& opts)
      : doc_(doc), opts_(opts), base_(text.data()), p_(base_), end_(base_ + text.size()) {}

  Result<void> run();
  /// Second thread: reads from `part.start` to the end of the term it lies in,
  /// then whole terms, until the end of the input or an error.
  void run_part(Part& part);

private:
  Result<void> run_document();
  bool read_to_close(bool& want_value);
  bool read_term();
  // Reading on two threads (ParseOptions::threads).
  void start_part();
  const char* split_point() const;
  bool join_part();

  // Lexer.
  void lex(Token& t);
  bool skip_white();
  uint32_t decode(const char*& q) const;
  void lex_name(Token& t, bool var);
  void lex_number(Token& t);
  void lex_long_integer(Token& t, const char* start, std::string_view digits, unsigned base);
  void lex_string(Token& t, char quote);
  bool lex_escape(const char*& q, uint32_t& value);
  void lex_char(Token& t);

  const Token& peek() {
    if (!has_la_) {
      lex_tracked(la_);
      has_la_ = true;
    }
    return la_;
  }
  void next(Token& t) {
    if (has_la_) {
      t = la_;
      has_la_ = false;
    } else {
      lex_tracked(t);
    }
  }
  void lex_tracked(Token& t) {
    in_lex_ = true;
    lex(t);
    in_lex_ = false;
    last_kind_ = t.kind;
    if (t.kind != Tok::End) {
      last_end_ = t.end;
      any_token_ = true;
    }
  }
  void prefer_scan_error();

  // Parser.
  bool parse_term(); // pushes one finished term or fails
  bool after_value();
  bool parse_fun(const Token& fun_tok);
  bool parse_bin_element_tail();
  bool parse_bit_size(detail::Segment& seg);
  bool close_container(uint32_t end);
  /// Opens a frame at byte `begin` whose children are the values pushed from now on.
  void open_frame(FrameKind kind, uint32_t begin, bool negate = false, uint32_t bin = 0) {
    frames_.push_back(Frame{kind, negate, begin, uint32_t(vals_.size()), bin});
  }

  // The fused scanner: reads the common grammar (ASCII whitespace and
  // comments, bare and quoted atoms and strings without escapes, small
  // decimal integers, tuples, lists) straight from the text, without tokens,
  // into the same stacks parse_term() and after_value() use. It stops at the
  // first token it does not handle, where the token-at-a-time path goes on.
  bool fast_scan(bool want_value);
  const char* fast_white(const char* p);
  /// The first `quote`, backslash or the end of the input at or after `q`.
  const char* plain_end(const char* q, char quote) const {
    while (q < end_ && *q != quote && *q != '\\')
      ++q;
    return q;
  }
  /// The closing `quote` of a literal whose text starts at `q`, or null if an
  /// escape comes first or the literal is not closed.
  const char* plain_quoted_end(const char* q, char quote) const {
    const char* r = plain_end(q, quote);
    return r < end_ && *r == quote ? r : nullptr;
  }
  bool fast_ok() const {
    return opts_.fast_path && !has_la_ && !latin1_ && !nonchar_escape_ && !deferred_ && !failed_ &&
           open_bins_ == 0;
  }

  // Atoms. The lexer leaves an atom token's text uninterned (a token may never
  // become a value: lookahead, the rest of a form after an error); atom_of()
  // interns it when it does. (Interning in batches with the table slots
  // prefetched was tried: with the fused scanner it measured slower, 410
  // against 465 MB/s on the bench relup, and no faster on 600,000 distinct
  // atoms.)
  void lex_atom_text(Token& t, const char* text, uint32_t bytes, uint32_t chars);
  ast::Atom atom_of(Token& t);
  /// Pushes a reference to the atom with source text [text, text + bytes).
  __attribute__((always_inline)) void
  push_atom(const char* text, uint32_t bytes, uint32_t chars, Span sp) {
    vals_.push_back(atom_ref(doc_.atoms.intern(std::string_view(text, bytes), chars), sp));
  }
  /// A reference to atom `a` written at `sp`: ast::make_atom(), with an atom
  /// node noted (made()). It tests fits_immediate() itself rather than
  /// calling make_atom() and testing the result again: that second test, on
  /// every atom, was 0.75% more instructions per parse (cachegrind).
  ast::TermRef atom_ref(ast::Atom a, Span sp) {
    if (ast::TermRef::fits_immediate(a, sp))
      return ast::TermRef::immediate(a, sp);
    return atom_node(a, sp);
  }
  ast::TermRef atom_node(ast::Atom a, Span sp);
  /// Notes a node the second thread made (Part::made). Values inside a binary
  /// are not noted: the arena may give their room back, and a part whose
  /// binaries hold containers has an error and is not joined.
  void made(const Term* node) {
    if (made_ != nullptr && open_bins_ == 0)
      made_->push_back(node);
  }

  /// A syntax error at byte `at`, its span kept inside the input.
  Err error_at(uint32_t at, std::string msg) const {
    const auto size = static_cast<uint32_t>(end_ - base_);
    at = std::min(at, size);
    return Err{ErrCode::Syntax, std::move(msg), Span{at, std::min(at + 1, size)}};
  }
  bool fail(uint32_t at, std::string msg) {
    if (!failed_) {
      failed_ = true;
      lex_failed_ = in_lex_;
      err_ = error_at(at, std::move(msg));
    }
    return false;
  }
  // Errors OTP finds only once the whole term has parsed (erl_parse:normalise/1
  // and eval_bits: variables, operators on non-numbers, bad binary segments,
  // `:=`, fun arities) are held back until the term's dot: a syntax error
  // later in the term is what file:consult reports, and a scan error before
  // either. The first one held back is reported, where it was found.
  void defer(Err e) {
    if (!deferred_) {
      deferred_ = true;
      deferred_err_ = std::move(e);
    }
  }
  void defer(uint32_t at, std::string msg) { defer(error_at(at, std::move(msg))); }
  /// A variable where a term (or an atom) goes, `what` saying what would do there.
  void defer_variable(const Token& t, std::string_view what = "quote it to make an atom") {
    defer(t.begin, fmt::format("variable {} is not a term; {}", describe(t), what));
  }
  bool unexpected(const Token& t, std::string_view wanted);
  std::string describe(const Token& t) const;
  uint32_t off(const char* q) const { return static_cast<uint32_t>(q - base_); }

  ast::Document& doc_;
  const ParseOptions& opts_;
  const char* base_;
  const char* p_;
  const char* end_;
  bool latin1_ = false;
  Token la_{};
  bool has_la_ = false;
  uint32_t last_end_ = 0;    // end of the last token before the current one
  bool any_token_ = false;   // some token was read
  Tok last_kind_ = Tok::End; // kind of the last token lexed (End: none yet)
  bool in_lex_ = false;      // inside lex(): a failure now is a scan error
  bool lex_failed_ = false;  // the error in err_ is a scan error
  bool failed_ = false;
  bool deferred_ = false; // deferred_err_ waits for the end of the term
  Err deferred_err_;
  bool nonchar_escape_ = false; // the text holds `\^` + U+FFFE or U+FFFF
  Err err_;
  std::string scratch_;     // unescaped text of the current string/atom
  std::string concat_;      // adjacent string literals
  ast::BigValue big_value_; // value of the last big Integer token
  // A literal of more than ParseOptions::defer_digits characters is converted
  // only once the whole document has read without error (on the calling
  // thread), so that a malformed file holding one fails at once: big_pending_
  // says the last big Integer token is such a literal, big_digits_ and
  // big_base_ what it reads.
  bool defer_big_ = false;
  /// Whether the literal `digits` in `base` is to be converted later: long,
  /// and certainly over 64 bits (so that it is big however it is read).
  bool defers(std::string_view digits, unsigned base) const;
  bool big_pending_ = false;
  std::string_view big_digits_;
  unsigned big_base_ = 10;
  struct PendingBig {
    ast::IntegerTerm* node; // its BigInt is a placeholder: size 0, limbs null
    std::string_view digits;
    unsigned base;
    uint32_t bins; // binaries open where it was read (inside one: the element's value)
  };
  std::vector<PendingBig> pending_bigs_;
  /// The value of the last big Integer token.
  ast::BigValue big_value() const {
    return big_pending_ ? detail::integer_value(big_digits_, big_base_) : big_value_;
  }
  /// An integer term for the last big Integer token.
  ast::TermRef big_integer(Span sp);
  /// The value of `i`, resolved first if it is a pending literal.
  ast::BigValue value_of(const ast::IntegerTerm& i);
  /// Converts the pending literals of a document read without error.
  void resolve_pending_bigs();
  Stack<ast::TermRef> vals_;                    // finished terms waiting for their container
  Stack<Frame> frames_;                         // open containers
  detail::Segment seg_;                         // the binary segment being read
  std::vector<detail::BinaryBuilder> builders_; // one per open binary, innermost last
  std::vector<ast::Arena::Mark> bin_marks_;     // arena position before each one's element
  uint32_t open_bins_ = 0;
  uint64_t bin_budget_ = 0; // bits the document's binaries may still hold
  // Reading on two threads.
  const char* pause_at_ = nullptr;            // the comma after which the second part starts
  bool paused_ = false;                       // the comma at pause_at_ was just read
  const std::atomic<bool>* cancel_ = nullptr; // second thread: Part::cancel
  std::vector<Part::Close> outer_closes_;     // second thread: see Part::closes
  Stack<const Term*>* made_ = nullptr;        // second thread: Part::made
  std::unique_ptr<Split> split_;              // last: joined before the rest goes
};

// ---------------------------------------------------------------------------
// Lexer.

inline uint32_t Parser::decode(const char*& q) const {
  const auto c = static_cast<unsigned char>(*q);
  if (c < 0x80 || latin1_) {
    ++q;
    return c;
  }
  // Valid UTF-8 (checked up front).
  uint32_t cp;
  int len;
  if (c < 0xE0) {
    cp = c & 0x1Fu;
    len = 2;
  } else if (c < 0xF0) {
    cp = c & 0x0Fu;
    len = 3;
  } else {
    cp = c & 0x07u;
    len = 4;
  }
  for (int k = 1; k < len; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(q[k]) & 0x3Fu);
  q += len;
  return cp;
}

/// The first U+FFFE or U+FFFF (EF BF BE, EF BF BF) in [p, e), or null.
static const char* find_nonchar(const char* p, const char* e) {
  for (;;) {
    const void* hit = std::memchr(p, 0xEF, static_cast<size_t>(e - p));
    if (hit == nullptr)
      return nullptr;
    const auto* q = static_cast<const unsigned char*>(hit);
    if (e - reinterpret_cast<const char*>(q) >= 3 && q[1] == 0xBF && (q[2] == 0xBE || q[2] == 0xBF))
      return reinterpret_cast<const char*>(q);
    p = reinterpret_cast<const char*>(q) + 1;
  }
}

/// Skips whitespace and comments; false at end of input.
bool Parser::skip_white() {
  for (;;) {
    p_ = skip_ascii_white(p_, end_);
    if (p_ >= end_) {
      p_ = end_;
      return false;
    }
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '%') {
      const char* start = p_;
      const void* nl = std::memchr(p_, '\n', static_cast<size_t>(end_ - p_));
      p_ = nl != nullptr ? static_cast<const char*>(nl) : end_;
      if (nonchar_escape_) {
        // erl_scan rejects U+FFFE and U+FFFF in comments too; stop at one so
        // that lex() reports it as an illegal character.
        if (const char* bad = find_nonchar(start, p_)) {
          p_ = bad;
          return true;
        }
      }
      if (opts_.keep_comments)
        doc_.comments.push_back(Span{off(start), off(p_)});
      continue;
    }
    if (c >= 0x80) {
      const char* q = p_;
      const uint32_t cp = decode(q);
      if (cp >= 128 && cp <= 160) {
        p_ = q;
        continue;
      }
    }
    return true;
  }
}

// Always inlined (into lex_tracked, itself inline in next and peek): one call
// fewer per token, +8% on the bench relup (A/B in one sitting).
__attribute__((always_inline)) inline void Parser::lex(Token& t) {
  t.big = false;
  if (!skip_white()) {
    t.kind = Tok::End;
    t.begin = t.end = off(end_);
    return;
  }
  t.begin = off(p_);
  const char c = *p_;
  switch (c) {
    case '{':
      t.kind = Tok::LBrace;
      ++p_;
      break;
    case '}':
      t.kind = Tok::RBrace;
      ++p_;
      break;
    case '[':
      t.kind = Tok::LBrack;
      ++p_;
      break;
    case ']':
      t.kind = Tok::RBrack;
      ++p_;
      break;
    case '(':
      t.kind = Tok::LParen;
      ++p_;
      break;
    case ')':
      t.kind = Tok::RParen;
      ++p_;
      break;
    case ',':
      t.kind = Tok::Comma;
      ++p_;
      break;
    case '|':
      ++p_;
      t.kind = Tok::Bar;
      if (p_ < end_ && *p_ == '|') {
        ++p_;
        t.kind = Tok::Other;
      }
      break;
    case '#':
      t.kind = Tok::Hash;
      ++p_;
      break;
    case '=':
      ++p_;
      t.kind = Tok::Other;
      if (p_ < end_ && *p_ == '>') {
        ++p_;
        t.kind = Tok::Arrow;
      }
      break;
    case '<':
      ++p_;
      t.kind = Tok::Other;
      if (p_ < end_ && *p_ == '<') {
        ++p_;
        t.kind = Tok::LBin;
      }
      break;
    case '>':
      ++p_;
      t.kind = Tok::Other;
      if (p_ < end_ && *p_ == '>') {
        ++p_;
        t.kind = Tok::RBin;
      }
      break;
    case '-':
      ++p_;
      t.kind = Tok::Minus;
      if (p_ < end_ && (*p_ == '-' || *p_ == '>')) {
        ++p_;
        t.kind = Tok::Other;
      }
      break;
    case '+':
      ++p_;
      t.kind = Tok::Plus;
      if (p_ < end_ && *p_ == '+') {
        ++p_;
        t.kind = Tok::Other;
      }
      break;
    case '/':
      ++p_;
      t.kind = Tok::Slash;
      if (p_ < end_ && *p_ == '=') {
        ++p_;
        t.kind = Tok::Other;
      }
      break;
    case ':':
      ++p_;
      t.kind = Tok::Colon;
      if (p_ < end_ && (*p_ == '=' || *p_ == ':')) {
        ++p_;
        t.kind = Tok::Other;
      }
      break;
    case '.': {
      ++p_;
      // A dot ends a term only before whitespace, '%' or the end of input.
      bool dot = p_ >= end_ || *p_ == '%';
      if (!dot) {
        const char* q = p_;
        const uint32_t n = decode(q);
        dot = n <= 32 || (n >= 128 && n <= 160);
      }
      t.kind = dot ? Tok::Dot : Tok::Other;
      break;
    }
    case '"':
      lex_string(t, '"');
      break;
    case '\'':
      lex_string(t, '\'');
      break;
    case '$':
      lex_char(t);
      break;
    default: {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80) {
        if ((kTable.c[u] & kDigit) != 0) {
          lex_number(t);
        } else if ((kTable.c[u] & kNameStart) != 0) {
          lex_name(t, false);
        } else if ((kTable.c[u] & kVarStart) != 0) {
          lex_name(t, true);
        } else {
          ++p_;
          t.kind = Tok::Other;
        }
        break;
      }
      const char* q = p_;
      const uint32_t cp = decode(q);
      if (is_class(cp, kNameStart)) {
        lex_name(t, false);
      } else if (is_class(cp, kVarStart)) {
        lex_name(t, true);
      } else {
        p_ = q;
        t.kind = Tok::Other;
        if (cp > 255)
          fail(t.begin, fmt::format("illegal character U+{:04X}", cp));
      }
      break;
    }
  }
  t.end = off(p_);
}

// Always inlined into lex(): +5% on the bench relup (A/B in one sitting).
__attribute__((always_inline)) inline void Parser::lex_name(Token& t, bool var) {
  const char* start = p_;
  // ASCII name characters; the NUL padding after the input stops the scan.
  p_ = skip_ascii_name(p_);
  bool ascii = true;
  uint32_t chars = static_cast<uint32_t>(p_ - start);
  if (static_cast<unsigned char>(*p_) >= 0x80 && p_ < end_) {
    for (;;) {
      const auto u = static_cast<unsigned char>(*p_);
      if (u < 0x80) {
        if (p_ >= end_ || (kTable.c[u] & kNameCont) == 0)
          break;
        ++p_;
        ++chars;
        continue;
      }
      const char* q = p_;
      const uint32_t cp = decode(q);
      if (!is_class(cp, kNameCont))
        break;
      ascii = false;
      p_ = q;
      ++chars;
    }
  }
  if (p_ > end_)
    p_ = end_;
  if (var) {
    t.kind = Tok::Var;
    return;
  }
  const size_t len = static_cast<size_t>(p_ - start);
  if (ascii && is_reserved(start, len)) {
    t.kind = (len == 3 && std::memcmp(start, "fun", 3) == 0) ? Tok::Fun : Tok::Reserved;
    return;
  }
  if (chars > 255) {
    fail(off(start), "atom too long (at most 255 characters)");
    t.kind = Tok::Other;
    return;
  }
  t.kind = Tok::Atom;
  if (!latin1_ || ascii) {
    lex_atom_text(t, start, static_cast<uint32_t>(len), chars);
  } else {
    t.atom_pending = false;
    scratch_.clear();
    for (const char* k = start; k < p_; ++k)
      detail::append_utf8(scratch_, static_cast<unsigned char>(*k));
    t.atom = doc_.atoms.intern(scratch_, chars);
  }
}

void Parser::lex_number(Token& t) {
  const char* start = p_;
  auto is_digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  // Decimal digits with '_' between digits; the padding makes p_[1] safe.
  auto scan_digits = [&](auto is_d) {
    while (p_ < end_) {
      if (is_d(*p_)) {
        ++p_;
      } else if (*p_ == '_' && p_ + 1 < end_ && is_d(p_[1]) && p_ > start && is_d(p_[-1])) {
        p_ += 2;
      } else {
        break;
      }
    }
  };
  scan_digits(is_digit);
  if (p_ < end_ && *p_ == '#') {
    if (p_ - start > 40) {
      fail(off(start), "illegal base in based integer (must be 2..36)");
      t.kind = Tok::Other;
      return;
    }
    const ast::BigValue bv = detail::integer_value(std::string_view(start, size_t(p_ - start)));
    const int64_t base = bv.fits_int64() ? bv.to_int64() : 0;
    if (base < 2 || base > 36) {
      fail(off(start), fmt::format("illegal base '{}' in based integer (must be 2..36)",
                                   std::string_view(start, size_t(p_ - start))));
      t.kind = Tok::Other;
      return;
    }
    ++p_;
    const char* digits = p_;
    auto is_based = [base](char ch) {
      int d = ch >= '0' && ch <= '9'   ? ch - '0'
              : ch >= 'a' && ch <= 'z' ? ch - 'a' + 10
              : ch >= 'A' && ch <= 'Z' ? ch - 'A' + 10
                                       : 99;
      return d < base;
    };
    while (p_ < end_) {
      if (is_based(*p_)) {
        ++p_;
      } else if (*p_ == '_' && p_ + 1 < end_ && is_based(p_[1]) && p_ > digits &&
                 is_based(p_[-1])) {
        p_ += 2;
      } else {
        break;
      }
    }
    if (p_ == digits) {
      fail(off(start), "illegal integer: no digits after '#'");
      t.kind = Tok::Other;
      return;
    }
    t.kind = Tok::Integer;
    lex_long_integer(t, start, std::string_view(digits, size_t(p_ - digits)),
                     static_cast<unsigned>(base));
    return;
  }
  if (p_ + 1 < end_ && *p_ == '.' && is_digit(p_[1])) {
    ++p_;
    const char* frac = p_;
    while (p_ < end_) {
      if (is_digit(*p_))
        ++p_;
      else if (*p_ == '_' && p_ + 1 < end_ && is_digit(p_[1]) && p_ > frac && is_digit(p_[-1]))
        p_ += 2;
      else
        break;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-'))
        ++p_;
      const char* exp = p_;
      while (p_ < end_) {
        if (is_digit(*p_))
          ++p_;
        else if (*p_ == '_' && p_ + 1 < end_ && is_digit(p_[1]) && p_ > exp && is_digit(p_[-1]))
          p_ += 2;
        else
          break;
      }
      if (p_ == exp) {
        fail(off(start), "illegal float: missing exponent digits");
        t.kind = Tok::Other;
        return;
      }
    }
    t.kind = Tok::Float;
    if (!detail::float_value(std::string_view(start, size_t(p_ - start)), t.fval)) {
      const std::string_view text(start, size_t(p_ - start));
      fail(off(start), fmt::format("illegal float '{}{}': out of range", text.substr(0, 40),
                                   text.size() > 40 ? "..." : ""));
      t.kind = Tok::Other;
    }
    return;
  }
  t.kind = Tok::Integer;
  // Fast path: up to 18 digits without separators fit in int64_t.
  const size_t n = static_cast<size_t>(p_ - start);
  if (n <= 18 && std::memchr(start, '_', n) == nullptr) {
    int64_t v = 0;
    for (const char* q = start; q < p_; ++q)
      v = v * 10 + (*q - '0');
    t.ival = v;
    return;
  }
  lex_long_integer(t, start, std::string_view(start, n), 10);
}

// The value of an Integer token whose `digits` (base `base`) may not fit 64
// bits: an error past OTP's largest integer, a pending literal (defers()), or
// the value, in t.ival when it fits and in big_value_ when not.
void Parser::lex_long_integer(Token& t, const char* start, std::string_view digits, unsigned base) {
  std::string too_large = detail::integer_too_large(digits, base);
  if (!too_large.empty()) {
    fail(off(start), std::move(too_large));
    t.kind = Tok::Other;
    return;
  }
  big_pending_ = defers(digits, base);
  if (big_pending_) {
    big_digits_ = digits;
    big_base_ = base;
    t.big = true;
    return;
  }
  big_value_ = detail::integer_value(digits, base);
  if (big_value_.fits_int64())
    t.ival = big_value_.to_int64();
  else
    t.big = true;
}

/// An escape sequence after a backslash (erl_scan:scan_escape/2); q points
/// after the backslash.
bool Parser::lex_escape(const char*& q, uint32_t& value) {
  const char* at = q - 1;
  if (q >= end_)
    return fail(off(at), "unterminated escape sequence at end of file");
  auto is_oct = [](char ch) { return ch >= '0' && ch <= '7'; };
  auto hex = [](char ch) -> int {
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
  };
  const char c = *q;
  if (is_oct(c)) {
    value = 0;
    for (int k = 0; k < 3 && q < end_ && is_oct(*q); ++k)
      value = value * 8 + static_cast<uint32_t>(*q++ - '0');
    return true;
  }
  if (c == 'x') {
    ++q;
    if (q < end_ && *q == '{') {
      ++q;
      uint64_t v = 0;
      const char* digits = q;
      while (q < end_ && hex(*q) >= 0) {
        v = v * 16 + static_cast<uint64_t>(hex(*q));
        if (v > 0x10FFFF)
          v = 0x110000; // saturate: invalid anyway
        ++q;
      }
      if (q >= end_)
        return fail(off(at), "unterminated \\x{...} escape");
      if (*q != '}' || q == digits || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v == 0xFFFE ||
          v == 0xFFFF)
        return fail(off(at), "illegal character in \\x{...} escape");
      ++q;
      value = static_cast<uint32_t>(v);
      return true;
    }
    if (q + 1 < end_ && hex(q[0]) >= 0 && hex(q[1]) >= 0) {
      value = static_cast<uint32_t>(hex(q[0]) * 16 + hex(q[1]));
      q += 2;
      return true;
    }
    if (q >= end_ || (q + 1 >= end_ && hex(q[0]) >= 0))
      return fail(off(at), "unterminated \\x escape at end of file");
    return fail(off(at), "illegal \\x escape: expected two hex digits or {...}");
  }
  if (c == '^') {
    ++q;
    if (q >= end_)
      return fail(off(at), "unterminated \\^ escape at end of file");
    value = decode(q) & 31u;
    return true;
  }
  const uint32_t ch = decode(q);
  switch (ch) {
    case 'n':
      value = '\n';
      break;
    case 'r':
      value = '\r';
      break;
    case 't':
      value = '\t';
      break;
    case 'v':
      value = '\v';
      break;
    case 'b':
      value = '\b';
      break;
    case 'f':
      value = '\f';
      break;
    case 'e':
      value = 27;
      break;
    case 's':
      value = ' ';
      break;
    case 'd':
      value = 127;
      break;
    default:
      value = ch;
  }
  return true;
}

void Parser::lex_string(Token& t, char quote) {
  const char* start = p_;
  const char* q = p_ + 1;
  // Fast path: no escapes, UTF-8 input: the text is a slice of the source.
  const char* r = plain_end(q, quote);
  if (r >= end_) {
    fail(off(start), quote == '"' ? "unterminated string" : "unterminated quoted atom");
    t.kind = Tok::Other;
    p_ = end_;
    return;
  }
  uint32_t chars = 0;
  if (*r == quote && !latin1_) {
    chars = utf8_chars(q, r);
    t.str = q;
    t.str_bytes = static_cast<uint32_t>(r - q);
    t.str_copied = false;
    p_ = r + 1;
  } else {
    scratch_.assign(q, static_cast<size_t>(r - q));
    if (latin1_) {
      scratch_.clear();
      for (const char* k = q; k < r; ++k)
        detail::append_utf8(scratch_, static_cast<unsigned char>(*k));
      chars = static_cast<uint32_t>(r - q);
    } else {
      chars = utf8_chars(q, r);
    }
    q = r;
    for (;;) {
      if (q >= end_) {
        fail(off(start), quote == '"' ? "unterminated string" : "unterminated quoted atom");
        t.kind = Tok::Other;
        p_ = end_;
        return;
      }
      if (*q == quote)
        break;
      uint32_t cp;
      if (*q == '\\') {
        ++q;
        if (!lex_escape(q, cp)) {
          t.kind = Tok::Other;
          p_ = end_;
          return;
        }
      } else {
        cp = decode(q);
      }
      detail::append_utf8(scratch_, cp);
      ++chars;
    }
    p_ = q + 1;
    t.str = scratch_.data();
    t.str_bytes = static_cast<uint32_t>(scratch_.size());
    t.str_copied = true;
  }
  t.str_chars = chars;
  if (quote == '"') {
    t.kind = Tok::String;
    return;
  }
  if (chars > 255) {
    fail(off(start), "atom too long (at most 255 characters)");
    t.kind = Tok::Other;
    return;
  }
  t.kind = Tok::Atom;
  if (!t.str_copied) {
    lex_atom_text(t, t.str, t.str_bytes, chars);
  } else {
    // The text is in the scratch buffer, which the next token reuses.
    t.atom_pending = false;
    t.atom = doc_.atoms.intern(std::string_view(t.str, t.str_bytes), chars);
  }
}

void Parser::lex_atom_text(Token& t, const char* text, uint32_t bytes, uint32_t chars) {
  t.str = text;
  t.str_bytes = bytes;
  t.str_chars = chars;
  t.atom_pending = true;
}

ast::Atom Parser::atom_of(Token& t) {
  if (t.atom_pending) {
    t.atom = doc_.atoms.intern(std::string_view(t.str, t.str_bytes), t.str_chars);
    t.atom_pending = false;
  }
  return t.atom;
}

void Parser::lex_char(Token& t) {
  const char* start = p_;
  const char* q = p_ + 1;
  if (q >= end_) {
    fail(off(start), "unterminated character literal at end of file");
    t.kind = Tok::Other;
    p_ = end_;
    return;
  }
  uint32_t cp;
  if (*q == '\\') {
    ++q;
    if (!lex_escape(q, cp)) {
      t.kind = Tok::Other;
      p_ = end_;
      return;
    }
  } else {
    cp = decode(q);
  }
  p_ = q;
  t.kind = Tok::Char;
  t.ival = cp;
}

// ---------------------------------------------------------------------------
// Parser.

// Source text quoted in an error message: kept on one line and valid UTF-8 whatever
// the input holds (control characters and bytes that are not UTF-8 become escapes).
static std::string printable_excerpt(std::string_view text, bool latin1) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{{{:X}}}", c);
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (latin1) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      // Copy one well-formed UTF-8 sequence, or escape the byte.
      size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
      bool ok = n != 0 && i + n <= text.size() && c <= 0xF4;
      for (size_t k = 1; ok && k < n; ++k)
        ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
      if (ok) {
        out.append(text.data() + i, n);
        i += n - 1;
      } else {
        out += fmt::format("\\x{{{:X}}}", c);
      }
    }
  }
  return out;
}

std::string Parser::describe(const Token& t) const {
  switch (t.kind) {
    case Tok::End:
      return "end of file";
    case Tok::Dot:
      return "'.'";
    case Tok::String:
      return "a string";
    default:
      break;
  }
  std::string_view text(base_ + t.begin, t.end - t.begin);
  const bool cut = text.size() > 40;
  if (cut)
    text = text.substr(0, 40);
  // A quoted atom is shown in its own quotes.
  if (!cut && text.size() >= 2 && text.front() == '\'' && text.back() == '\'')
    return printable_excerpt(text, latin1_);
  return fmt::format("'{}{}'", printable_excerpt(text, latin1_), cut ? "..." : "");
}

bool Parser::unexpected(const Token& t, std::string_view wanted) {
  if (failed_)
    return false;
  // (A variable where a term goes is defer_variable()'s, held back; here no
  // term can go, so quoting it would not help.)
  if (t.kind == Tok::Var)
    return fail(t.begin, fmt::format("{}, saw the variable {}", wanted, describe(t)));
  if (t.kind == Tok::Reserved)
    return fail(t.begin,
                fmt::format("reserved word {} cannot be a bare atom; quote it", describe(t)));
  if (t.kind == Tok::Other && t.end > t.begin && base_[t.begin] == '.')
    return fail(t.begin,
                fmt::format("'.' must be followed by whitespace to end a term, {}", wanted));
  // A term cut short by the end of the file: point just after its last token,
  // on the line OTP reports, rather than at the end of the trailing blank lines.
  const uint32_t at = t.kind == Tok::End && any_token_ ? last_end_ : t.begin;
  return fail(at, fmt::format("{}, saw {}", wanted, describe(t)));
}

// term ::= atom | number | char | string { string } | tuple | list | map
//        | binary | fun | '(' term ')' | ('-' | '+') term
// Pushes containers as frames; a finished scalar goes on the value stack.
bool Parser::parse_term() {
  for (;;) {
    Token t;
    next(t);
    if (failed_)
      return false;
    const Span sp{t.begin, t.end};
    switch (t.kind) {
      case Tok::Atom:
        vals_.push_back(atom_ref(atom_of(t), sp));
        return true;
      case Tok::Integer:
        if (t.big)
          vals_.push_back(big_integer(sp));
        else
          vals_.push_back(doc_.arena.make<ast::IntegerTerm>(sp, t.ival));
        return true;
      case Tok::Char: {
        Term* n = doc_.arena.make<ast::IntegerTerm>(sp, t.ival);
        n->flags = ast::kCharLiteral;
        vals_.push_back(n);
        return true;
      }
      case Tok::Float:
        vals_.push_back(doc_.arena.make<ast::FloatTerm>(sp, t.fval));
        return true;
      case Tok::String: {
        // Copy escaped text out of the scratch buffer before lexing further.
        const char* text = t.str;
        if (t.str_copied || opts_.own_strings)
          text = doc_.arena.copy_array(t.str, t.str_bytes);
        // Adjacent string literals concatenate.
        if (peek().kind != Tok::String) {
          vals_.push_back(doc_.arena.make<ast::StringTerm>(sp, text, t.str_bytes, t.str_chars));
          return true;
        }
        concat_.assign(text, t.str_bytes);
        uint32_t chars = t.str_chars;
        uint32_t end = t.end;
        while (peek().kind == Tok::String) {
          Token s;
          next(s);
          concat_.append(s.str, s.str_bytes);
          chars += s.str_chars;
          end = s.end;
        }
        if (failed_)
          return false;
        const char* joined = doc_.arena.copy_array(concat_.data(), concat_.size());
        vals_.push_back(doc_.arena.make<ast::StringTerm>(
            Span{t.begin, end}, joined, static_cast<uint32_t>(concat_.size()), chars));
        return true;
      }
      // `{`, `[` and `#{` open a frame at once (no lookahead: most are not
      // empty); a closing bracket in place of the first element closes it empty.
      case Tok::LBrace:
        open_frame(FrameKind::Tuple, t.begin);
        continue;
      case Tok::LBrack:
        open_frame(FrameKind::List, t.begin);
        continue;
      case Tok::Hash: {
        Token b;
        next(b);
        if (b.kind != Tok::LBrace) {
          if (b.kind == Tok::Atom)
            return fail(t.begin, "records are not terms (expected '#{' for a map)");
          return unexpected(b, "expected '{' after '#' (maps are written #{K => V})");
        }
        open_frame(FrameKind::MapKey, t.begin);
        continue;
      }
      case Tok::LBin:
        if (peek().kind == Tok::RBin) {
          Token c;
          next(c);
          vals_.push_back(doc_.arena.make<ast::BinaryTerm>(Span{t.begin, c.end}, nullptr, 0));
          return true;
        }
        open_frame(FrameKind::Binary, t.begin, false, open_bins_);
        if (builders_.size() <= open_bins_) {
          builders_.emplace_back();
          bin_marks_.emplace_back();
        }
        bin_marks_[open_bins_] = doc_.arena.mark();
        ++open_bins_;
        continue;
      case Tok::LParen:
        open_frame(FrameKind::Paren, t.begin);
        continue;
      case Tok::Minus:
      case Tok::Plus:
        open_frame(FrameKind::Sign, t.begin, t.kind == Tok::Minus);
        continue;
      case Tok::Fun:
        return parse_fun(t);
      case Tok::Var:
        defer_variable(t);
        vals_.push_back(ast::TupleTerm::make(doc_.arena, sp, nullptr, 0)); // stands in for it
        return true;
      case Tok::RBrace:
      case Tok::RBrack:
        if (!frames_.empty() && frames_.back().base == vals_.size()) {
          const Frame fr = frames_.back();
          const bool closes = t.kind == Tok::RBrace
                                  ? fr.kind == FrameKind::Tuple || fr.kind == FrameKind::MapKey
                                  : fr.kind == FrameKind::List;
          if (closes) {
            if (fr.kind == FrameKind::MapKey)
              frames_.back().kind = FrameKind::MapValue; // a map of no pairs
            return close_container(t.end);
          }
        }
        return unexpected(t, "expected a term");
      default:
        return unexpected(t, "expected a term");
    }
  }
}

// ---------------------------------------------------------------------------
// The fused scanner.

/// Skips ASCII whitespace and `%` comments (kept as skip_white() keeps them);
/// stops at anything else, a non-ASCII byte included (skip_white() goes on
/// from there), or at or past the end.
__attribute__((always_inline)) inline const char* Parser::fast_white(const char* p) {
  for (;;) {
    p = skip_ascii_white(p, end_);
    if (p >= end_ || *p != '%')
      return p;
    const char* start = p;
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end_ - p));
    p = nl != nullptr ? static_cast<const char*>(nl) : end_;
    if (opts_.keep_comments)
      doc_.comments.push_back(Span{off(start), off(p)});
  }
}

// Reads tokens exactly as lex() would and acts on them exactly as parse_term()
// and after_value() would, for the forms it knows; at any other token (or an
// error) it stops before that token, with `p_` at it and the stacks as the
// token-at-a-time path leaves them there, and returns whether a value is
// wanted next. It stops too when the term is complete (no frame open).
bool Parser::fast_scan(bool want_value) {
  const char* p = p_;
  const char* tok = p;
  uint32_t last_end = last_end_;
  bool any = false;
  const auto stop = [&](bool wants) {
    p_ = tok < end_ ? tok : end_;
    if (any) {
      last_end_ = last_end;
      any_token_ = true;
      last_kind_ = Tok::Other; // (only read after a failure, when lex() has set it)
    }
    return wants;
  };
  const auto took = [&](const char* q) {
    p = q;
    last_end = off(q);
    any = true;
  };
  if (!want_value)
    goto after;

value:
  p = fast_white(p);
  tok = p;
  switch (*p) {
    case '{':
      open_frame(FrameKind::Tuple, off(p));
      took(p + 1);
      goto value;
    case '[':
      open_frame(FrameKind::List, off(p));
      took(p + 1);
      goto value;
    case '}':
    case ']': {
      // Closes an empty tuple or list; anything else is parse_term()'s to report.
      if (frames_.empty() || frames_.back().base != vals_.size() ||
          frames_.back().kind != (*p == '}' ? FrameKind::Tuple : FrameKind::List))
        return stop(true);
      took(p + 1);
      close_container(last_end);
      goto after;
    }
    case '"': {
      const char* q = p + 1;
      const char* r = plain_quoted_end(q, '"');
      if (r == nullptr)
        return stop(true);
      // An adjacent string literal would concatenate: parse_term() joins them.
      const size_t comments = doc_.comments.size();
      const char* next = fast_white(r + 1);
      if (next < end_ && (*next == '"' || static_cast<unsigned char>(*next) >= 0x80)) {
        doc_.comments.resize(comments);
        return stop(true);
      }
      const uint32_t chars = utf8_chars(q, r);
      const auto bytes = static_cast<uint32_t>(r - q);
      const char* text = opts_.own_strings ? doc_.arena.copy_array(q, bytes) : q;
      vals_.push_back(
          doc_.arena.make<ast::StringTerm>(Span{off(p), off(r + 1)}, text, bytes, chars));
      took(r + 1);
      p = next;
      goto after;
    }
    case '\'': {
      const char* q = p + 1;
      const char* r = plain_quoted_end(q, '\'');
      if (r == nullptr)
        return stop(true);
      const uint32_t chars = utf8_chars(q, r);
      if (chars > 255)
        return stop(true);
      push_atom(q, static_cast<uint32_t>(r - q), chars, Span{off(p), off(r + 1)});
      took(r + 1);
      goto after;
    }
    default: {
      const auto u = static_cast<unsigned char>(*p);
      if (u >= 'a' && u <= 'z') {
        // A bare atom: ASCII name characters only, not a reserved word.
        const char* q = skip_ascii_name(p);
        if (static_cast<unsigned char>(*q) >= 0x80)
          return stop(true); // (the zero padding past the end is not)
        const auto len = static_cast<uint32_t>(q - p);
        if (len > 255 || is_reserved(p, len))
          return stop(true);
        push_atom(p, len, len, Span{off(p), off(q)});
        took(q);
        goto after;
      }
      if (u >= '0' && u <= '9') {
        // A decimal integer of up to 18 digits; separators, bases and floats
        // are lex_number()'s.
        const char* q = p;
        int64_t v = 0;
        while (q - p < 18 && *q >= '0' && *q <= '9')
          v = v * 10 + (*q++ - '0');
        if ((*q >= '0' && *q <= '9') || *q == '_' || *q == '#' || *q == '.')
          return stop(true);
        vals_.push_back(doc_.arena.make<ast::IntegerTerm>(Span{off(p), off(q)}, v));
        took(q);
        goto after;
      }
      return stop(true);
    }
  }

after:
  tok = p;
  if (frames_.empty())
    return stop(false);
  p = fast_white(p);
  tok = p;
  {
    const FrameKind k = frames_.back().kind;
    if (k != FrameKind::Tuple && k != FrameKind::List && k != FrameKind::Outer)
      return stop(false);
    switch (*p) {
      case ',':
        took(p + 1);
        if (p - 1 == pause_at_) {
          tok = p;
          paused_ = true;
          return stop(true);
        }
        goto value;
      case '}':
      case ']':
        if (k != (*p == '}' ? FrameKind::Tuple : FrameKind::List))
          return stop(false);
        took(p + 1);
        close_container(last_end);
        goto after;
      default:
        return stop(false);
    }
  }
}

// fun ::= 'fun' atom ':' atom '/' integer
bool Parser::parse_fun(const Token& fun_tok) {
  Token m, colon, f, slash, a;
  next(m);
  if (m.kind == Tok::Var)
    defer_variable(m);
  else if (m.kind != Tok::Atom)
    return unexpected(m, "expected a module atom in 'fun M:F/A'");
  next(colon);
  if (colon.kind != Tok::Colon)
    return unexpected(colon, "only external funs 'fun M:F/A' are terms; expected ':'");
  next(f);
  if (f.kind == Tok::Var)
    defer_variable(f);
  else if (f.kind != Tok::Atom)
    return unexpected(f, "expected a function atom in 'fun M:F/A'");
  next(slash);
  if (slash.kind != Tok::Slash)
    return unexpected(slash, "expected '/' in 'fun M:F/A'");
  next(a);
  if (a.kind == Tok::Var)
    defer_variable(a, "the arity must be an integer");
  else if (a.kind != Tok::Integer)
    return unexpected(a, "expected an integer arity in 'fun M:F/A'");
  else if (a.big || a.ival > 255)
    defer(a.begin, "fun arity must be 0..255");
  if (deferred_) {
    vals_.push_back(ast::TupleTerm::make(doc_.arena, Span{fun_tok.begin, a.end}, nullptr, 0));
    return true;
  }
  const ast::FunTerm* fun = doc_.arena.make<ast::FunTerm>(
      Span{fun_tok.begin, a.end}, atom_of(m), atom_of(f), static_cast<uint32_t>(a.ival));
  made(fun);
  vals_.push_back(fun);
  return true;
}

bool Parser::close_container(uint32_t end) {
  const Frame fr = frames_.back();
  frames_.pop_back();
  const Span sp{fr.begin, end};
  const ast::TermRef* first = vals_.data() + fr.base;
  const auto n = static_cast<uint32_t>(vals_.size() - fr.base);
  ast::TermRef node;
  switch (fr.kind) {
    case FrameKind::Tuple:
      node = ast::TupleTerm::make(doc_.arena, sp, first, n);
      break;
    case FrameKind::List:
      node = ast::ListTerm::make(doc_.arena, sp, first, n, {});
      break;
    case FrameKind::ListTail:
      node = ast::ListTerm::make(doc_.arena, sp, first, n - 1, first[n - 1]);
      break;
    case FrameKind::MapValue:
      node = ast::MapTerm::make(doc_.arena, sp, first, n / 2);
      break;
    case FrameKind::Binary: {
      --open_bins_;
      if (!deferred_) {
        auto r = builders_[fr.bin].finish(doc_, sp, bin_budget_);
        if (r.ok()) {
          node = *r;
          break;
        }
        defer(r.error());
      }
      // Nothing is built once an error waits: an empty binary stands in.
      builders_[fr.bin] = detail::BinaryBuilder();
      node = doc_.arena.make<ast::BinaryTerm>(sp, nullptr, 0);
      break;
    }
    default:
      return fail(fr.begin, "internal error: bad frame");
  }
  if (fr.kind != FrameKind::Binary)
    made(node.node());
  vals_.shrink_to(fr.base);
  vals_.push_back(node);
  return true;
}

ast::TermRef Parser::atom_node(ast::Atom a, Span sp) {
  const ast::AtomTerm* node = doc_.arena.make<ast::AtomTerm>(sp, a);
  made(node);
  return node;
}

// bit_size ::= integer | char | 'all' | '(' [ '-' | '+' ] bit_size ')'
bool Parser::parse_bit_size(detail::Segment& seg) {
  int open = 0;
  bool negate = false, signed_once = false;
  Token t;
  for (;;) {
    next(t);
    if (t.kind == Tok::LParen) {
      ++open;
      continue;
    }
    if ((t.kind == Tok::Minus || t.kind == Tok::Plus) && open > 0 && !signed_once) {
      negate = t.kind == Tok::Minus;
      signed_once = true;
      continue;
    }
    break;
  }
  if (t.kind == Tok::Integer || t.kind == Tok::Char) {
    seg.size = t.big ? big_value() : ast::BigValue::from_int64(t.ival);
    if (negate && !seg.size.limbs.empty())
      seg.size.negative = !seg.size.negative;
  } else if (t.kind == Tok::Atom && !signed_once && doc_.atoms.text(atom_of(t)) == "all") {
    seg.size_is_all = true;
  } else if (t.kind == Tok::Atom && !signed_once && doc_.atoms.text(atom_of(t)) == "undefined") {
    seg.size_is_undefined = true; // erl_bits: no size, valid for utf8/16/32 only
  } else if (t.kind == Tok::Var) {
    defer_variable(t, "a segment size must be an integer"); // the segment is not built
  } else {
    return unexpected(t, "expected an integer segment size");
  }
  seg.has_size = true;
  for (int i = 0; i < open; ++i) {
    next(t);
    if (t.kind != Tok::RParen)
      return unexpected(t, "expected ')' in segment size");
  }
  return true;
}

// bin_element ::= term [ ':' bit_size ] [ '/' bit_type { '-' bit_type } ]
// bit_type    ::= atom [ ':' integer ]
// Called with the element's value on top of the value stack.
bool Parser::parse_bin_element_tail() {
  const ast::TermRef v = vals_.back();
  vals_.pop_back();
  detail::Segment& seg = seg_;
  seg.value.chars.clear();
  seg.value.bits_data.clear();
  seg.types.clear();
  seg.has_size = seg.size_is_all = seg.size_is_undefined = false;
  seg.span = v.span();
  switch (v.kind()) {
    case ast::TermKind::Integer: {
      const auto* it = v.cast<ast::IntegerTerm>();
      seg.value.kind = detail::SegmentValue::Integer;
      seg.value.integer = value_of(*it);
      break;
    }
    case ast::TermKind::Float:
      seg.value.kind = detail::SegmentValue::Float;
      seg.value.real = v.cast<ast::FloatTerm>()->value;
      break;
    case ast::TermKind::String: {
      const auto* s = v.cast<ast::StringTerm>();
      seg.value.kind = detail::SegmentValue::String;
      const char* q = s->utf8;
      const char* e = q + s->bytes;
      const bool saved = latin1_;
      latin1_ = false; // string text is always UTF-8
      while (q < e)
        seg.value.chars.push_back(decode(q));
      latin1_ = saved;
      break;
    }
    case ast::TermKind::Binary: {
      const auto* b = v.cast<ast::BinaryTerm>();
      seg.value.kind = detail::SegmentValue::Bits;
      seg.value.bits = b->bits;
      seg.value.bits_data.assign(b->data, b->data + (b->bits + 7) / 8);
      break;
    }
    default:
      defer(v.span().begin, "a binary segment value must be a number, a string or a binary");
      break;
  }
  if (peek().kind == Tok::Colon) {
    Token c;
    next(c);
    if (!parse_bit_size(seg))
      return false;
  }
  if (peek().kind == Tok::Slash) {
    Token s;
    next(s);
    for (;;) {
      Token a;
      next(a);
      if (a.kind != Tok::Atom)
        return unexpected(a, "expected a type specifier (integer, float, binary, utf8, "
                             "signed, little, unit:N, ...)");
      std::string spec(doc_.atoms.text(atom_of(a)));
      // erl_bits takes an atom or {atom, integer}: a quoted atom such as
      // 'unit:8' is an unknown type, not a unit.
      if (spec.find(':') != std::string::npos)
        defer(a.begin, fmt::format("bad binary segment: unknown type specifier '{}'",
                                   printable_excerpt(spec, false)));
      if (peek().kind == Tok::Colon) {
        Token c, n;
        next(c);
        next(n);
        if (n.kind != Tok::Integer)
          return unexpected(n, "expected an integer after ':' in a type specifier");
        spec += ':';
        spec += n.big ? std::string("99999") : std::to_string(n.ival);
      }
      seg.types.push_back(std::move(spec));
      if (peek().kind != Tok::Minus)
        break;
      Token m;
      next(m);
    }
  }
  seg.span.end = has_la_ ? la_.begin : off(p_);
  if (failed_)
    return false;
  if (!deferred_) {
    auto r = builders_[open_bins_ - 1].add(seg);
    if (!r.ok())
      defer(r.error());
  }
  // The element's value now lives in the builder: give its nodes back, so that a
  // binary written as N integers costs its bytes, not N nodes.
  doc_.arena.rewind(bin_marks_[open_bins_ - 1]);
  while (!pending_bigs_.empty() && pending_bigs_.back().bins >= open_bins_)
    pending_bigs_.pop_back(); // (given back with the element's nodes)
  return true;
}

/// After a finished term: continue the innermost open container.
bool Parser::after_value() {
  while (!frames_.empty()) {
    Frame& fr = frames_.back();
    switch (fr.kind) {
      case FrameKind::Paren: {
        Token t;
        next(t);
        if (t.kind != Tok::RParen)
          return unexpected(t, "expected ')'");
        frames_.pop_back();
        continue;
      }
      case FrameKind::Sign: {
        const ast::TermRef r = vals_.back();
        const bool negate = fr.negate;
        const uint32_t begin = fr.begin;
        frames_.pop_back();
        if ((r.flags() & ast::kSignedLiteral) != 0 ||
            (r.kind() != ast::TermKind::Integer && r.kind() != ast::TermKind::Float)) {
          defer(begin, "unary minus or plus applies only to a number literal");
          continue; // the value stands in for the whole
        }
        // A number node of this document's arena: fold the sign into it.
        Term* v = const_cast<Term*>(r.node());
        v->span.begin = begin;
        v->flags |= ast::kSignedLiteral;
        if (negate) {
          if (auto* f = v->dyn_cast<ast::FloatTerm>()) {
            f->value = -f->value;
          } else {
            auto* i = v->cast<ast::IntegerTerm>();
            if (i->big != nullptr && i->big->size == 0) {
              // A pending literal: its placeholder takes the sign.
              auto* placeholder = const_cast<ast::BigInt*>(i->big);
              placeholder->negative = !placeholder->negative;
              continue;
            }
            ast::BigValue b = ast::to_big(*i);
            if (!b.limbs.empty())
              b.negative = !b.negative;
            Term* n = ast::make_integer(doc_.arena, v->span, b);
            n->flags = v->flags;
            vals_.back() = n;
          }
        }
        continue;
      }
      default:
        break;
    }
    Token t;
    next(t);
    if (failed_)
      return false;
    switch (fr.kind) {
      case FrameKind::Tuple:
        if (t.kind == Tok::Comma) {
          paused_ = base_ + t.begin == pause_at_;
          return true;
        }
        if (t.kind == Tok::RBrace) {
          if (!close_container(t.end))
            return false;
          continue;
        }
        return unexpected(t, "expected ',' or '}' in tuple");
      case FrameKind::List:
        if (t.kind == Tok::Comma) {
          paused_ = base_ + t.begin == pause_at_;
          return true;
        }
        if (t.kind == Tok::Bar) {
          fr.kind = FrameKind::ListTail;
          return true;
        }
        if (t.kind == Tok::RBrack) {
          if (!close_container(t.end))
            return false;
          continue;
        }
        return unexpected(t, "expected ',', '|' or ']' in list");
      case FrameKind::ListTail:
        if (t.kind == Tok::RBrack) {
          if (!close_container(t.end))
            return false;
          continue;
        }
        return unexpected(t, "expected ']' after the tail of a list");
      case FrameKind::MapKey:
        if (t.kind == Tok::Arrow) {
          fr.kind = FrameKind::MapValue;
          return true;
        }
        if (t.kind == Tok::Other && t.end - t.begin == 2 && base_[t.begin] == ':' &&
            base_[t.begin + 1] == '=') {
          defer(t.begin, "':=' is not allowed in a map term; use '=>'");
          fr.kind = FrameKind::MapValue;
          return true;
        }
        return unexpected(t, "expected '=>' in map");
      case FrameKind::MapValue:
        if (t.kind == Tok::Comma) {
          fr.kind = FrameKind::MapKey;
          return true;
        }
        if (t.kind == Tok::RBrace) {
          if (!close_container(t.end))
            return false;
          continue;
        }
        return unexpected(t, "expected ',' or '}' in map");
      case FrameKind::Binary: {
        // t is the token after the element's value.
        has_la_ = true;
        la_ = t;
        if (!parse_bin_element_tail())
          return false;
        Token n;
        next(n);
        if (n.kind == Tok::Comma) {
          bin_marks_[open_bins_ - 1] = doc_.arena.mark();
          return true;
        }
        if (n.kind == Tok::RBin) {
          if (!close_container(n.end))
            return false;
          continue;
        }
        return unexpected(n, "expected ',' or '>>' in binary");
      }
      case FrameKind::Outer:
        // Second thread, at the level of a container it did not see open: a
        // comma, a close of that container, or the term's dot. Anything else
        // (`|`, `=>`, ...) depends on what that container is: give up, and
        // let the first thread read on from the split by itself.
        if (t.kind == Tok::Comma)
          return true;
        if (t.kind == Tok::RBrace || t.kind == Tok::RBrack) {
          outer_closes_.push_back(
              Part::Close{static_cast<uint32_t>(vals_.size()), t.end, t.kind == Tok::RBrace});
          continue;
        }
        if (t.kind == Tok::Dot && !outer_closes_.empty() &&
            outer_closes_.back().vals == vals_.size()) {
          frames_.pop_back();
          return true;
        }
        return fail(t.begin, "cannot join the second part here");
      default:
        return fail(t.begin, "internal error: bad frame");
    }
  }
  return true;
}

Result<void> Parser::run() {
  const auto n = static_cast<size_t>(end_ - base_);
  doc_.arena.expect(n);
  doc_.atoms.expect(n);
  Result<void> r = run_document();
  if (!r.ok() && failed_) {
    prefer_scan_error();
    r = err_;
  }
  return r;
}

// file:consult scans a whole form (up to its dot) before erl_parse sees a token
// of it, so a scan error anywhere in the form (an unterminated string, a bad
// escape, `16#G`, `1.0e999`, an over-long atom) is the error OTP reports, even
// after a syntax error earlier in that form. After a parse error, lex on to the
// end of the form and let the first scan error there take its place.
void Parser::prefer_scan_error() {
  if (lex_failed_ || last_kind_ == Tok::Dot || last_kind_ == Tok::End)
    return;
  const Err parse_error = err_;
  failed_ = false;
  for (;;) {
    Token t;
    lex_tracked(t);
    if (failed_)
      return; // the scan error stands
    if (t.kind == Tok::Dot || t.kind == Tok::End)
      break;
  }
  err_ = parse_error;
  failed_ = true;
}

Result<void> Parser::run_document() {
  const std::string_view text = doc_.source.text();
  if (text.size() >= 3 && std::memcmp(text.data(), "\xEF\xBB\xBF", 3) == 0) {
    const EncodingInfo enc = find_encoding(text);
    if (enc.encoding == ast::Encoding::Utf8)
      return Err{ErrCode::Syntax,
                 "illegal character: a UTF-8 byte order mark is not allowed in a term file",
                 Span{0, 3}};
  }
  const EncodingInfo enc = find_encoding(text);
  doc_.encoding = enc.encoding;
  latin1_ = enc.encoding == ast::Encoding::Latin1;
  if (enc.found && enc.line_is_comment) {
    doc_.has_coding_line = true;
    doc_.coding_line = Span{enc.line_begin, enc.line_end};
  }
  if (!latin1_) {
    const size_t bad = find_invalid_utf8(text, nonchar_escape_);
    if (bad != std::string_view::npos) {
      const Span at{static_cast<uint32_t>(bad), static_cast<uint32_t>(bad + 1)};
      if (find_nonchar(text.data() + bad, text.data() + std::min(text.size(), bad + 3)) != nullptr)
        return Err{
            ErrCode::Syntax,
            text[bad + 2] == '\xBE' ? "illegal character U+FFFE" : "illegal character U+FFFF", at};
      return Err{ErrCode::Syntax,
                 "invalid UTF-8 (declare '%% coding: latin-1' on the first line for Latin-1 text)",
                 at};
    }
  }
  bin_budget_ = detail::binary_budget_bits(text.size());
  defer_big_ = true;
  start_part();
  while (read_term()) {
  }
  if (failed_)
    return err_;
  resolve_pending_bigs();
  return {};
}

bool Parser::defers(std::string_view digits, unsigned base) const {
  if (!defer_big_ || digits.size() <= opts_.defer_digits)
    return false;
  const size_t significant = detail::significant_digits(digits);
  // At least base^(significant - 1): over 2^64 from 65 binary digits, 21
  // decimal ones, 13 in base 36.
  return significant > 0 &&
         static_cast<double>(significant - 1) * std::log2(static_cast<double>(base)) > 64.5;
}

ast::TermRef Parser::big_integer(Span sp) {
  if (!big_pending_)
    return detail::make_integer(doc_, sp, big_value_);
  auto* placeholder = doc_.arena.make<ast::BigInt>();
  placeholder->negative = false;
  placeholder->size = 0;
  placeholder->limbs = nullptr;
  auto* node = doc_.arena.make<ast::IntegerTerm>(sp, 0, placeholder);
  pending_bigs_.push_back(PendingBig{node, big_digits_, big_base_, open_bins_});
  return node;
}

ast::BigValue Parser::value_of(const ast::IntegerTerm& i) {
  if (i.big != nullptr && i.big->size == 0) {
    // (A binary element's value: the last one read.)
    for (size_t k = pending_bigs_.size(); k-- > 0;) {
      if (pending_bigs_[k].node == &i) {
        ast::BigValue v = detail::integer_value(pending_bigs_[k].digits, pending_bigs_[k].base);
        v.negative = i.big->negative;
        return v;
      }
    }
  }
  return ast::to_big(i);
}

void Parser::resolve_pending_bigs() {
  // (Only literals over 2^64 are pending: none becomes small or zero.)
  for (const PendingBig& pb : pending_bigs_) {
    const ast::BigValue v = detail::integer_value(pb.digits, pb.base);
    auto* big = const_cast<ast::BigInt*>(pb.node->big);
    big->size = static_cast<uint32_t>(v.limbs.size());
    big->limbs = doc_.arena.copy_array(v.limbs.data(), v.limbs.size());
  }
  pending_bigs_.clear();
}

// Alternates "read a value" and "continue the open containers", the fused
// scanner taking what it can of each, until no frame is open (the term is
// whole, its dot not read yet). True then, and also when it stops at the split
// comma (paused_ set, a value wanted next); false on an error, or when the
// first thread has cancelled this one's part (cancel_).
bool Parser::read_to_close(bool& want_value) {
  for (;;) {
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed))
      return false;
    if (fast_ok()) {
      want_value = fast_scan(want_value);
      if (paused_)
        return true;
    }
    if (want_value && !parse_term())
      return false;
    if (!after_value())
      return false;
    want_value = true;
    if (paused_ || frames_.empty())
      return true;
  }
}

// Reads one term and its dot onto doc_.terms (and, when the second thread's
// part is joined, the whole terms it read too). False at the end of the input
// or, with failed_ set, at an error.
bool Parser::read_term() {
  if (split_ != nullptr && p_ > pause_at_) {
    // The comma was inside something (a string, a comment, ...) and is behind
    // us: the other part will not be joined; stop it and free what it holds.
    split_->part.cancel.store(true, std::memory_order_relaxed);
    split_.reset();
    pause_at_ = nullptr;
  }
  const Token& first = peek();
  if (failed_ || first.kind == Tok::End)
    return false;
  bool want_value = true;
  for (;;) {
    if (!read_to_close(want_value))
      return false;
    if (!paused_)
      break;
    paused_ = false;
    if (join_part())
      return true;
  }
  Token dot;
  next(dot);
  if (dot.kind != Tok::Dot) {
    if (!failed_) {
      // `X = ...`: the first line of an Erlang script (rebar.config.script,
      // *.app.src.script), which file:script evaluates and file:consult rejects.
      const bool match = dot.kind == Tok::Other && dot.end == dot.begin + 1 &&
                         base_[dot.begin] == '=' && base_[dot.end] != '=' &&
                         base_[dot.end] != ':' && base_[dot.end] != '/' && base_[dot.end] != '<';
      if (match)
        fail(dot.begin, "expected '.' after the term, saw '='; a file of expressions such as "
                        "`X = ...` is an Erlang script, not a term file");
      else
        unexpected(dot, "expected '.' after the term");
    }
    return false;
  }
  if (deferred_) {
    failed_ = true;
    err_ = deferred_err_;
    return false;
  }
  doc_.terms.push_back(vals_.back());
  vals_.clear();
  return true;
}

// ---------------------------------------------------------------------------
// Reading on two threads.
//
// A large input is split at a comma near its middle. A second thread reads
// from there, at the level of containers it has not seen open (FrameKind::Outer
// frames: a comma goes on, a `}` or `]` closes one), to the dot that ends the
// term, then whole terms, into a document of its own. This thread reads up to
// the comma, pauses there (fast_scan() or after_value() sees it as a comma of
// a tuple or list), joins the other, and checks that what the other read fits:
// its closes match the open tuples and lists, and nothing it read depends on
// what it could not know. Then the other's atoms are interned here in the
// order it met them (so the atom table and every id come out as one thread
// would make them), its values are moved onto the value stack with their
// atom ids rewritten, the open containers are closed, and reading goes on
// after the last term it read whole. If anything does not fit (the comma was
// in a string or a comment, or inside a map or a binary; the other met an
// error, a `|` at an outer level, ...), this thread reads on from the comma by
// itself and the other's work is dropped: the result is always the one-thread
// result, errors included.

const char* Parser::split_point() const {
  const auto n = static_cast<size_t>(end_ - base_);
  const size_t from = opts_.split_at != 0 ? opts_.split_at : n / 2;
  if (from >= n)
    return nullptr;
  if (opts_.split_at == 0) {
    // Prefer a comma that ends a line: ~tp and systools write one after each
    // element that does not fit on its line, never inside a literal.
    const char* q = base_ + from;
    const char* lim = base_ + std::min(n - 1, from + (size_t{1} << 16));
    while (q < lim) {
      const void* c = std::memchr(q, ',', static_cast<size_t>(lim - q));
      if (c == nullptr)
        break;
      q = static_cast<const char*>(c);
      if (q[1] == '\n')
        return q;
      ++q;
    }
  }
  return static_cast<const char*>(std::memchr(base_ + from, ',', n - from));
}

void Parser::start_part() {
  if (!opts_.threads || latin1_ || nonchar_escape_)
    return;
  const auto n = static_cast<size_t>(end_ - base_);
  if (n < opts_.split_min_bytes || (opts_.split_at == 0 && std::thread::hardware_concurrency() < 2))
    return;
  const char* at = split_point();
  if (at == nullptr)
    return;
  auto split = std::make_unique<Split>();
  split->part.start = off(at) + 1;
  Part* part = &split->part;
  const std::string_view text(base_, n);
  const ParseOptions* opts = &opts_;
  try {
    split->thread = std::thread([part, text, opts] {
      try {
        Parser(part->doc, text, *opts).run_part(*part);
      } catch (...) {
        part->joinable = false; // (out of memory) this thread reads on by itself
      }
      part->help();
    });
  } catch (const std::system_error&) {
    return; // no thread to be had: read on one
  }
  split_ = std::move(split);
  pause_at_ = at;
  if (opts_.stats != nullptr) {
    opts_.stats->split = true;
    opts_.stats->split_at = off(at);
  }
}

void Parser::run_part(Part& part) {
  const size_t rest = static_cast<size_t>(end_ - base_) - part.start;
  doc_.arena.expect(rest);
  doc_.atoms.expect(rest);
  p_ = base_ + part.start;
  last_end_ = part.start;
  any_token_ = true;
  last_kind_ = Tok::Comma;
  const uint64_t budget = detail::binary_budget_bits(static_cast<size_t>(end_ - base_));
  bin_budget_ = budget;
  cancel_ = &part.cancel;
  made_ = &part.made;
  frames_.push_back(Frame{FrameKind::Outer, false, part.start, 0, 0});
  bool want_value = true;
  if (!read_to_close(want_value) || failed_ || deferred_) // (the Outer frame goes at the dot)
    return;
  part.vals = std::move(vals_);
  part.closes = std::move(outer_closes_);
  part.joinable = true;
  do {
    part.resume = off(p_);
    part.resume_last_end = last_end_;
    part.terms = doc_.terms.size();
    part.comments = doc_.comments.size();
    part.bits_used = budget - bin_budget_;
  } while (read_term());
  doc_.atoms.release_index(); // (join_part() reads the texts only)
}

bool Parser::join_part() {
  pause_at_ = nullptr;
  const std::unique_ptr<Split> split = std::move(split_);
  Part& part = split->part;
  {
    std::unique_lock<std::mutex> lock(part.mutex);
    part.cv.wait(lock, [&part] { return part.read; });
  }
  // What the other read fits only if it closes exactly the tuples and lists
  // open here, and this term holds no error yet. (Tables that together hold
  // 2^20 atoms or more are not joined either: renamed ids might no longer fit
  // in a reference, which the renaming does not allow for.)
  if (!part.joinable || failed_ || deferred_ || has_la_ || part.closes.size() != frames_.size() ||
      part.bits_used > bin_budget_ ||
      doc_.atoms.size() + part.doc.atoms.size() >= ast::TermRef::kImmediateAtomIds)
    return false;
  for (size_t i = 0; i < part.closes.size(); ++i) {
    const FrameKind k = frames_.data()[frames_.size() - 1 - i].kind;
    if (k != (part.closes[i].brace ? FrameKind::Tuple : FrameKind::List))
      return false;
  }
  // The other's atoms, interned here in the order it met them.
  std::vector<ast::Atom> map(part.doc.atoms.size());
  for (uint32_t id = 0; id < map.size(); ++id) {
    const ast::Atom a{id};
    map[id] = doc_.atoms.intern(part.doc.atoms.text(a), part.doc.atoms.chars(a));
  }
  // Its nodes renamed, half here and half there, then its loose references.
  const size_t half = part.made.size() / 2;
  {
    const std::lock_guard<std::mutex> lock(part.mutex);
    part.map = &map;
    part.share_from = half;
    part.go = true;
  }
  part.cv.notify_all();
  rename_atoms(part.made.data(), half, map);
  const auto rename = [&map](ast::TermRef r) { return renamed(r, map); };
  size_t from = 0;
  for (const Part::Close& c : part.closes) {
    for (; from < c.vals; ++from)
      vals_.push_back(rename(part.vals[from]));
    close_container(c.end);
  }
  doc_.terms.push_back(vals_.back());
  vals_.clear();
  for (size_t i = 0; i < part.terms; ++i)
    doc_.terms.push_back(rename(part.doc.terms[i]));
  {
    std::unique_lock<std::mutex> lock(part.mutex);
    part.cv.wait(lock, [&part] { return part.renamed; });
  }
  doc_.comments.insert(doc_.comments.end(), part.doc.comments.begin(),
                       part.doc.comments.begin() + static_cast<ptrdiff_t>(part.comments));
  doc_.arena.adopt(std::move(part.doc.arena));
  bin_budget_ -= part.bits_used;
  p_ = base_ + part.resume;
  last_end_ = part.resume_last_end;
  any_token_ = true;
  last_kind_ = Tok::Dot;
  if (opts_.stats != nullptr)
    opts_.stats->joined = true;
  return true;
}

void Part::help() {
  std::unique_lock<std::mutex> lock(mutex);
  read = true;
  cv.notify_all();
  cv.wait(lock, [this] { return go || cancel.load(std::memory_order_relaxed); });
  if (!go)
    return;
  lock.unlock();
  rename_atoms(made.data() + share_from, made.size() - share_from, *map);
  lock.lock();
  renamed = true;
  cv.notify_all();
}

// Renames, by `map`, the atoms held by the `n` nodes at `made` (the second
// thread's containers, funs and atom nodes: Part::made), in place. A node's
// children that are containers, funs or atom nodes are in the list themselves,
// so only the atoms held in references are renamed here; the join has checked
// that every new id fits in one. An atom node stays a node: it is one because
// its span does not fit in a reference, and spans do not change.
void rename_atoms(const Term* const* made, size_t n, const std::vector<ast::Atom>& map) {
  const auto rename = [&map](const ast::TermRef* refs, size_t k) {
    auto* e = const_cast<ast::TermRef*>(refs);
    for (size_t i = 0; i < k; ++i)
      e[i] = renamed(e[i], map);
  };
  for (size_t i = 0; i < n; ++i) {
    Term* t = const_cast<Term*>(made[i]);
    switch (t->kind) {
      case ast::TermKind::Tuple: {
        const auto* tu = t->cast<ast::TupleTerm>();
        rename(tu->elems(), tu->size);
        break;
      }
      case ast::TermKind::List: {
        auto* l = t->cast<ast::ListTerm>();
        rename(l->elems(), l->size);
        rename(&l->tail, l->tail ? 1 : 0);
        break;
      }
      case ast::TermKind::Map: {
        const auto* m = t->cast<ast::MapTerm>();
        rename(m->kv(), size_t{2} * m->size);
        break;
      }
      case ast::TermKind::Fun: {
        auto* f = t->cast<ast::FunTerm>();
        f->module = map[f->module.id];
        f->function = map[f->function.id];
        break;
      }
      case ast::TermKind::Atom: {
        auto* a = t->cast<ast::AtomTerm>();
        a->atom = map[a->atom.id];
        break;
      }
      default:
        break;
    }
  }
}

} // namespace

ast::Encoding detect_encoding(std::string_view text) { return find_encoding(text).encoding; }

std::string format_parse_error(const SourceBuffer& source, const Err& err) {
  return format_error(source, err, detect_encoding(source.text()) == ast::Encoding::Latin1);
}

Result<std::unique_ptr<ast::Document>> parse_document(SourceBuffer source,
                                                      const ParseOptions& options) {
  auto doc = std::make_unique<ast::Document>();
  doc->source = std::move(source);
  auto r = parse_into(*doc, options);
  if (!r.ok())
    return r.error();
  return doc;
}

Result<void> parse_into(ast::Document& doc, const ParseOptions& options) {
  Parser parser(doc, options);
  auto r = parser.run();
  doc.strings_own_text = r.ok() && options.own_strings;
  return r;
}

} // namespace relupkit::parse
