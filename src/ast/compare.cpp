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

#include "relupkit/ast/bigint.h"

namespace relupkit::ast {

namespace {

/// Decodes one UTF-8 sequence at `s[i]` (the parser only stores valid UTF-8).
inline uint32_t decode_utf8(const unsigned char* s, uint32_t& i) {
  uint32_t c = s[i];
  if (c < 0x80) {
    i += 1;
    return c;
  }
  if (c < 0xE0) {
    c = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);
    i += 2;
    return c;
  }
  if (c < 0xF0) {
    c = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3F);
    i += 3;
    return c;
  }
  c = ((c & 0x07) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
      (s[i + 3] & 0x3F);
  i += 4;
  return c;
}

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
  uint32_t pos = 0;      ///< Cursor_: element index (ListTerm) or byte offset (StringTerm)
  const Term* t = nullptr; ///< Term_ / Cursor_
  int64_t ch = 0;          ///< Char_
};

Val term_val(const Term* t) { return Val{Val::Term_, 0, t, 0}; }

/// A value with its list structure resolved.
struct Resolved {
  Class cls;
  const Term* t = nullptr; ///< the term (numbers, atoms, ...), null for Char_/cons/nil
  int64_t ch = 0;          ///< small integer when t is null and cls == kNumber
  Val head{}, tail{};      ///< cons cells
};

Resolved resolve(Val v) {
  if (v.kind == Val::Char_)
    return Resolved{kNumber, nullptr, v.ch, {}, {}};
  const Term* t = v.t;
  uint32_t pos = v.kind == Val::Cursor_ ? v.pos : 0;
  for (;;) {
    switch (t->kind) {
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
        const auto* s = t->cast<StringTerm>();
        if (pos >= s->bytes)
          return Resolved{kNil, nullptr, 0, {}, {}};
        uint32_t i = pos;
        const uint32_t c = decode_utf8(reinterpret_cast<const unsigned char*>(s->utf8), i);
        Resolved r{kCons, nullptr, 0, {}, {}};
        r.head = Val{Val::Char_, 0, nullptr, c};
        r.tail = Val{Val::Cursor_, i, t, 0};
        return r;
      }
      case TermKind::List: {
        const auto* l = t->cast<ListTerm>();
        if (pos < l->size) {
          Resolved r{kCons, nullptr, 0, {}, {}};
          r.head = term_val(l->elems[pos]);
          r.tail = Val{Val::Cursor_, pos + 1, t, 0};
          return r;
        }
        if (l->tail == nullptr)
          return Resolved{kNil, nullptr, 0, {}, {}};
        t = l->tail;
        pos = 0;
        continue;
      }
    }
    return Resolved{kNil, nullptr, 0, {}, {}};
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

int compare_ints(IntOp a, IntOp b) {
  if (a.big == nullptr && b.big == nullptr)
    return a.v < b.v ? -1 : (a.v > b.v ? 1 : 0);
  if (a.big == nullptr)
    return b.big->negative ? 1 : -1;
  if (b.big == nullptr)
    return a.big->negative ? -1 : 1;
  if (a.big->negative != b.big->negative)
    return a.big->negative ? -1 : 1;
  int c = 0;
  if (a.big->size != b.big->size) {
    c = a.big->size < b.big->size ? -1 : 1;
  } else {
    for (uint32_t i = a.big->size; i-- > 0;) {
      if (a.big->limbs[i] != b.big->limbs[i]) {
        c = a.big->limbs[i] < b.big->limbs[i] ? -1 : 1;
        break;
      }
    }
  }
  return a.big->negative ? -c : c;
}

int compare_int_double(IntOp a, double d) {
  if (a.big != nullptr)
    return compare_big_double(*a.big, d);
  // long double holds every int64_t and every double exactly.
  const long double x = static_cast<long double>(a.v);
  const long double y = d;
  return x < y ? -1 : (x > y ? 1 : 0);
}

int compare_numbers(const Resolved& a, const Resolved& b, CompareMode mode) {
  const bool af = a.t != nullptr && a.t->kind == TermKind::Float;
  const bool bf = b.t != nullptr && b.t->kind == TermKind::Float;
  auto int_of = [](const Resolved& r) {
    if (r.t == nullptr)
      return IntOp{r.ch, nullptr};
    const auto* i = r.t->cast<IntegerTerm>();
    return IntOp{i->value, i->big};
  };
  if (af && bf)
    return compare_doubles(a.t->cast<FloatTerm>()->value, b.t->cast<FloatTerm>()->value);
  if (!af && !bf)
    return compare_ints(int_of(a), int_of(b));
  if (mode == CompareMode::Exact)
    return af ? 1 : -1; // every integer before every float
  if (bf)
    return compare_int_double(int_of(a), b.t->cast<FloatTerm>()->value);
  return -compare_int_double(int_of(b), a.t->cast<FloatTerm>()->value);
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

} // namespace

struct TermComparator::Impl {
  const AtomTable& atoms;
  std::unordered_map<const MapTerm*, std::vector<MapEntry>> sorted;
  std::vector<Task> tasks;         // reused by compare()
  std::vector<const Term*> walk;   // reused by prepare()
  std::vector<const MapTerm*> post; // reused by prepare()

  explicit Impl(const AtomTable& a) : atoms(a) {}

  int compare(const Term* a, const Term* b, CompareMode mode);
  const std::vector<MapEntry>& entries(const MapTerm& m);
  void prepare(const MapTerm& m);
  std::vector<MapEntry> sort_entries(const MapTerm& m);
};

int TermComparator::Impl::compare(const Term* a, const Term* b, CompareMode mode) {
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
        result = compare_text(atoms.text(x.t->cast<AtomTerm>()->atom),
                              atoms.text(y.t->cast<AtomTerm>()->atom));
        break;
      case kFun: {
        const auto* f = x.t->cast<FunTerm>();
        const auto* g = y.t->cast<FunTerm>();
        result = compare_text(atoms.text(f->module), atoms.text(g->module));
        if (result == 0)
          result = compare_text(atoms.text(f->function), atoms.text(g->function));
        if (result == 0)
          result = sign(int64_t(f->arity) - int64_t(g->arity));
        break;
      }
      case kTuple: {
        const auto* p = x.t->cast<TupleTerm>();
        const auto* q = y.t->cast<TupleTerm>();
        if (p->size != q->size) {
          result = p->size < q->size ? -1 : 1;
          break;
        }
        for (uint32_t i = p->size; i-- > 0;)
          local.push_back(Task{term_val(p->elems[i]), term_val(q->elems[i]), task.mode});
        break;
      }
      case kMap: {
        const std::vector<MapEntry>& p = entries(*x.t->cast<MapTerm>());
        const std::vector<MapEntry>& q = entries(*y.t->cast<MapTerm>());
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
        result = compare_bits(*x.t->cast<BinaryTerm>(), *y.t->cast<BinaryTerm>());
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
  std::vector<const Term*> stack;
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
      stack.push_back(map->kv[2 * i]);
      if (map != &m)
        stack.push_back(map->kv[2 * i + 1]);
    }
    while (!stack.empty()) {
      const Term* t = stack.back();
      stack.pop_back();
      switch (t->kind) {
        case TermKind::Tuple: {
          const auto* tu = t->cast<TupleTerm>();
          for (uint32_t i = 0; i < tu->size; ++i)
            stack.push_back(tu->elems[i]);
          break;
        }
        case TermKind::List: {
          const auto* l = t->cast<ListTerm>();
          for (uint32_t i = 0; i < l->size; ++i)
            stack.push_back(l->elems[i]);
          if (l->tail != nullptr)
            stack.push_back(l->tail);
          break;
        }
        case TermKind::Map: {
          const auto* inner = t->cast<MapTerm>();
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
    return compare(m.kv[2 * i], m.kv[2 * j], CompareMode::Exact) < 0;
  });
  std::vector<MapEntry> out;
  out.reserve(m.size);
  for (size_t k = 0; k < idx.size(); ++k) {
    // Of a run of equal keys keep the last one written (stable sort keeps the
    // source order inside the run).
    if (k + 1 < idx.size() &&
        compare(m.kv[2 * idx[k]], m.kv[2 * idx[k + 1]], CompareMode::Exact) == 0)
      continue;
    out.emplace_back(m.kv[2 * idx[k]], m.kv[2 * idx[k] + 1]);
  }
  return out;
}

TermComparator::TermComparator(const AtomTable& atoms) : impl_(std::make_unique<Impl>(atoms)) {}
TermComparator::~TermComparator() = default;

int TermComparator::compare(const Term* a, const Term* b, CompareMode mode) {
  return impl_->compare(a, b, mode);
}

const std::vector<MapEntry>& TermComparator::sorted_entries(const MapTerm& m) {
  return impl_->entries(m);
}

std::vector<MapEntry> TermComparator::iteration_order(const MapTerm& m) {
  return impl_->entries(m);
}

int compare_terms(const AtomTable& atoms, const Term* a, const Term* b, CompareMode mode) {
  TermComparator c(atoms);
  return c.compare(a, b, mode);
}

bool exactly_equal(const AtomTable& atoms, const Term* a, const Term* b) {
  return compare_terms(atoms, a, b, CompareMode::Exact) == 0;
}

} // namespace relupkit::ast
