// SPDX-License-Identifier: Apache-2.0
// The canonical printer: a port of OTP 25's io_lib_pretty (print_length, pp,
// cind) for `io_lib:format("~tp", [T])` and `~p`, without recursion.
//
// Pass 1 (measure, `print_length`) flattens the term into `nodes_` in
// pre-order: one Node (one or two 32-bit words, see Node) per element of
// OTP's intermediate format, with its flat length in characters and, for a
// container (always two words), the word one past its subtree (`end_of`), so
// the children of node i are i+2, end_of(i+2), ... up to end_of(i). Leaves keep
// an atom id or a small integer, or an index into `refs_` (a pointer to their
// term, or where their text is in `pool_`), and are rendered again when
// written; nothing allocates per node.
//
// Pass 2 (`cind` twice at most, then `pp`) walks the nodes with an explicit
// stack of frames, one per open list/tuple/map/pair, mirroring the recursion
// of pp_list/pp_tail/pp_element/pp_tag_tuple/pp_map/pp_pairs_tail/pp_pair. The
// dry run (cind) and the real run share one template so that they cannot drift
// apart; the few places where OTP's cind differs from pp (map widths, the
// column of an improper tail, the "no_good" checks) are marked.
#include "relupkit/print/printer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/big_vector.h"
#include "base/huge_pages.h"
#include "base/utf8.h"
#include "print/float_format.h"
#include "print/grapheme.h"
#include "relupkit/ast/bigint.h"
#include "relupkit/ast/compare.h"
#include "relupkit/parse/parser.h"

namespace relupkit::print {

namespace {

using namespace ast;

// ---------------------------------------------------------------------------
// Characters

using relupkit::detail::decode_utf8;
inline void put_utf8(std::string& out, uint32_t c) { relupkit::detail::append_utf8(out, c); }

/// io_lib:printable_latin1_list/1 for one character.
inline bool printable_latin1(int64_t c) {
  return (c >= 32 && c <= 126) || (c >= 160 && c <= 255) || (c >= 8 && c <= 13) || c == 27;
}

/// io_lib:printable_unicode_list/1 for one character.
inline bool printable_unicode(int64_t c) {
  return (c >= 32 && c <= 126) || (c >= 0xA0 && c < 0xD800) || (c > 0xDFFF && c < 0xFFFE) ||
         (c > 0xFFFF && c <= 0x10FFFF) || (c >= 8 && c <= 13) || c == 27;
}

/// Characters written for `c` inside a printable string by io_lib's
/// string_char/4 (only characters that are printable reach it), or 0 when it is
/// written as itself.
inline char string_escape(uint32_t c, uint32_t quote) {
  if (c == quote)
    return static_cast<char>(quote);
  switch (c) {
    case '\\':
      return '\\';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    case '\v':
      return 'v';
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case 27:
      return 'e';
    default:
      return 0;
  }
}

/// Decimal digits of a non-negative value.
inline int digit_count(uint64_t v) {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

inline int int_length(int64_t v) {
  return v < 0 ? 1 + digit_count(0 - static_cast<uint64_t>(v)) : digit_count(uint64_t(v));
}

inline void put_int(std::string& out, int64_t v) {
  char buf[24];
  char* e = buf + sizeof buf;
  char* q = e;
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--q = static_cast<char>('0' + mag % 10);
    mag /= 10;
  } while (mag != 0);
  if (v < 0)
    *--q = '-';
  out.append(q, static_cast<size_t>(e - q));
}

bool is_reserved_word(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "after", "and",  "andalso", "band",   "begin",   "bnot", "bor", "bsl",  "bsr",
      "bxor",  "case", "catch",   "cond",   "div",     "end",  "fun", "if",   "let",
      "not",   "of",   "or",      "orelse", "receive", "rem",  "try", "when", "xor"};
  if (s.size() < 2 || s.size() > 7)
    return false;
  for (std::string_view w : kWords)
    if (w == s)
      return true;
  return false;
}

/// io_lib:name_char/1 for a code point.
inline bool name_char(uint32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7) ||
         (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
         (c >= '0' && c <= '9') || c == '_' || c == '@';
}

// ---------------------------------------------------------------------------
// List cells

/// One cons cell of a list written as ListTerm/StringTerm nodes.
struct Cell {
  enum Kind : uint8_t { Elem, Char, End, Tail } kind;
  uint32_t ch = 0; ///< Char: a character of a string literal
  TermRef t;       ///< Elem: the element; Tail: the improper tail
};

/// Walks the cells of a list following its tails: `[a|[b|"cd"]]` gives a, b,
/// $c, $d, End; `[a|b]` gives a, Tail(b), End.
class Cells {
public:
  explicit Cells(TermRef list) : cur_(list) {}
  Cell next() {
    for (;;) {
      if (!cur_)
        return Cell{Cell::End, 0, {}};
      if (cur_.kind() == TermKind::String) {
        const auto* s = cur_.cast<StringTerm>();
        if (pos_ < s->bytes) {
          const uint32_t c = decode_utf8(reinterpret_cast<const unsigned char*>(s->utf8), pos_);
          return Cell{Cell::Char, c, {}};
        }
        cur_ = TermRef();
        continue;
      }
      const auto* l = cur_.cast<ListTerm>();
      if (pos_ < l->size)
        return Cell{Cell::Elem, 0, l->elems()[pos_++]};
      TermRef tail = l->tail;
      pos_ = 0;
      if (!tail) {
        cur_ = TermRef();
        continue;
      }
      if (tail.kind() == TermKind::List || tail.kind() == TermKind::String) {
        cur_ = tail;
        continue;
      }
      cur_ = TermRef();
      return Cell{Cell::Tail, 0, tail};
    }
  }

private:
  TermRef cur_;
  size_t pos_ = 0;
};

/// True for a list term that is `[]` (`[]` or `""`, or an empty list whose
/// tail is one of those).
inline bool is_nil(TermRef t) {
  for (;;) {
    if (t.kind() == TermKind::String)
      return t.cast<StringTerm>()->bytes == 0;
    const auto* l = t.cast<ListTerm>();
    if (l->size != 0)
      return false;
    if (!l->tail)
      return true;
    if (l->tail.kind() != TermKind::List && l->tail.kind() != TermKind::String)
      return false;
    t = l->tail;
  }
}

// ---------------------------------------------------------------------------
// Intermediate format

enum class NodeKind : uint8_t { Leaf, List, Tuple, TagTuple, Map, Pair, Bin };

enum class LeafKind : uint8_t {
  Atom,       ///< payload: the atom id
  Int,        ///< payload: the value (an int32; larger integers are Text)
  Text,       ///< pool_ from the offset in refs_[payload], len bytes: bignums, floats (ASCII)
  Fun,        ///< refs_[payload]: a FunTerm
  Nil,        ///< []
  EmptyTuple, ///< {}
  EmptyMap,   ///< #{}
  EmptyBin,   ///< <<>>
  String,     ///< refs_[payload]: a printable list, written "..."
  BinString,  ///< refs_[payload]: a printable BinaryTerm, written <<"...">>
  BinUtf8,    ///< refs_[payload]: a printable UTF-8 BinaryTerm, written <<"..."/utf8>>
  ShortAtom,  ///< one word: an atom id under 2^24 in place of the length
  ShortInt,   ///< one word: a value in [-2^23, 2^23) in place of the length
};

/// One element of io_lib_pretty's intermediate format, as read from
/// Printer::nodes_: a large document has one per element, and they are most of
/// the printer's memory. A node is one or two 32-bit words of nodes_:
///
///   head     kind (3 bits), leaf kind (4 bits), improper (1 bit), then the flat
///            length in characters (io_lib:chars_length) in 24 bits;
///            kLenSaturated there means the length is in Printer::big_lens_;
///   payload  a container (not Leaf or Bin): one past the last word of its
///            subtree; Atom: the atom id; Int: the value; other leaves and Bin:
///            an index into Printer::refs_.
///
/// The leaves that need no payload are one word (`one_word`): [], {}, #{},
/// <<>> (the length in the head), and the most common leaves of all, atoms and
/// small integers, whose id or value takes the length's place (ShortAtom,
/// ShortInt; the length is the atom's, or the integer's digits).
struct Node {
  uint32_t head;
  uint32_t payload; ///< 0 for a one-word node

  static constexpr uint32_t kLenSaturated = (uint32_t{1} << 24) - 1;

  static NodeKind kind_of(uint32_t head) { return static_cast<NodeKind>(head & 7); }
  static LeafKind leaf_of(uint32_t head) { return static_cast<LeafKind>((head >> 3) & 15); }
  static bool one_word(uint32_t head) {
    if (kind_of(head) != NodeKind::Leaf)
      return false;
    switch (leaf_of(head)) {
      case LeafKind::ShortAtom:
      case LeafKind::ShortInt:
      case LeafKind::Nil:
      case LeafKind::EmptyTuple:
      case LeafKind::EmptyMap:
      case LeafKind::EmptyBin:
        return true;
      default:
        return false;
    }
  }
  NodeKind kind() const { return kind_of(head); }
  LeafKind leaf() const { return leaf_of(head); }
  static constexpr uint32_t kImproper = 0x80;
  bool improper() const { return (head & kImproper) != 0; }
  uint32_t short_len() const { return head >> 8; }
  /// ShortAtom: the atom id.
  uint32_t short_atom() const { return head >> 8; }
  /// ShortInt: the value.
  int32_t short_int() const {
    const auto v = static_cast<int32_t>(head >> 8);
    return v >= (1 << 23) ? v - (1 << 24) : v;
  }
};

/// An open list/tuple/map/pair of the measuring pass, with where its
/// iteration stands and the lengths of the children measured so far.
struct MFrame {
  enum Kind : uint8_t { Tuple, List, Map, Pair } kind;
  uint32_t node;  ///< its Node
  uint32_t pos;   ///< Tuple: next element; Map: next entry; Pair: 0 key, 1 value, 2 done
  uint32_t stop;  ///< Tuple: size; Map: end of its entries in entries_
  TermRef t;      ///< Tuple: the TupleTerm; Pair: the key
  TermRef v;      ///< Pair: the value
  Cells cells;    ///< List
  uint64_t sum;   ///< lengths of the children so far
  uint64_t count; ///< number of children so far
};

struct AtomText {
  const char* direct = nullptr; ///< the atom's own text when written unquoted
  uint64_t off = 0;             ///< else the written text is in pool_ at off
  uint32_t size = 0;            ///< bytes of UTF-8
  uint32_t len = 0;             ///< characters (io_lib:chars_length)
  bool done = false;
};

/// A frame of the layout machine.
struct Frame {
  enum Mode : uint8_t { Seq, Pairs, PairKey, PairVal } mode;
  uint8_t first;   ///< the first element is still to come (pp_list, not pp_tail)
  uint32_t parent; ///< the list/tuple/map (Seq, Pairs) or pair (PairKey, PairVal)
  uint32_t next;   ///< next child
  int64_t col0;    ///< column of the elements
  int64_t col;     ///< current column
  int64_t ld;      ///< last depth
  int64_t w;       ///< width since the last line break (PairKey: value indent)
};

struct FlatFrame {
  uint32_t parent;
  uint32_t next;
};

/// Passes printed output on to an OutputSink a piece at a time: at a line end,
/// once `chunk` bytes have gathered in the buffer. The printer never reads
/// back what it wrote past the current term's measuring pass, so a piece may
/// go as soon as a line is done.
struct Flusher {
  OutputSink* sink;
  size_t chunk;
  size_t passed = 0;           ///< bytes taken out of the buffer (dropped ones too)
  bool check_encoding = false; ///< the first piece decides on a `%% coding: utf-8` line
  bool stopped = false;        ///< the sink said stop: what follows is dropped

  void flush(std::string& out) {
    if (out.empty())
      return;
    // detect_encoding() reads at most the first 512 bytes and two lines, and
    // the output's size only to know whether it is over 480 bytes: a first
    // piece of `chunk` (> 512) bytes, or the whole output, decides as the
    // whole output would.
    // (The added line is not output for the limit, as in print_document.)
    size_t added = 0;
    if (check_encoding) {
      check_encoding = false;
      if (parse::detect_encoding(out) == ast::Encoding::Latin1) {
        static constexpr std::string_view kUtf8Line = "%% coding: utf-8\n";
        out.insert(0, kUtf8Line);
        added = kUtf8Line.size();
      }
    }
    put(out);
    passed += out.size() - added;
    out.clear();
  }
  /// flush() once the buffer holds a piece.
  void flush_if_full(std::string& out) {
    if (out.size() >= chunk)
      flush(out);
  }
  void put(std::string_view bytes) {
    if (!stopped && !sink->write(bytes))
      stopped = true;
  }
};

/// Bytes of output so far: those in `out` and those already passed on.
inline size_t produced(const std::string& out, const Flusher* flusher) {
  return out.size() + (flusher != nullptr ? flusher->passed : 0);
}

class Printer {
public:
  Printer(const Document& doc, const PrintOptions& options, std::string& out)
      : doc_(doc), out_(out), cmp_(doc.atoms), ll_(options.line_length) {
    latin1_ = !options.unicode;
    wide_ = options.unicode && options.printable_unicode;
    atoms_.resize(doc.atoms.size());
  }

  void print(TermRef t, int64_t col);

  /// Reserves room for printing a document of `source_bytes` bytes, so that
  /// the buffers grow once instead of by doubling.
  void reserve(size_t source_bytes) {
    const size_t room =
        flusher_ != nullptr ? std::min(source_bytes, flusher_->chunk) : source_bytes;
    out_.reserve(out_.size() + room + room / 8 + 64);
    nodes_.reserve(source_bytes / 6 + 16);
    relupkit::detail::advise_huge_pages(out_.data() + out_.size(), out_.capacity() - out_.size());
  }

private:
  // Measure
  void measure(TermRef root);
  void visit(TermRef t);
  void add_leaf(LeafKind k, uint64_t len) { add_sized(NodeKind::Leaf, k, len); }
  /// The node at word `idx` of nodes_.
  Node node(uint32_t idx) const {
    const uint32_t head = nodes_[idx];
    return Node{head, Node::one_word(head) ? 0 : nodes_[idx + 1]};
  }
  NodeKind kind_at(uint32_t idx) const { return Node::kind_of(nodes_[idx]); }
  /// The first child of the container at `idx`.
  static uint32_t first_child(uint32_t idx) { return idx + 2; }
  /// The flat length of node `idx`.
  uint64_t len_of(uint32_t idx) const {
    const Node n{nodes_[idx], 0};
    if (n.kind() == NodeKind::Leaf) {
      if (n.leaf() == LeafKind::ShortAtom)
        return atoms_[n.short_atom()].len;
      if (n.leaf() == LeafKind::ShortInt)
        return static_cast<uint64_t>(int_length(n.short_int()));
    }
    const uint32_t len = n.short_len();
    return len != Node::kLenSaturated ? len : big_len(idx);
  }
  uint64_t big_len(uint32_t idx) const {
    const auto it = std::lower_bound(
        big_lens_.begin(), big_lens_.end(), idx,
        [](const std::pair<uint32_t, uint64_t>& e, uint32_t i) { return e.first < i; });
    return it->second;
  }
  const Term* term_of(const Node& n) const {
    return reinterpret_cast<const Term*>(refs_[n.payload]);
  }
  /// A node with no children in nodes_ (a leaf or a Bin) of flat length `len`.
  void add_sized(NodeKind kind, LeafKind k, uint64_t len, uint32_t payload = 0) {
    const auto idx = static_cast<uint32_t>(nodes_.size());
    const uint32_t head = static_cast<uint32_t>(kind) | static_cast<uint32_t>(k) << 3;
    nodes_.push_back(head);
    if (!Node::one_word(head))
      nodes_.push_back(payload);
    set_len(idx, len);
    counted(len);
  }
  /// A one-word leaf whose 24-bit value stands in the length's place.
  void add_short(LeafKind k, uint32_t value24, uint64_t len) {
    nodes_.push_back(static_cast<uint32_t>(NodeKind::Leaf) | static_cast<uint32_t>(k) << 3 |
                     value24 << 8);
    counted(len);
  }
  /// Adds a child of flat length `len` to the open container.
  void counted(uint64_t len) {
    if (!mframes_.empty()) {
      mframes_.back().sum += len;
      mframes_.back().count += 1;
    }
  }
  /// A leaf or Bin that refers to a term.
  void add_term_leaf(NodeKind kind, LeafKind k, uint64_t len, const void* term) {
    add_sized(kind, k, len, add_ref(reinterpret_cast<uintptr_t>(term)));
  }
  /// An integer leaf: the value in the node when it fits, else its text in pool_.
  void add_int(int64_t v) {
    const auto len = static_cast<uint64_t>(int_length(v));
    if (v >= -(int64_t{1} << 23) && v < (int64_t{1} << 23)) {
      add_short(LeafKind::ShortInt, static_cast<uint32_t>(v) & 0xFFFFFF, len);
      return;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      add_sized(NodeKind::Leaf, LeafKind::Int, len, static_cast<uint32_t>(static_cast<int32_t>(v)));
      return;
    }
    const size_t off = pool_.size();
    put_int(pool_, v);
    add_text(off);
  }
  /// A Text leaf: pool_ from `off` to its end.
  void add_text(size_t off) {
    add_sized(NodeKind::Leaf, LeafKind::Text, pool_.size() - off, add_ref(off));
  }
  uint32_t add_ref(uint64_t v) {
    refs_.push_back(v);
    return static_cast<uint32_t>(refs_.size() - 1);
  }
  void set_len(uint32_t idx, uint64_t len) {
    const uint32_t short_len =
        len < Node::kLenSaturated ? static_cast<uint32_t>(len) : Node::kLenSaturated;
    nodes_[idx] = (nodes_[idx] & 0xFF) | short_len << 8;
    if (short_len == Node::kLenSaturated)
      big_lens_.emplace_back(idx, len);
  }
  uint32_t open_node(NodeKind k, MFrame::Kind fk, TermRef t) {
    const auto idx = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back(static_cast<uint32_t>(k));
    nodes_.push_back(0); // one past its subtree, when it closes
    mframes_.push_back(MFrame{fk, idx, 0, 0, t, nullptr, Cells(nullptr), 0, 0});
    return idx;
  }
  void visit_list(TermRef t);
  void visit_binary(const BinaryTerm* b);
  const AtomText& atom_text(Atom a);
  uint64_t string_length(TermRef list);
  bool printable(int64_t c) const {
    return latin1_ || !wide_ ? printable_latin1(c) : printable_unicode(c);
  }

  // Write
  void write_leaf(uint32_t idx);
  void write_flat(uint32_t idx);
  void write_bin_bytes(const BinaryTerm* b);
  void write_string_body(TermRef list);
  void write_fun(const FunTerm* f);
  void put_char(uint32_t c, uint32_t quote);
  void newline(int64_t col) {
    // Only indentation grows faster than the input; past the limit nothing more
    // is indented and the caller reports the overflow.
    if (limit_ != 0 && produced() + static_cast<size_t>(col) > limit_) {
      overflow_ = true;
      return;
    }
    out_.push_back('\n');
    if (col > 1)
      out_.append(static_cast<size_t>(col - 1), ' ');
    if (flusher_ != nullptr)
      flusher_->flush_if_full(out_);
  }
  size_t produced() const { return print::produced(out_, flusher_); }

public:
  /// Stops indenting once the output passes `bytes` (0: never); see overflowed().
  void set_limit(size_t bytes) { limit_ = bytes; }
  bool overflowed() const { return overflow_ || (limit_ != 0 && produced() > limit_); }
  /// Passes the output on a piece at a time instead of holding all of it.
  void set_flusher(Flusher* f) { flusher_ = f; }

private:
  // Layout
  template <bool Dry> bool layout(uint32_t root, int64_t col, int64_t tind);
  template <bool Dry> bool enter(uint32_t idx, int64_t col, int64_t ld, int64_t w, int64_t tind);
  template <bool Dry>
  bool enter_pair(uint32_t idx, int64_t col, int64_t ld, int64_t w, int64_t tind);
  void pp_binary(uint32_t idx, int64_t col, int64_t ld, int64_t w);
  bool fits(uint32_t idx, int64_t col, int64_t ld, int64_t w) const {
    const auto len = static_cast<int64_t>(len_of(idx));
    return len < ll_ - col - ld && len + w + ld <= m_;
  }
  bool atomic(uint32_t idx) const { return kind_at(idx) == NodeKind::Leaf; }
  bool atomic_pair(uint32_t idx) const {
    return atomic(first_child(idx)) && atomic(end_of(first_child(idx)));
  }
  /// One past the last node of the subtree at `idx`.
  uint32_t end_of(uint32_t idx) const {
    const uint32_t head = nodes_[idx];
    if (Node::kind_of(head) == NodeKind::Leaf || Node::kind_of(head) == NodeKind::Bin)
      return idx + (Node::one_word(head) ? 1 : 2);
    return nodes_[idx + 1];
  }
  int64_t pair_width(uint32_t idx, int64_t col, int64_t ld, int64_t w) const {
    if (fits(idx, col, ld, w) && atomic_pair(idx))
      return static_cast<int64_t>(len_of(idx));
    return ll_;
  }

  const Document& doc_;
  std::string& out_;
  TermComparator cmp_;
  int64_t ll_;
  int64_t m_ = 0; ///< line_max_chars: the whole term's length
  bool latin1_;   ///< `~p`
  bool wide_;     ///< `~tp` with +pc unicode

  relupkit::detail::BigVector<uint32_t> nodes_; ///< the Nodes, one or two words each, in pre-order
  relupkit::detail::BigVector<uint64_t> refs_;  ///< term pointers and pool_ offsets of nodes
  std::vector<std::pair<uint32_t, uint64_t>> big_lens_; ///< node, length: those over 24 bits
  size_t limit_ = 0;
  bool overflow_ = false;
  Flusher* flusher_ = nullptr;
  relupkit::detail::BigVector<MFrame> mframes_;
  std::vector<MapEntry> entries_; ///< pairs of the open maps, a stack
  std::string pool_;
  relupkit::detail::BigVector<AtomText> atoms_;
  std::vector<uint32_t> cps_; ///< code points of a text being measured
  relupkit::detail::BigVector<Frame> frames_;
  relupkit::detail::BigVector<FlatFrame> flat_;
};

// ---------------------------------------------------------------------------
// Atoms

// io_lib:write_atom/1 (`~tp`) or write_atom_as_latin1/1 (`~p`), with its length.
const AtomText& Printer::atom_text(Atom a) {
  if (a.id >= atoms_.size())
    atoms_.resize(doc_.atoms.size() > a.id ? doc_.atoms.size() : a.id + 1);
  AtomText& at = atoms_[a.id];
  if (at.done)
    return at;
  const std::string_view text = doc_.atoms.text(a);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  // Fast path: a plain ASCII name.
  if (!text.empty() && s[0] >= 'a' && s[0] <= 'z') {
    bool plain = true;
    for (unsigned char c : text) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '_' || c == '@')) {
        plain = false;
        break;
      }
    }
    if (plain && !is_reserved_word(text)) {
      at.direct = text.data();
      at.size = static_cast<uint32_t>(text.size());
      at.len = at.size;
      at.done = true;
      return at;
    }
  }
  cps_.clear();
  for (size_t i = 0; i < text.size();)
    cps_.push_back(decode_utf8(s, i));
  bool quote = is_reserved_word(text);
  if (!quote) {
    if (cps_.empty()) {
      quote = true;
    } else {
      const uint32_t c0 = cps_[0];
      if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 0xDF && c0 <= 0xFF && c0 != 0xF7)))
        quote = true;
      for (size_t i = 1; i < cps_.size() && !quote; ++i)
        if (!name_char(cps_[i]))
          quote = true;
    }
  }
  const size_t start = pool_.size();
  if (!quote) {
    at.direct = text.data();
    at.size = static_cast<uint32_t>(text.size());
    at.len = static_cast<uint32_t>(cps_.size()); // all Latin-1
    at.done = true;
    return at;
  }
  {
    // Escape into pool_, collecting the written characters to measure them.
    std::vector<uint32_t> written;
    written.reserve(cps_.size() + 2);
    auto emit = [&](uint32_t c) {
      written.push_back(c);
      put_utf8(pool_, c);
    };
    emit('\'');
    for (uint32_t c : cps_) {
      const char e = c >= 32 && c != 127 && c != '\'' && c != '\\' ? 0 : string_escape(c, '\'');
      if (e != 0) {
        emit('\\');
        emit(static_cast<unsigned char>(e));
      } else if (c >= 32 && c <= 126) {
        emit(c);
      } else if (c >= 160 && (!latin1_ || c <= 255)) {
        emit(c);
      } else if (c >= 160) { // `~p`: \x{3B1}
        char buf[16];
        const int n = std::snprintf(buf, sizeof buf, "\\x{%X}", c);
        for (int k = 0; k < n; ++k)
          emit(static_cast<unsigned char>(buf[k]));
      } else if (c == 127) {
        emit('\\');
        emit('d');
      } else { // other controls below 160: three octal digits
        emit('\\');
        emit('0' + (c >> 6));
        emit('0' + ((c >> 3) & 7));
        emit('0' + (c & 7));
      }
    }
    emit('\'');
    at.len = static_cast<uint32_t>(detail::chars_length(written.data(), written.size()));
  }
  at.off = start;
  at.size = static_cast<uint32_t>(pool_.size() - start);
  at.done = true;
  return at;
}

// ---------------------------------------------------------------------------
// Measure (print_length)

void Printer::measure(TermRef root) {
  nodes_.clear();
  refs_.clear();
  big_lens_.clear();
  mframes_.clear();
  entries_.clear();
  visit(root);
  while (!mframes_.empty()) {
    MFrame& f = mframes_.back();
    TermRef next;
    switch (f.kind) {
      case MFrame::Tuple:
        if (f.pos < f.stop)
          next = f.t.cast<TupleTerm>()->elems()[f.pos++];
        break;
      case MFrame::List: {
        const Cell c = f.cells.next();
        if (c.kind == Cell::Char) {
          add_int(c.ch);
          continue;
        }
        if (c.kind == Cell::Tail)
          nodes_[f.node] |= Node::kImproper;
        next = c.t; // null at the end
        break;
      }
      case MFrame::Map:
        if (f.pos < f.stop) {
          const MapEntry e = entries_[f.pos++];
          open_node(NodeKind::Pair, MFrame::Pair, e.first);
          mframes_.back().v = e.second;
          continue;
        }
        break;
      case MFrame::Pair:
        if (f.pos < 2)
          next = f.pos++ == 0 ? f.t : f.v;
        break;
    }
    if (next) {
      visit(next); // may push a frame: `f` is not used after this
      continue;
    }
    // All children measured: io_lib_pretty's list_length/3.
    const MFrame done = f;
    mframes_.pop_back();
    nodes_[done.node + 1] = static_cast<uint32_t>(nodes_.size());
    uint64_t len = 0;
    switch (kind_at(done.node)) {
      case NodeKind::Map:
        len = 3 + done.sum + (done.count - 1);
        entries_.resize(done.stop - done.count); // this map's pairs are on top
        break;
      case NodeKind::Pair:
        len = done.sum + 4;
        break;
      default: // lists and tuples
        len = 2 + done.sum + (done.count - 1);
        break;
    }
    set_len(done.node, len);
    counted(len);
  }
  // Containers close after their children: big_len() wants node order.
  std::sort(big_lens_.begin(), big_lens_.end());
}

void Printer::visit(TermRef t) {
  switch (t.kind()) {
    case TermKind::Atom: {
      const Atom a = t.atom();
      const uint32_t len =
          a.id < atoms_.size() && atoms_[a.id].done ? atoms_[a.id].len : atom_text(a).len;
      if (a.id < Node::kLenSaturated)
        add_short(LeafKind::ShortAtom, a.id, len);
      else
        add_sized(NodeKind::Leaf, LeafKind::Atom, len, a.id);
      return;
    }
    case TermKind::Integer: {
      const auto* i = t.cast<IntegerTerm>();
      if (i->big == nullptr) {
        add_int(i->value);
        return;
      }
      const size_t off = pool_.size();
      append_integer(pool_, *i);
      add_text(off);
      return;
    }
    case TermKind::Float: {
      char buf[detail::kMaxFloatChars];
      const size_t n = detail::format_float_short(t.cast<FloatTerm>()->value, buf);
      const size_t off = pool_.size();
      pool_.append(buf, n);
      add_text(off);
      return;
    }
    case TermKind::Fun: {
      // iolist_size of erlang:fun_to_list/1: bytes of the UTF-8 atom texts.
      const size_t start = out_.size();
      write_fun(t.cast<FunTerm>());
      // write_fun wrote each erts byte as a character; count those characters.
      size_t chars = 0;
      for (size_t i = start; i < out_.size(); ++i)
        chars += (static_cast<unsigned char>(out_[i]) & 0xC0) != 0x80;
      out_.resize(start);
      add_term_leaf(NodeKind::Leaf, LeafKind::Fun, chars, t.node());
      return;
    }
    case TermKind::String:
    case TermKind::List:
      visit_list(t);
      return;
    case TermKind::Tuple: {
      const auto* tu = t.cast<TupleTerm>();
      if (tu->size == 0) {
        add_leaf(LeafKind::EmptyTuple, 2);
        return;
      }
      const bool tagged = tu->size > 1 && tu->elems()[0].kind() == TermKind::Atom;
      open_node(tagged ? NodeKind::TagTuple : NodeKind::Tuple, MFrame::Tuple, t);
      mframes_.back().stop = tu->size;
      return;
    }
    case TermKind::Map: {
      const auto* m = t.cast<MapTerm>();
      if (m->size == 0) {
        add_leaf(LeafKind::EmptyMap, 3);
        return;
      }
      const std::vector<MapEntry> entries = cmp_.iteration_order(*m);
      const auto start = static_cast<uint32_t>(entries_.size());
      entries_.insert(entries_.end(), entries.begin(), entries.end());
      open_node(NodeKind::Map, MFrame::Map, t);
      mframes_.back().pos = start;
      mframes_.back().stop = static_cast<uint32_t>(entries_.size());
      return;
    }
    case TermKind::Binary:
      visit_binary(t.cast<BinaryTerm>());
      return;
  }
}

void Printer::visit_list(TermRef t) {
  if (is_nil(t)) {
    add_leaf(LeafKind::Nil, 2);
    return;
  }
  // printable_list/1: a proper list of printable character codes.
  bool is_string = true;
  {
    Cells cells(t);
    for (;;) {
      const Cell c = cells.next();
      if (c.kind == Cell::End)
        break;
      if (c.kind == Cell::Char) {
        if (!printable(c.ch)) {
          is_string = false;
          break;
        }
        continue;
      }
      if (c.kind == Cell::Tail || c.t.kind() != TermKind::Integer) {
        is_string = false;
        break;
      }
      const auto* i = c.t.cast<IntegerTerm>();
      if (i->big != nullptr || !printable(i->value)) {
        is_string = false;
        break;
      }
    }
  }
  if (is_string) {
    add_term_leaf(NodeKind::Leaf, LeafKind::String, string_length(t), t.node());
    return;
  }
  open_node(NodeKind::List, MFrame::List, t);
  mframes_.back().cells = Cells(t);
}

// Length of write_string(List) for a printable list: quotes, escapes, and
// io_lib:chars_length's grapheme count when a character is above 255.
uint64_t Printer::string_length(TermRef list) {
  uint64_t len = 2;
  bool wide = false;
  Cells cells(list);
  for (;;) {
    const Cell c = cells.next();
    if (c.kind == Cell::End)
      break;
    const auto ch =
        c.kind == Cell::Char ? c.ch : static_cast<uint32_t>(c.t.cast<IntegerTerm>()->value);
    len += string_escape(ch, '"') != 0 ? 2 : 1;
    wide |= ch > 255;
  }
  if (!wide)
    return len;
  cps_.clear();
  cps_.push_back('"');
  Cells again(list);
  for (;;) {
    const Cell c = again.next();
    if (c.kind == Cell::End)
      break;
    const auto ch =
        c.kind == Cell::Char ? c.ch : static_cast<uint32_t>(c.t.cast<IntegerTerm>()->value);
    const char e = string_escape(ch, '"');
    if (e != 0) {
      cps_.push_back('\\');
      cps_.push_back(static_cast<unsigned char>(e));
    } else {
      cps_.push_back(ch);
    }
  }
  cps_.push_back('"');
  return detail::chars_length(cps_.data(), cps_.size());
}

// print_length for bitstrings: <<"...">>, <<"..."/utf8>> or the byte list.
void Printer::visit_binary(const BinaryTerm* b) {
  if (b->bits == 0) {
    add_leaf(LeafKind::EmptyBin, 4);
    return;
  }
  const size_t nbytes = static_cast<size_t>(b->bits / 8);
  if (b->bits % 8 == 0) {
    const unsigned char* d = b->data;
    bool latin1_path = latin1_;
    if (!latin1_) {
      // valid_utf8/2 and printable_unicode/4 with io:printable_range().
      bool valid = true;
      size_t i = 0;
      size_t chars = 0;
      cps_.clear();
      while (i < nbytes) {
        const unsigned c = d[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
          n = 1;
          cp = c;
        } else if (c >= 0xC2 && c <= 0xDF) {
          n = 2;
          cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
          n = 3;
          cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
          n = 4;
          cp = c & 0x07;
        } else {
          valid = false;
          break;
        }
        if (i + n > nbytes) {
          valid = false;
          break;
        }
        for (size_t k = 1; k < n; ++k) {
          if ((d[i + k] & 0xC0) != 0x80) {
            valid = false;
            break;
          }
          cp = (cp << 6) | (d[i + k] & 0x3F);
        }
        if (!valid)
          break;
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
          valid = false;
          break;
        }
        cps_.push_back(cp);
        i += n;
        ++chars;
      }
      if (valid) {
        bool ok = true;
        for (uint32_t cp : cps_)
          if (!(wide_ ? printable_unicode(cp) : printable_latin1(cp))) {
            ok = false;
            break;
          }
        if (!ok) {
          latin1_path = false; // printable_bin/4 answers false: bytes
        } else {
          // Written with io_lib:write_string/2 ($" quotes).
          uint64_t len = 2;
          bool wide = false;
          for (uint32_t cp : cps_) {
            len += string_escape(cp, '"') != 0 ? 2 : 1;
            wide |= cp > 255;
          }
          if (chars == nbytes) {
            add_term_leaf(NodeKind::Leaf, LeafKind::BinString, 4 + len, b);
            return;
          }
          if (wide) {
            std::vector<uint32_t> written;
            written.push_back('"');
            for (uint32_t cp : cps_) {
              const char e = string_escape(cp, '"');
              if (e != 0) {
                written.push_back('\\');
                written.push_back(static_cast<unsigned char>(e));
              } else {
                written.push_back(cp);
              }
            }
            written.push_back('"');
            len = detail::chars_length(written.data(), written.size());
          }
          add_term_leaf(NodeKind::Leaf, LeafKind::BinUtf8, 9 + len, b);
          return;
        }
      } else {
        latin1_path = true;
      }
    }
    if (latin1_path) {
      bool ok = true;
      uint64_t len = 2;
      for (size_t i = 0; i < nbytes; ++i) {
        if (!printable_latin1(d[i])) {
          ok = false;
          break;
        }
        len += string_escape(d[i], '"') != 0 ? 2 : 1;
      }
      if (ok) {
        add_term_leaf(NodeKind::Leaf, LeafKind::BinString, 4 + len, b);
        return;
      }
    }
  }
  // io_lib:write_binary/3: <<B1,B2,...,X:L>>.
  uint64_t len = 4;
  for (size_t i = 0; i < nbytes; ++i)
    len += static_cast<uint64_t>(digit_count(b->data[i])) + 1;
  const unsigned rest = static_cast<unsigned>(b->bits % 8);
  if (rest != 0)
    len += static_cast<uint64_t>(digit_count(b->data[nbytes] >> (8 - rest))) + 2;
  else
    len -= 1;
  add_term_leaf(NodeKind::Bin, LeafKind{}, len, b);
}

// ---------------------------------------------------------------------------
// Write

void Printer::put_char(uint32_t c, uint32_t quote) {
  const char e = string_escape(c, quote);
  if (e != 0) {
    out_.push_back('\\');
    out_.push_back(e);
  } else {
    put_utf8(out_, c);
  }
}

void Printer::write_string_body(TermRef list) {
  Cells cells(list);
  for (;;) {
    const Cell c = cells.next();
    if (c.kind == Cell::End)
      break;
    const auto ch =
        c.kind == Cell::Char ? c.ch : static_cast<uint32_t>(c.t.cast<IntegerTerm>()->value);
    if (ch >= 32 && ch < 127 && ch != '"' && ch != '\\')
      out_.push_back(static_cast<char>(ch));
    else
      put_char(ch, '"');
  }
}

// erlang:fun_to_list/1 of `fun M:F/A` (erl_printf_term.c's print_atom_name):
// each byte of its output is one character, so UTF-8 atom names come out as
// their bytes read as Latin-1, and quoting follows erts's own rules.
void Printer::write_fun(const FunTerm* f) {
  auto latin1_byte = [&](unsigned c) { put_utf8(out_, c); };
  auto atom = [&](Atom a) {
    const std::string_view t = doc_.atoms.text(a);
    const auto* s = reinterpret_cast<const unsigned char*>(t.data());
    const size_t n = t.size();
    if (n == 0) {
      out_.append("''");
      return;
    }
    auto lat = [&](size_t i) -> unsigned {
      const unsigned c1 = s[i];
      const unsigned c2 = i + 1 < n ? s[i + 1] : 0;
      if ((c1 & 0x80) == 0)
        return c1;
      if ((c1 & 0xE0) == 0xC0)
        return ((c1 & 0x1F) << 6) | (c2 & 0x3F);
      if ((c1 & 0xC0) == 0x80)
        return 'a';
      return 0;
    };
    auto is_lower = [](unsigned c) {
      return (c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247);
    };
    auto is_upper = [](unsigned c) {
      return (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215);
    };
    bool quote = !is_lower(lat(0));
    for (size_t i = 1; i < n && !quote; ++i) {
      const unsigned c = lat(i);
      if (!((c >= '0' && c <= '9') || is_lower(c) || is_upper(c) || c == '_'))
        quote = true;
    }
    if (quote)
      out_.push_back('\'');
    for (size_t i = 0; i < n; ++i) {
      const unsigned c = s[i];
      switch (c) {
        case '\'':
          out_.append("\\'");
          break;
        case '\\':
          out_.append("\\\\");
          break;
        case '\n':
          out_.append("\\n");
          break;
        case '\f':
          out_.append("\\f");
          break;
        case '\t':
          out_.append("\\t");
          break;
        case '\r':
          out_.append("\\r");
          break;
        case '\b':
          out_.append("\\b");
          break;
        case '\v':
          out_.append("\\v");
          break;
        default:
          if (c < ' ') {
            out_.push_back('\\');
            out_.push_back(static_cast<char>('0' + (c >> 6)));
            out_.push_back(static_cast<char>('0' + ((c >> 3) & 7)));
            out_.push_back(static_cast<char>('0' + (c & 7)));
          } else if (c >= 0x80) {
            if (c == 0xC2 && i + 1 < n && s[i + 1] < 0xA0) {
              const unsigned d = s[++i];
              out_.push_back('\\');
              out_.push_back(static_cast<char>('0' + (d >> 6)));
              out_.push_back(static_cast<char>('0' + ((d >> 3) & 7)));
              out_.push_back(static_cast<char>('0' + (d & 7)));
            } else {
              latin1_byte(c);
            }
          } else {
            out_.push_back(static_cast<char>(c));
          }
          break;
      }
    }
    if (quote)
      out_.push_back('\'');
  };
  out_.append("fun ");
  atom(f->module);
  out_.push_back(':');
  atom(f->function);
  out_.push_back('/');
  put_int(out_, f->arity);
}

void Printer::write_bin_bytes(const BinaryTerm* b) {
  out_.append("<<");
  const size_t nbytes = static_cast<size_t>(b->bits / 8);
  for (size_t i = 0; i < nbytes; ++i) {
    if (i != 0)
      out_.push_back(',');
    put_int(out_, b->data[i]);
  }
  const unsigned rest = static_cast<unsigned>(b->bits % 8);
  if (rest != 0) {
    if (nbytes != 0)
      out_.push_back(',');
    put_int(out_, b->data[nbytes] >> (8 - rest));
    out_.push_back(':');
    put_int(out_, rest);
  }
  out_.append(">>");
}

void Printer::write_leaf(uint32_t idx) {
  const Node n = node(idx);
  switch (n.leaf()) {
    case LeafKind::ShortAtom:
    case LeafKind::Atom: {
      const AtomText& at = atoms_[n.leaf() == LeafKind::Atom ? n.payload : n.short_atom()];
      out_.append(at.direct != nullptr ? at.direct : pool_.data() + at.off, at.size);
      return;
    }
    case LeafKind::ShortInt:
      put_int(out_, n.short_int());
      return;
    case LeafKind::Int:
      put_int(out_, static_cast<int32_t>(n.payload));
      return;
    case LeafKind::Text:
      out_.append(pool_.data() + refs_[n.payload], static_cast<size_t>(len_of(idx)));
      return;
    case LeafKind::Fun:
      write_fun(term_of(n)->cast<FunTerm>());
      return;
    case LeafKind::Nil:
      out_.append("[]");
      return;
    case LeafKind::EmptyTuple:
      out_.append("{}");
      return;
    case LeafKind::EmptyMap:
      out_.append("#{}");
      return;
    case LeafKind::EmptyBin:
      out_.append("<<>>");
      return;
    case LeafKind::String:
      out_.push_back('"');
      write_string_body(term_of(n));
      out_.push_back('"');
      return;
    case LeafKind::BinString:
    case LeafKind::BinUtf8: {
      const auto* b = term_of(n)->cast<BinaryTerm>();
      const size_t nbytes = static_cast<size_t>(b->bits / 8);
      out_.append("<<\"");
      if (n.leaf() == LeafKind::BinString) {
        for (size_t i = 0; i < nbytes; ++i)
          put_char(b->data[i], '"');
        out_.append("\">>");
      } else {
        for (size_t i = 0; i < nbytes;)
          put_char(decode_utf8(b->data, i), '"');
        out_.append("\"/utf8>>");
      }
      return;
    }
  }
}

void Printer::write_flat(uint32_t idx) {
  const Node root = node(idx);
  if (root.kind() == NodeKind::Leaf) {
    write_leaf(idx);
    return;
  }
  if (root.kind() == NodeKind::Bin) {
    write_bin_bytes(term_of(root)->cast<BinaryTerm>());
    return;
  }
  auto open = [&](uint32_t i) {
    switch (kind_at(i)) {
      case NodeKind::List:
        out_.push_back('[');
        break;
      case NodeKind::Tuple:
      case NodeKind::TagTuple:
        out_.push_back('{');
        break;
      case NodeKind::Map:
        out_.append("#{");
        break;
      default:
        break;
    }
    flat_.push_back(FlatFrame{i, first_child(i)});
  };
  const size_t base = flat_.size();
  open(idx);
  while (flat_.size() > base) {
    FlatFrame& f = flat_.back();
    const Node p = node(f.parent);
    if (f.next == p.payload) {
      if (p.kind() == NodeKind::List)
        out_.push_back(']');
      else if (p.kind() != NodeKind::Pair)
        out_.push_back('}');
      flat_.pop_back();
      continue;
    }
    const uint32_t c = f.next;
    const Node child = node(c);
    f.next = end_of(c);
    if (c != first_child(f.parent)) {
      if (p.kind() == NodeKind::Pair)
        out_.append(" => ");
      else if (p.kind() == NodeKind::List && p.improper() && f.next == p.payload)
        out_.push_back('|');
      else
        out_.push_back(',');
    }
    if (child.kind() == NodeKind::Leaf)
      write_leaf(c);
    else if (child.kind() == NodeKind::Bin)
      write_bin_bytes(term_of(child)->cast<BinaryTerm>());
    else
      open(c); // may reallocate flat_: `f` is not used after this
  }
}

// ---------------------------------------------------------------------------
// Layout (pp and cind)

// pp_binary/7: the byte list filled to N columns, new lines at `col`.
void Printer::pp_binary(uint32_t idx, int64_t col, int64_t ld, int64_t w) {
  const auto* b = term_of(node(idx))->cast<BinaryTerm>();
  const int64_t n0 = std::max<int64_t>(8, std::min(ll_ - col, m_ - 4 - w) - ld);
  int64_t n = n0;
  out_.append("<<");
  const size_t nbytes = static_cast<size_t>(b->bits / 8);
  const unsigned rest = static_cast<unsigned>(b->bits % 8);
  for (size_t i = 0; i < nbytes; ++i) {
    const int64_t size = digit_count(b->data[i]);
    const bool last = i + 1 == nbytes && rest == 0;
    if (!last) {
      const int64_t seg = size + 1;
      if (n - seg < 0) {
        newline(col);
        n = n0 - seg;
      } else {
        n -= seg;
      }
      put_int(out_, b->data[i]);
      out_.push_back(',');
    } else {
      if (size > n)
        newline(col);
      put_int(out_, b->data[i]);
    }
  }
  if (rest != 0) {
    const unsigned x = b->data[nbytes] >> (8 - rest);
    const int64_t size = digit_count(x) + 1 + digit_count(rest);
    if (size > n)
      newline(col);
    put_int(out_, x);
    out_.push_back(':');
    put_int(out_, rest);
  }
  out_.append(">>");
}

// pp/8 (Dry: cind/7): lays out node `idx` starting at `col`. Compound nodes
// that do not fit push a frame; false means cind threw no_good.
template <bool Dry>
bool Printer::enter(uint32_t idx, int64_t col, int64_t ld, int64_t w, int64_t tind) {
  if (fits(idx, col, ld, w)) {
    if constexpr (!Dry)
      write_flat(idx);
    return true;
  }
  const Node n = node(idx);
  switch (n.kind()) {
    case NodeKind::Leaf:
      if constexpr (!Dry)
        write_leaf(idx);
      return true;
    case NodeKind::Bin:
      if constexpr (!Dry)
        pp_binary(idx, col + 2, ld, w);
      return true;
    case NodeKind::List:
    case NodeKind::Tuple:
      if constexpr (!Dry)
        out_.push_back(n.kind() == NodeKind::List ? '[' : '{');
      frames_.push_back(Frame{Frame::Seq, 1, idx, first_child(idx), col + 1, col + 1, ld, w + 1});
      return true;
    case NodeKind::TagTuple: {
      // pp_tag_tuple/8, cind_tag_tuple/7
      const uint32_t tag = first_child(idx);
      const auto tlen = static_cast<int64_t>(len_of(tag));
      const int64_t tagind = tlen + 2;
      const int64_t tcol = col + tagind;
      const int64_t w1 = w + 1;
      if constexpr (!Dry) {
        out_.push_back('{');
        write_leaf(tag);
      }
      if (tind > 0 && tagind > tind) {
        const int64_t col1 = col + tind;
        if constexpr (Dry) {
          if (!(m_ + col1 <= ll_ || col1 <= ll_ / 2))
            return false;
        }
        frames_.push_back(Frame{Frame::Seq, 0, idx, end_of(tag), col1, tcol, ld, w1 + tlen});
      } else {
        if constexpr (Dry) {
          if (!(m_ + tcol < ll_ || tcol < ll_ / 2))
            return false;
        } else {
          out_.push_back(',');
        }
        frames_.push_back(Frame{Frame::Seq, 1, idx, end_of(tag), tcol, tcol, ld, w1 + tlen + 1});
      }
      return true;
    }
    case NodeKind::Map:
      if constexpr (!Dry)
        out_.append("#{");
      // pp passes W + 1 to pp_map, cind passes W + 2 to cind_map.
      frames_.push_back(
          Frame{Frame::Pairs, 1, idx, first_child(idx), col + 2, col + 2, ld, w + (Dry ? 2 : 1)});
      return true;
    case NodeKind::Pair:
      return enter_pair<Dry>(idx, col, ld, w, tind);
  }
  return true;
}

// pp_pair/8, cind_pair/7 (the caller has already taken the width).
template <bool Dry>
bool Printer::enter_pair(uint32_t idx, int64_t col, int64_t ld, int64_t w, int64_t tind) {
  if (fits(idx, col, ld, w)) {
    if constexpr (!Dry)
      write_flat(idx);
    return true;
  }
  const int64_t indent = tind > 0 ? tind : 4; // map_value_indent/1
  frames_.push_back(Frame{Frame::PairKey, 0, idx, 0, col, col, ld, indent});
  return enter<Dry>(first_child(idx), col, ld, w, tind);
}

template <bool Dry> bool Printer::layout(uint32_t root, int64_t col, int64_t tind) {
  frames_.clear();
  if (!enter<Dry>(root, col, 0, 0, tind))
    return false;
  while (!frames_.empty()) {
    const size_t fi = frames_.size() - 1;
    const Frame f = frames_[fi];
    if (f.mode == Frame::PairKey) {
      // " =>\n", then the value `indent` columns further in.
      if constexpr (!Dry) {
        out_.append(" =>");
        newline(f.col0 + f.w);
      }
      frames_[fi].mode = Frame::PairVal;
      if (!enter<Dry>(end_of(first_child(f.parent)), f.col0 + f.w, f.ld, 0, tind))
        return false;
      continue;
    }
    if (f.mode == Frame::PairVal) {
      frames_.pop_back();
      continue;
    }
    const Node p = node(f.parent);
    if (f.next == p.payload) {
      if constexpr (!Dry)
        out_.push_back(p.kind() == NodeKind::List ? ']' : '}');
      frames_.pop_back();
      continue;
    }
    const uint32_t e = f.next;
    const uint32_t after = end_of(e);
    frames_[fi].next = after;
    const bool more = after != p.payload;
    const bool improper = f.mode == Frame::Seq && p.kind() == NodeKind::List && p.improper();
    if (improper && !more) {
      // pp_tail/10 (cind_tail/8) on an improper tail.
      const auto len = static_cast<int64_t>(len_of(e));
      if (len + 1 < ll_ - f.col - (f.ld + 1) && len + 1 + f.w + (f.ld + 1) <= m_ && atomic(e)) {
        if constexpr (!Dry) {
          out_.push_back('|');
          write_leaf(e);
        }
      } else {
        if constexpr (!Dry) {
          out_.push_back('|');
          newline(f.col0);
        }
        // cind_tail/8 passes the current column, pp_tail/10 the element column.
        if (!enter<Dry>(e, Dry ? f.col : f.col0, f.ld + 1, 0, tind))
          return false;
      }
      continue;
    }
    // last_depth/2: 0 when another proper element follows.
    const bool next_is_elem = more && !(improper && end_of(after) == p.payload);
    const int64_t ld1 = next_is_elem ? 0 : f.ld + 1;
    const bool pairs = f.mode == Frame::Pairs;
    if (f.first != 0) {
      frames_[fi].first = 0;
      if (!pairs) {
        // pp_element/8, cind_element/7
        if (fits(e, f.col0, ld1, f.w) && atomic(e)) {
          const auto len = static_cast<int64_t>(len_of(e));
          if constexpr (!Dry)
            write_leaf(e);
          frames_[fi].col = f.col0 + len;
          frames_[fi].w = f.w + len;
        } else {
          frames_[fi].col = f.col0 + ll_;
          frames_[fi].w = f.w + ll_;
          if (!enter<Dry>(e, f.col0, ld1, f.w, tind))
            return false;
        }
      } else {
        // pp_map/8: pp_pairs_tail gets W = PW; cind_map/7: W + PW.
        const int64_t pw = pair_width(e, f.col0, ld1, f.w);
        frames_[fi].col = f.col0 + pw;
        frames_[fi].w = Dry ? f.w + pw : pw;
        if (!enter_pair<Dry>(e, f.col0, ld1, f.w, tind))
          return false;
      }
      continue;
    }
    // pp_tail/10, pp_pairs_tail/9 (cind_tail/8, cind_pairs_tail/8)
    const auto len = static_cast<int64_t>(len_of(e));
    const int64_t elen = len + 1;
    const bool atm = pairs ? atomic_pair(e) : atomic(e);
    const bool same_line = atm && ((ld1 == 0 && elen + 1 < ll_ - f.col && f.w + elen + 1 <= m_) ||
                                   (ld1 > 0 && elen < ll_ - f.col - ld1 && f.w + elen + ld1 <= m_));
    if (same_line) {
      if constexpr (!Dry) {
        out_.push_back(',');
        write_flat(e);
      }
      frames_[fi].col = f.col + elen;
      frames_[fi].w = f.w + elen;
      continue;
    }
    if constexpr (!Dry) {
      out_.push_back(',');
      newline(f.col0);
    }
    if (!pairs) {
      if (fits(e, f.col0, ld1, 0) && atomic(e)) {
        if constexpr (!Dry)
          write_leaf(e);
        frames_[fi].col = f.col0 + len;
        frames_[fi].w = len;
      } else {
        frames_[fi].col = f.col0 + ll_;
        frames_[fi].w = ll_;
        if (!enter<Dry>(e, f.col0, ld1, 0, tind))
          return false;
      }
    } else {
      const int64_t pw = pair_width(e, f.col0, ld1, 0);
      frames_[fi].col = f.col0 + pw;
      frames_[fi].w = pw;
      if (!enter_pair<Dry>(e, f.col0, ld1, 0, tind))
        return false;
    }
  }
  return true;
}

// io_lib_pretty:print/9 for the default options.
void Printer::print(TermRef t, int64_t col) {
  if (col < 1)
    col = 1;
  measure(t);
  mframes_.release_if_large(); // (a deep term's: the layout's frames take their place)
  if (kind_at(0) == NodeKind::Leaf) {
    write_leaf(0);
    return;
  }
  const uint64_t root_len = len_of(0);
  m_ = static_cast<int64_t>(root_len);
  if (flusher_ == nullptr && out_.capacity() - out_.size() < root_len)
    out_.reserve(out_.size() + root_len + root_len / 4);
  if (ll_ == 0 || static_cast<int64_t>(root_len) < ll_ - col) {
    write_flat(0);
    return;
  }
  int64_t tind = 1;
  if (layout<true>(0, col, -1))
    tind = -1;
  else if (layout<true>(0, col, 4))
    tind = 4;
  layout<false>(0, col, tind);
}

/// Re-encodes out[from..] from UTF-8 to Latin-1, for a file that declares
/// `%% coding: latin-1` (so that file:consult reads back the same characters).
/// Characters above 255 have no Latin-1 byte and stay UTF-8; they can only come
/// from atoms spelled with `\x{...}` escapes in such a file.
void to_latin1(std::string& out, size_t from) {
  size_t w = from;
  for (size_t r = from; r < out.size();) {
    const auto c = static_cast<unsigned char>(out[r]);
    if ((c == 0xC2 || c == 0xC3) && r + 1 < out.size()) {
      out[w++] =
          static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(out[r + 1]) & 0x3F));
      r += 2;
    } else {
      out[w++] = out[r++];
    }
  }
  out.resize(w);
}

} // namespace

void print_term(std::string& out,
                const ast::Document& doc,
                ast::TermRef term,
                const PrintOptions& options) {
  Printer p(doc, options, out);
  p.print(term, 1);
}

namespace {

/// Appends one term as `~tp` (or `~p`); false when the output passed `limit`.
bool print_one(std::string& out,
               const ast::Document& doc,
               ast::TermRef term,
               const PrintOptions& options,
               size_t limit) {
  Printer p(doc, options, out);
  p.set_limit(limit);
  p.print(term, 1);
  return !p.overflowed();
}

/// The canonical document into `out`; false when it would pass
/// options.max_output_bytes. With a flusher, the output goes on to its sink a
/// piece at a time, and `out` is only the buffer.
bool print_document(std::string& out,
                    const ast::Document& doc,
                    const PrintOptions& options,
                    Flusher* flusher = nullptr) {
  const size_t limit = options.max_output_bytes;
  if (doc.has_coding_line) {
    out.append(doc.coding_line_text());
    out.push_back('\n');
  }
  // The output is read back in the encoding epp finds in it. A kept
  // `%% coding: latin-1` line makes it Latin-1. Otherwise it is UTF-8, and if
  // epp would take it for Latin-1 (the text of a quoted atom or string on the
  // first two lines reads `%... coding: latin-1`), a `%% coding: utf-8` first
  // line says what it is; epp stops at the first declaration it finds.
  if (!(doc.has_coding_line && doc.encoding == ast::Encoding::Latin1)) {
    if (flusher != nullptr)
      flusher->check_encoding = true;
    {
      Printer p(doc, options, out);
      p.set_limit(limit);
      p.set_flusher(flusher);
      p.reserve(limit != 0 ? std::min(doc.source_bytes(), limit) : doc.source_bytes());
      for (ast::TermRef t : doc.terms) {
        p.print(t, 1);
        out.append(".\n");
        if (p.overflowed())
          return false;
        if (flusher != nullptr)
          flusher->flush_if_full(out);
      }
    }
    if (flusher != nullptr)
      flusher->flush(out);
    else if (parse::detect_encoding(out) == ast::Encoding::Latin1)
      out.insert(0, "%% coding: utf-8\n");
    return true;
  }
  PrintOptions narrow = options;
  narrow.unicode = false;
  std::string one;
  for (ast::TermRef t : doc.terms) {
    one.clear();
    if (!print_one(one, doc, t, options, limit))
      return false;
    // `~tp` output with a character above 255 has no Latin-1 spelling: `~p`
    // writes such atoms with \x{...} escapes and such strings as lists.
    const bool wide = std::any_of(one.begin(), one.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0xC4; // lead byte of U+0100 and up
    });
    if (wide) {
      one.clear();
      if (!print_one(one, doc, t, narrow, limit))
        return false;
    }
    one.append(".\n");
    to_latin1(one, 0);
    out += one;
    if (limit != 0 && produced(out, flusher) > limit)
      return false;
    if (flusher != nullptr)
      flusher->flush_if_full(out);
  }
  if (flusher != nullptr)
    flusher->flush(out);
  return true;
}

Err limit_error(const PrintOptions& options) {
  return Err{ErrCode::Limit,
             fmt::format("the canonical layout would exceed {} MiB (OTP indents each nesting "
                         "level one column further, so deep nesting grows the output "
                         "quadratically)",
                         options.max_output_bytes >> 20),
             Span{}};
}

} // namespace

std::string print_canonical(const ast::Document& doc, const PrintOptions& options) {
  PrintOptions unlimited = options;
  unlimited.max_output_bytes = 0;
  std::string out;
  print_document(out, doc, unlimited);
  return out;
}

Result<std::string> try_print_canonical(const ast::Document& doc, const PrintOptions& options) {
  std::string out;
  if (!print_document(out, doc, options))
    return limit_error(options);
  return out;
}

Result<void> print_canonical_to(OutputSink& sink,
                                const ast::Document& doc,
                                const PrintOptions& options,
                                size_t chunk_bytes) {
  Flusher flusher{&sink, std::max<size_t>(chunk_bytes, 1024)}; // (> 512: see Flusher::flush)
  std::string buffer;
  if (!print_document(buffer, doc, options, &flusher))
    return limit_error(options);
  return Result<void>();
}

} // namespace relupkit::print
