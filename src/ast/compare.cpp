// SPDX-License-Identifier: Apache-2.0
// Erlang term order (erts_cmp) over the AST, with an explicit work stack.
//
// Lists are compared cons cell by cons cell, as erts does, so the spelling of
// a list does not matter: `"ab"`, `[97,98]`, `[$a|"b"]` and `[97|[98]]` are one
// term. A list value is therefore a *cursor*: a ListTerm or StringTerm plus a
// position in it; at the end of a ListTerm's elements the cursor moves into its
// tail.
#include "relupkit/ast/compare.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "base/utf8.h"
#include "relupkit/ast/bigint.h"

namespace relupkit::ast {

namespace {

using relupkit::detail::decode_utf8;

/// Type classes in erts order.
enum Class : uint8_t {
  kNumber = 0,
  kAtom = 1,
  kFun = 3,
  kTuple = 6,
  kMap = 7,
  kNil = 8,
  kCons = 9,
  kBits = 10,
};

/// A value under comparison: a term, a character code taken out of a string,
/// or a position inside a list.
struct Val {
  enum Kind : uint8_t { Term_, Char_, Cursor_ } kind;
  uint32_t pos = 0; ///< Cursor_: element index (ListTerm) or byte offset (StringTerm)
  TermRef t;        ///< Term_ / Cursor_
  int64_t ch = 0;   ///< Char_
};

Val term_val(TermRef t) { return Val{Val::Term_, 0, t, 0}; }

/// A value with its list structure resolved.
struct Resolved {
  Class cls;
  TermRef t;          ///< the term (numbers, atoms, ...), null for Char_/cons/nil
  int64_t ch = 0;     ///< small integer when t is null and cls == kNumber
  Val head{}, tail{}; ///< cons cells
};

Resolved resolve(Val v) {
  if (v.kind == Val::Char_)
    return Resolved{kNumber, {}, v.ch, {}, {}};
  TermRef t = v.t;
  uint32_t pos = v.kind == Val::Cursor_ ? v.pos : 0;
  for (;;) {
    switch (t.kind()) {
      case TermKind::Atom:
        return Resolved{kAtom, t, 0, {}, {}};
      case TermKind::Integer:
      case TermKind::Float:
        return Resolved{kNumber, t, 0, {}, {}};
      case TermKind::Fun:
        return Resolved{kFun, t, 0, {}, {}};
      case TermKind::Tuple:
        return Resolved{kTuple, t, 0, {}, {}};
      case TermKind::Map:
        return Resolved{kMap, t, 0, {}, {}};
      case TermKind::Binary:
        return Resolved{kBits, t, 0, {}, {}};
      case TermKind::String: {
        const auto* s = t.cast<StringTerm>();
        if (pos >= s->bytes)
          return Resolved{kNil, {}, 0, {}, {}};
        uint32_t i = pos;
        const uint32_t c = decode_utf8(reinterpret_cast<const unsigned char*>(s->utf8), i);
        Resolved r{kCons, {}, 0, {}, {}};
        r.head = Val{Val::Char_, 0, {}, c};
        r.tail = Val{Val::Cursor_, i, t, 0};
        return r;
      }
      case TermKind::List: {
        const auto* l = t.cast<ListTerm>();
        if (pos < l->size) {
          Resolved r{kCons, {}, 0, {}, {}};
          r.head = term_val(l->elems()[pos]);
          r.tail = Val{Val::Cursor_, pos + 1, t, 0};
          return r;
        }
        if (!l->tail)
          return Resolved{kNil, {}, 0, {}, {}};
        t = l->tail;
        pos = 0;
        continue;
      }
    }
    return Resolved{kNil, {}, 0, {}, {}};
  }
}

int sign(int64_t x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); }

int compare_text(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0)
    return c < 0 ? -1 : 1;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int compare_doubles(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

/// A bignum against a double, exactly (erts converts the double to a bignum).
int compare_big_double(const BigInt& big, double d) {
  // |big| >= 2^63 > every double of magnitude below 2^63.
  if (std::fabs(d) < 9223372036854775808.0)
    return big.negative ? -1 : 1;
  const bool dneg = d < 0;
  if (big.negative != dneg)
    return big.negative ? -1 : 1;
  // Both have the same sign; compare magnitudes. |d| = m * 2^e with m < 2^53.
  int e = 0;
  const double frac = std::frexp(std::fabs(d), &e); // |d| = frac * 2^e, 0.5 <= frac < 1
  const auto m = static_cast<uint64_t>(std::ldexp(frac, 53));
  const int shift = e - 53; // >= 10 since |d| >= 2^63
  // Bit length of |d| is e; bit length of big:
  uint32_t top = big.limbs[big.size - 1];
  int top_bits = 0;
  while (top != 0) {
    ++top_bits;
    top >>= 1;
  }
  const int64_t big_bits = int64_t(big.size - 1) * 32 + top_bits;
  int mag = 0;
  if (big_bits != e) {
    mag = big_bits < e ? -1 : 1;
  } else {
    // Same bit length: build the limbs of |d| and compare from the top.
    std::vector<uint32_t> dl(big.size, 0);
    for (int b = 0; b < 53; ++b) {
      if (((m >> b) & 1) == 0)
        continue;
      const int64_t bit = int64_t(b) + shift;
      dl[static_cast<size_t>(bit / 32)] |= uint32_t(1) << (bit % 32);
    }
    for (uint32_t i = big.size; i-- > 0;) {
      if (big.limbs[i] != dl[i]) {
        mag = big.limbs[i] < dl[i] ? -1 : 1;
        break;
      }
    }
  }
  return big.negative ? -mag : mag;
}

/// An integer operand: a small value or a bignum.
struct IntOp {
  int64_t v;
  const BigInt* big;
};

int compare_int_double(IntOp a, double d) {
  if (a.big != nullptr)
    return compare_big_double(*a.big, d);
  // long double holds every int64_t and every double exactly.
  const long double x = static_cast<long double>(a.v);
  const long double y = d;
  return x < y ? -1 : (x > y ? 1 : 0);
}

int compare_numbers(const Resolved& a, const Resolved& b, CompareMode mode) {
  const bool af = a.t && a.t.kind() == TermKind::Float;
  const bool bf = b.t && b.t.kind() == TermKind::Float;
  auto int_of = [](const Resolved& r) {
    if (!r.t)
      return IntOp{r.ch, nullptr};
    const auto* i = r.t.cast<IntegerTerm>();
    return IntOp{i->value, i->big};
  };
  if (af && bf)
    return compare_doubles(a.t.cast<FloatTerm>()->value, b.t.cast<FloatTerm>()->value);
  if (!af && !bf) {
    const IntOp x = int_of(a), y = int_of(b);
    return compare_integers(x.v, x.big, y.v, y.big);
  }
  if (mode == CompareMode::Exact)
    return af ? 1 : -1; // every integer before every float
  if (bf)
    return compare_int_double(int_of(a), b.t.cast<FloatTerm>()->value);
  return -compare_int_double(int_of(b), a.t.cast<FloatTerm>()->value);
}

int compare_bits(const BinaryTerm& a, const BinaryTerm& b) {
  const uint64_t common = std::min(a.bits, b.bits);
  const uint64_t full = common / 8;
  if (full > 0) {
    const int c = std::memcmp(a.data, b.data, static_cast<size_t>(full));
    if (c != 0)
      return c < 0 ? -1 : 1;
  }
  const unsigned rest = static_cast<unsigned>(common % 8);
  if (rest != 0) {
    const unsigned mask = (0xFFu << (8 - rest)) & 0xFFu;
    const unsigned x = a.data[full] & mask;
    const unsigned y = b.data[full] & mask;
    if (x != y)
      return x < y ? -1 : 1;
  }
  return a.bits < b.bits ? -1 : (a.bits > b.bits ? 1 : 0);
}

struct Task {
  Val a, b;
  CompareMode mode;
};

// ---------------------------------------------------------------------------
// HAMT order of maps with more than 32 keys.
//
// OTP 25 keeps a map of up to 32 keys as a sorted "flatmap" and a larger one
// as a hash trie keyed by make_internal_hash(Key, 0) (erts utils.c), four bits
// per level starting from the low bits; maps:iterator/1 walks the trie in
// index order. This is a port of make_internal_hash for the 64-bit emulator
// without the CRC32C mixer (the build OTP 25 ships). Atoms hash by their
// index in the running VM's atom table and external funs by an address, so a
// map with such keys has no order that can be computed from the text; those
// maps (and keys holding maps of more than 32 keys) fall back to key order.

constexpr uint32_t kHConst = 0x9e3779b9u;
constexpr uint32_t kHConst4 = 0x78dde6e4u;
constexpr uint32_t kHConst9 = 0x8ff34781u;
constexpr uint32_t kHConst10 = 0x2e2ac13au;
constexpr uint32_t kHConst11 = 0xcc623af3u;
constexpr uint32_t kHConst12 = 0x6a99b4acu;
constexpr uint32_t kHConst13 = 0x08d12e65u;
constexpr uint32_t kHConst15 = 0x454021d7u;
constexpr uint32_t kHConst16 = 0xe3779b90u;
constexpr uint32_t kHConst17 = 0x81af1549u;
constexpr uint32_t kHConst18 = 0x1fe68f02u;
constexpr uint32_t kHConst22 = 0x98c475e6u;
constexpr uint32_t kInternalHashSalt = 3432918353u;
constexpr uint64_t kNilTerm = 0x3B; // [] as an OTP 25 term word (checked against its map order)
constexpr int64_t kMaxSmall = (int64_t(1) << 59) - 1;
constexpr int64_t kMinSmall = -(int64_t(1) << 59);

// Bob Jenkins' mix, as erts's MIX macro.
inline void jenkins_mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  a -= b;
  a -= c;
  a ^= (c >> 13);
  b -= c;
  b -= a;
  b ^= (a << 8);
  c -= a;
  c -= b;
  c ^= (b >> 13);
  a -= b;
  a -= c;
  a ^= (c >> 12);
  b -= c;
  b -= a;
  b ^= (a << 16);
  c -= a;
  c -= b;
  c ^= (b >> 5);
  a -= b;
  a -= c;
  a ^= (c >> 3);
  b -= c;
  b -= a;
  b ^= (a << 10);
  c -= a;
  c -= b;
  c ^= (b >> 15);
}

inline void hash2(uint32_t& hash, uint32_t x, uint32_t y, uint32_t k) {
  uint32_t a = k + x;
  uint32_t b = k + y;
  jenkins_mix(a, b, hash);
}

inline void const_hash(uint32_t& hash, uint32_t k) {
  hash ^= k;
  hash = (hash << 17) ^ (hash >> 15);
}

inline void hash_immediate(uint32_t& hash, uint64_t term) {
  hash2(hash, static_cast<uint32_t>(term), static_cast<uint32_t>(term >> 32), kHConst);
}

/// erts block_hash (Jenkins lookup2) of `n` bytes.
uint32_t block_hash(const uint8_t* k, uint64_t n, uint32_t initval) {
  uint32_t a = kHConst, b = kHConst, c = initval;
  const uint64_t full = n - n % 12;
  auto word = [&](uint64_t i) {
    return uint32_t(k[i]) | uint32_t(k[i + 1]) << 8 | uint32_t(k[i + 2]) << 16 |
           uint32_t(k[i + 3]) << 24;
  };
  uint64_t i = 0;
  for (; i < full; i += 12) {
    a += word(i);
    b += word(i + 4);
    c += word(i + 8);
    jenkins_mix(a, b, c);
  }
  c += static_cast<uint32_t>(n);
  const uint8_t* r = k + i;
  switch (n - full) { // all cases fall through
    case 11:
      c += uint32_t(r[10]) << 24;
      [[fallthrough]];
    case 10:
      c += uint32_t(r[9]) << 16;
      [[fallthrough]];
    case 9:
      c += uint32_t(r[8]) << 8;
      [[fallthrough]];
    case 8:
      b += uint32_t(r[7]) << 24;
      [[fallthrough]];
    case 7:
      b += uint32_t(r[6]) << 16;
      [[fallthrough]];
    case 6:
      b += uint32_t(r[5]) << 8;
      [[fallthrough]];
    case 5:
      b += r[4];
      [[fallthrough]];
    case 4:
      a += uint32_t(r[3]) << 24;
      [[fallthrough]];
    case 3:
      a += uint32_t(r[2]) << 16;
      [[fallthrough]];
    case 2:
      a += uint32_t(r[1]) << 8;
      [[fallthrough]];
    case 1:
      a += r[0];
      break;
    default:
      break;
  }
  jenkins_mix(a, b, c);
  return c;
}

/// A byte-sized small integer (erts is_byte) held by a resolved value.
inline bool resolved_byte(const Resolved& r, uint32_t& out) {
  if (r.cls != kNumber)
    return false;
  int64_t v;
  if (!r.t) {
    v = r.ch;
  } else if (r.t.kind() == TermKind::Integer && r.t.cast<IntegerTerm>()->big == nullptr) {
    v = r.t.cast<IntegerTerm>()->value;
  } else {
    return false;
  }
  if (v < 0 || v > 255)
    return false;
  out = static_cast<uint32_t>(v);
  return true;
}

} // namespace

struct TermComparator::Impl {
  const AtomTable& atoms;
  std::unordered_map<const MapTerm*, std::vector<MapEntry>> sorted;
  std::vector<Task> tasks;          // reused by compare()
  std::vector<TermRef> walk;        // reused by prepare()
  std::vector<const MapTerm*> post; // reused by prepare()

  explicit Impl(const AtomTable& a) : atoms(a) {}

  int compare(TermRef a, TermRef b, CompareMode mode);
  const std::vector<MapEntry>& entries(const MapTerm& m);
  void prepare(const MapTerm& m);
  std::vector<MapEntry> sort_entries(const MapTerm& m);
  bool internal_hash(TermRef key, uint32_t salt, uint32_t& out);
};

int TermComparator::Impl::compare(TermRef a, TermRef b, CompareMode mode) {
  if (a == b)
    return 0;
  // A nested compare (from entries() while this one runs) needs its own stack.
  std::vector<Task> local;
  local.swap(tasks);
  local.clear();
  local.push_back(Task{term_val(a), term_val(b), mode});
  int result = 0;
  while (!local.empty() && result == 0) {
    const Task task = local.back();
    local.pop_back();
    if (task.a.kind == Val::Term_ && task.b.kind == Val::Term_ && task.a.t == task.b.t)
      continue;
    const Resolved x = resolve(task.a);
    const Resolved y = resolve(task.b);
    if (x.cls != y.cls) {
      result = x.cls < y.cls ? -1 : 1;
      break;
    }
    switch (x.cls) {
      case kNumber:
        result = compare_numbers(x, y, task.mode);
        break;
      case kAtom:
        result = compare_text(atoms.text(x.t.atom()), atoms.text(y.t.atom()));
        break;
      case kFun: {
        const auto* f = x.t.cast<FunTerm>();
        const auto* g = y.t.cast<FunTerm>();
        result = compare_text(atoms.text(f->module), atoms.text(g->module));
        if (result == 0)
          result = compare_text(atoms.text(f->function), atoms.text(g->function));
        if (result == 0)
          result = sign(int64_t(f->arity) - int64_t(g->arity));
        break;
      }
      case kTuple: {
        const auto* p = x.t.cast<TupleTerm>();
        const auto* q = y.t.cast<TupleTerm>();
        if (p->size != q->size) {
          result = p->size < q->size ? -1 : 1;
          break;
        }
        for (uint32_t i = p->size; i-- > 0;)
          local.push_back(Task{term_val(p->elems()[i]), term_val(q->elems()[i]), task.mode});
        break;
      }
      case kMap: {
        const std::vector<MapEntry>& p = entries(*x.t.cast<MapTerm>());
        const std::vector<MapEntry>& q = entries(*y.t.cast<MapTerm>());
        if (p.size() != q.size()) {
          result = p.size() < q.size() ? -1 : 1;
          break;
        }
        // All keys (in map-key order, exactly), then the values.
        for (size_t i = p.size(); i-- > 0;)
          local.push_back(Task{term_val(p[i].second), term_val(q[i].second), task.mode});
        for (size_t i = p.size(); i-- > 0;)
          local.push_back(Task{term_val(p[i].first), term_val(q[i].first), CompareMode::Exact});
        break;
      }
      case kNil:
        break;
      case kCons:
        local.push_back(Task{x.tail, y.tail, task.mode});
        local.push_back(Task{x.head, y.head, task.mode});
        break;
      case kBits:
        result = compare_bits(*x.t.cast<BinaryTerm>(), *y.t.cast<BinaryTerm>());
        break;
    }
  }
  local.clear();
  if (tasks.capacity() < local.capacity())
    tasks.swap(local);
  return result;
}

const std::vector<MapEntry>& TermComparator::Impl::entries(const MapTerm& m) {
  auto it = sorted.find(&m);
  if (it != sorted.end())
    return it->second;
  prepare(m);
  return sorted.find(&m)->second;
}

// Sorts the pairs of every map inside `m`'s keys (deepest first), then `m`'s
// own. Sorting a map compares its keys, which may contain maps; doing the inner
// maps first means no comparison below ever needs to sort (and so recurse).
void TermComparator::Impl::prepare(const MapTerm& m) {
  std::vector<TermRef> stack;
  std::vector<std::pair<const MapTerm*, bool>> order; // (map, children pushed)
  std::vector<const MapTerm*> todo;
  order.push_back({&m, false});
  while (!order.empty()) {
    auto [map, expanded] = order.back();
    if (expanded) {
      order.pop_back();
      if (sorted.find(map) == sorted.end())
        todo.push_back(map);
      continue;
    }
    order.back().second = true;
    // Walk the whole of the keys (and, below the top map, the values too: two
    // equal-keyed maps inside a key are compared by value).
    stack.clear();
    for (uint32_t i = 0; i < map->size; ++i) {
      stack.push_back(map->kv()[2 * i]);
      if (map != &m)
        stack.push_back(map->kv()[2 * i + 1]);
    }
    while (!stack.empty()) {
      TermRef t = stack.back();
      stack.pop_back();
      switch (t.kind()) {
        case TermKind::Tuple: {
          const auto* tu = t.cast<TupleTerm>();
          for (uint32_t i = 0; i < tu->size; ++i)
            stack.push_back(tu->elems()[i]);
          break;
        }
        case TermKind::List: {
          const auto* l = t.cast<ListTerm>();
          for (uint32_t i = 0; i < l->size; ++i)
            stack.push_back(l->elems()[i]);
          if (l->tail)
            stack.push_back(l->tail);
          break;
        }
        case TermKind::Map: {
          const auto* inner = t.cast<MapTerm>();
          if (sorted.find(inner) == sorted.end())
            order.push_back({inner, false});
          break;
        }
        default:
          break;
      }
    }
  }
  for (const MapTerm* map : todo)
    if (sorted.find(map) == sorted.end())
      sorted.emplace(map, sort_entries(*map));
}

std::vector<MapEntry> TermComparator::Impl::sort_entries(const MapTerm& m) {
  std::vector<uint32_t> idx(m.size);
  for (uint32_t i = 0; i < m.size; ++i)
    idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t i, uint32_t j) {
    return compare(m.kv()[2 * i], m.kv()[2 * j], CompareMode::Exact) < 0;
  });
  std::vector<MapEntry> out;
  out.reserve(m.size);
  for (size_t k = 0; k < idx.size(); ++k) {
    // Of a run of equal keys keep the last one written (stable sort keeps the
    // source order inside the run).
    if (k + 1 < idx.size() &&
        compare(m.kv()[2 * idx[k]], m.kv()[2 * idx[k + 1]], CompareMode::Exact) == 0)
      continue;
    out.emplace_back(m.kv()[2 * idx[k]], m.kv()[2 * idx[k] + 1]);
  }
  return out;
}

// make_internal_hash(Key, Salt); false when the key holds an atom, a fun or a
// map of more than 32 keys (no reproducible hash, see above).
bool TermComparator::Impl::internal_hash(TermRef key, uint32_t salt, uint32_t& out) {
  uint32_t hash = salt ^ kInternalHashSalt;
  struct Item {
    Val v;
    bool cdr_marker;
  };
  std::vector<Item> stack;
  Val cur = term_val(key);
  for (;;) {
    const Resolved r = resolve(cur);
    bool next_from_stack = true;
    switch (r.cls) {
      case kNumber: {
        if (!r.t) {
          hash_immediate(hash, (static_cast<uint64_t>(r.ch) << 4) | 0xF);
        } else if (r.t.kind() == TermKind::Float) {
          double d = r.t.cast<FloatTerm>()->value;
          if (d == 0.0)
            d = 0.0; // positive zero
          uint64_t bits;
          std::memcpy(&bits, &d, sizeof bits);
          hash2(hash, static_cast<uint32_t>(bits), static_cast<uint32_t>(bits >> 32), kHConst12);
        } else {
          const auto* i = r.t.cast<IntegerTerm>();
          if (i->big == nullptr && i->value >= kMinSmall && i->value <= kMaxSmall) {
            hash_immediate(hash, (static_cast<uint64_t>(i->value) << 4) | 0xF);
          } else {
            // A bignum: its 64-bit digits, low first, as (low, high) halves.
            bool negative;
            std::vector<uint32_t> limbs;
            if (i->big == nullptr) {
              negative = i->value < 0;
              const uint64_t mag =
                  negative ? 0 - static_cast<uint64_t>(i->value) : static_cast<uint64_t>(i->value);
              limbs = {static_cast<uint32_t>(mag), static_cast<uint32_t>(mag >> 32)};
            } else {
              negative = i->big->negative;
              limbs.assign(i->big->limbs, i->big->limbs + i->big->size);
            }
            if (limbs.size() % 2 != 0)
              limbs.push_back(0);
            const uint32_t con = negative ? kHConst10 : kHConst11;
            for (size_t k = 0; k < limbs.size(); k += 2)
              hash2(hash, limbs[k], limbs[k + 1], con);
          }
        }
        break;
      }
      case kAtom:
      case kFun:
        return false;
      case kNil:
        hash_immediate(hash, kNilTerm);
        break;
      case kCons: {
        // Runs of byte-sized integers are hashed four at a time.
        int c = 0;
        uint32_t sh = 0;
        Resolved cell = r;
        uint32_t byte = 0;
        bool ended = false; // the list ended (in [] or an improper tail) after bytes
        Val rest{};
        while (resolved_byte(resolve(cell.head), byte)) {
          sh = (sh << 8) + byte;
          if (c == 3) {
            hash2(hash, sh, 0, kHConst4);
            c = 0;
            sh = 0;
          } else {
            ++c;
          }
          const Resolved next = resolve(cell.tail);
          if (next.cls != kCons) {
            ended = true;
            rest = cell.tail;
            break;
          }
          cell = next;
        }
        if (c > 0)
          hash2(hash, sh, static_cast<uint32_t>(c), kHConst22);
        if (ended) {
          cur = rest; // hash the tail itself ([] or an improper tail)
          next_from_stack = false;
          break;
        }
        const_hash(hash, kHConst17);
        stack.push_back(Item{cell.tail, false});
        if (resolve(cell.tail).cls != kCons)
          stack.push_back(Item{Val{}, true});
        cur = cell.head;
        next_from_stack = false;
        break;
      }
      case kTuple: {
        const auto* t = r.t.cast<TupleTerm>();
        hash2(hash, t->size, 0, kHConst9);
        if (t->size == 0)
          break;
        for (uint32_t k = t->size; k-- > 1;)
          stack.push_back(Item{term_val(t->elems()[k]), false});
        cur = term_val(t->elems()[0]);
        next_from_stack = false;
        break;
      }
      case kMap: {
        const std::vector<MapEntry>& e = entries(*r.t.cast<MapTerm>());
        if (e.size() > 32)
          return false;
        hash2(hash, static_cast<uint32_t>(e.size()), 0, kHConst16);
        for (size_t k = e.size(); k-- > 0;) {
          stack.push_back(Item{term_val(e[k].second), false});
          stack.push_back(Item{term_val(e[k].first), false});
        }
        break;
      }
      case kBits: {
        const auto* b = r.t.cast<BinaryTerm>();
        const uint32_t con = kHConst13 + hash;
        const uint64_t sz = b->bits / 8;
        const auto bitsize = static_cast<uint32_t>(b->bits % 8);
        if (b->bits == 0) {
          hash = con;
        } else {
          hash = block_hash(b->data, sz, con);
          if (bitsize > 0)
            hash2(hash, bitsize, uint32_t(b->data[sz]) >> (8 - bitsize), kHConst15);
        }
        break;
      }
    }
    if (!next_from_stack)
      continue;
    // pop_next
    for (;;) {
      if (stack.empty()) {
        out = hash;
        return true;
      }
      const Item it = stack.back();
      stack.pop_back();
      if (it.cdr_marker) {
        const_hash(hash, kHConst18);
        continue;
      }
      cur = it.v;
      break;
    }
  }
}

TermComparator::TermComparator(const AtomTable& atoms) : impl_(std::make_unique<Impl>(atoms)) {}
TermComparator::~TermComparator() = default;

int TermComparator::compare(TermRef a, TermRef b, CompareMode mode) {
  return impl_->compare(a, b, mode);
}

const std::vector<MapEntry>& TermComparator::sorted_entries(const MapTerm& m) {
  return impl_->entries(m);
}

std::vector<MapEntry> TermComparator::iteration_order(const MapTerm& m) {
  std::vector<MapEntry> e = impl_->entries(m);
  if (e.size() <= 32)
    return e; // a flatmap: key order
  // A HAMT: the order of the hash nibbles, lowest first; ties (equal 32-bit
  // hashes) go on with the depth-1 hash.
  struct Keyed {
    MapEntry entry;
    uint64_t rev[2]; // nibble-reversed hashes at depths 0 and 1
  };
  std::vector<Keyed> keyed;
  keyed.reserve(e.size());
  for (const MapEntry& entry : e) {
    Keyed k{entry, {0, 0}};
    for (uint32_t depth = 0; depth < 2; ++depth) {
      // make_map_hash(Key, Depth): levels 8..15 of the trie use the key's hash
      // salted with its depth (1), mixed as UINT32_HASH_2(Depth, 1, HCONST_22).
      uint32_t salt = 0;
      if (depth > 0)
        hash2(salt, depth, 1, kHConst22);
      uint32_t h = 0;
      if (!impl_->internal_hash(entry.first, salt, h))
        return e; // no reproducible order: keep key order
      uint64_t r = 0;
      for (int nib = 0; nib < 8; ++nib)
        r = (r << 4) | ((h >> (4 * nib)) & 0xF);
      k.rev[depth] = r;
    }
    keyed.push_back(k);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.rev[0] != b.rev[0] ? a.rev[0] < b.rev[0] : a.rev[1] < b.rev[1];
  });
  for (size_t i = 0; i < keyed.size(); ++i)
    e[i] = keyed[i].entry;
  return e;
}

int compare_terms(const AtomTable& atoms, TermRef a, TermRef b, CompareMode mode) {
  TermComparator c(atoms);
  return c.compare(a, b, mode);
}

bool exactly_equal(const AtomTable& atoms, TermRef a, TermRef b) {
  return compare_terms(atoms, a, b, CompareMode::Exact) == 0;
}

} // namespace relupkit::ast
