// SPDX-License-Identifier: Apache-2.0
// relupkit_parse_floor: lower bounds for parsing a relup, next to relupkit's
// parser, in one run on one file. Not a parser: a skeleton that does only part
// of a parse's work, to show where a design's time floor lies (docs/ast.md,
// "What 1 GB/s would take").
//
//   masks        64-byte blocks classified into name-character and white-space
//                bit masks (the parser's own SSE2 classes, src/parse/byte_classes.h),
//                and the token starts counted
//                (simdjson's stage 1, for this grammar's common tokens);
//   walk         + every token visited (one branch on its first byte), each bare
//                atom's end found, one 8-byte value stored per token;
//   walk+hash    + each bare atom hashed (AtomTable::hash);
//   walk+intern  + each bare atom interned in an AtomTable (its ids stored);
//   intern only  the same atoms interned from a list made beforehand: the
//                table's own cost, with nothing else in the caches' way;
//   walk|intern  walk+intern on two threads: the walk hands each bare atom
//                (text, length, where its id goes) to a second thread through
//                a ring, and that thread interns it and stores its id; the
//                time includes starting the thread and waiting for it to
//                finish (the interning taken off the walk's path, as the
//                redesign in docs/ast.md would take it);
//   tape         walk+intern building a tape (simdjson's form of a parse
//                result) instead of the walk's plain values: one 8-byte word
//                per token, its byte offset and, for an atom, its id; each
//                `{`/`[` and its `}`/`]` hold each other's index, matched with
//                a stack. The least an AST on a tape (the redesign in
//                docs/ast.md) would do for this file, without spans' ends,
//                integers' values or errors;
//   tape|intern  the same with the interning on a second thread, as in
//                walk|intern: the ids written into the tape;
//   tape|intern,apart  the same, the ids written to an array of their own by
//                occurrence (the tape's atom words hold occurrence numbers),
//                so that the two threads do not write the same cache lines;
//   relupkit     parse_document(), the whole parse to AST.
//
// The skeleton understands what a systools relup is made of: bare atoms,
// strings and quoted atoms without escapes, integers, punctuation, white
// space, `%` comments. It checks itself: the walk must find the same atoms, in
// the same order, as a byte-at-a-time scan of the file, or it exits 1.
//
// Usage: relupkit_parse_floor FILE [--reps N]

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "parse/byte_classes.h"
#include "relupkit/ast/atom_table.h"
#include "relupkit/parse/parser.h"
#include "relupkit/source/source.h"

namespace {

using relupkit::ast::AtomTable;

struct AtomText {
  const char* text;
  uint32_t bytes;
};

bool is_name(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '@';
}

/// The reference: bare atoms of the file, a byte at a time.
std::vector<AtomText> scalar_atoms(const char* p, const char* end) {
  std::vector<AtomText> out;
  while (p < end) {
    const char c = *p;
    if (c == '%') {
      while (p < end && *p != '\n')
        ++p;
    } else if (c == '"' || c == '\'') {
      ++p;
      while (p < end && *p != c)
        ++p;
      ++p;
    } else if (c >= 'a' && c <= 'z') {
      const char* q = p;
      while (is_name(*q))
        ++q;
      out.push_back({p, static_cast<uint32_t>(q - p)});
      p = q;
    } else if (is_name(c)) {
      while (is_name(*p))
        ++p;
    } else {
      ++p;
    }
  }
  return out;
}

/// 64 bytes of one class as a bit mask, from the parser's 16-byte classes.
template <uint32_t (*Bits16)(const char*)> uint64_t mask64(const char* p) {
  uint64_t m = 0;
  for (int i = 0; i < 4; ++i)
    m |= uint64_t{Bits16(p + 16 * i)} << (16 * i);
  return m;
}
uint64_t name_mask(const char* p) { return mask64<relupkit::parse::detail::name_bits16>(p); }
uint64_t white_mask(const char* p) { return mask64<relupkit::parse::detail::white_bits16>(p); }

enum class Mode { Masks, Walk, Hash, Intern, Tape };

/// Tape words: the token's offset in the high 32 bits; in the low 32, an
/// atom's id, or the byte of any other token with (brackets) the index of
/// the bracket that matches it above it.
constexpr int kTapeIndexShift = 8;
uint64_t tape_word(size_t at, uint64_t low) { return uint64_t(at) << 32 | low; }

/// Tape words for a token other than a bare atom (see tape_word): pushed to
/// `out`, an open bracket's index kept on `open` until its close.
void tape_other(std::vector<uint64_t>& out, std::vector<uint32_t>& open, size_t at, char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (c == '{' || c == '[') {
    open.push_back(static_cast<uint32_t>(out.size()));
    out.push_back(tape_word(at, byte));
  } else if ((c == '}' || c == ']') && !open.empty()) {
    const uint32_t o = open.back();
    open.pop_back();
    out[o] |= uint64_t(out.size()) << kTapeIndexShift;
    out.push_back(tape_word(at, byte | uint64_t(o) << kTapeIndexShift));
  } else {
    out.push_back(tape_word(at, byte));
  }
}

/// The block walk over [base, base + n) (64 readable bytes past the end):
/// every token start found from the block masks; `atom(text, bytes)` for each
/// bare atom, its end found in the mask (or past the block); `other(offset,
/// byte)` for any other token. With `CountOnly`, only counts the token
/// starts (masks). Returns the count, or out's size.
template <bool CountOnly, typename OnAtom, typename OnOther>
uint64_t walk_blocks(
    const char* base, size_t n, std::vector<uint64_t>& out, OnAtom&& atom, OnOther&& other) {
  uint64_t sum = 0, prev_name = 0;
  size_t resume = 0; // inside a comment or a quoted text until here
  for (size_t b = 0; b < n; b += 64) {
    const char* p = base + b;
    const uint64_t name = name_mask(p);
    uint64_t starts = (name & ~((name << 1) | prev_name)) | (~name & ~white_mask(p));
    prev_name = name >> 63;
    if (b + 64 > n)
      starts &= n - b == 64 ? ~uint64_t{0} : (uint64_t{1} << (n - b)) - 1;
    if constexpr (CountOnly) {
      sum += static_cast<uint64_t>(__builtin_popcountll(starts));
      continue;
    }
    while (starts != 0) {
      const auto i = static_cast<size_t>(__builtin_ctzll(starts));
      starts &= starts - 1;
      const size_t at = b + i;
      if (at < resume)
        continue;
      const char c = base[at];
      if (c >= 'a' && c <= 'z') {
        // The name ends at the first non-name byte: in this block's mask, or
        // (names crossing the block's end) in the following blocks.
        const uint64_t rest = ~name >> i;
        size_t len = rest != 0 ? static_cast<size_t>(__builtin_ctzll(rest)) : 64 - i;
        if (rest == 0)
          while (is_name(base[at + len]))
            ++len;
        atom(base + at, static_cast<uint32_t>(len));
        resume = at + len;
      } else if (c == '%' || c == '"' || c == '\'') {
        const char stop = c == '%' ? '\n' : c;
        const void* e = std::memchr(base + at + 1, stop, n - at - 1);
        resume = e != nullptr ? static_cast<size_t>(static_cast<const char*>(e) - base) + 1 : n;
        other(at, c);
      } else {
        other(at, c);
      }
    }
  }
  return CountOnly ? sum : out.size();
}

/// One pass of the skeleton in `mode`. Returns a checksum; `out` gets one
/// value per token (in Intern mode an atom's id), `atoms` the atoms found in
/// Walk mode.
uint64_t skeleton(const char* base,
                  size_t n,
                  Mode mode,
                  std::vector<uint64_t>& out,
                  AtomTable* table,
                  std::vector<AtomText>* atoms) {
  const auto plain = [&out](size_t, char c) { out.push_back(static_cast<unsigned char>(c)); };
  if (mode == Mode::Masks)
    return walk_blocks<true>(
        base, n, out, [](const char*, uint32_t) {}, plain);
  if (mode == Mode::Tape) {
    std::vector<uint32_t> open;
    walk_blocks<false>(
        base, n, out,
        [&](const char* text, uint32_t bytes) {
          out.push_back(tape_word(static_cast<size_t>(text - base),
                                  table->intern(std::string_view(text, bytes), bytes).id));
        },
        [&](size_t at, char c) { tape_other(out, open, at, c); });
    return out.size();
  }
  return walk_blocks<false>(
      base, n, out,
      [&](const char* text, uint32_t bytes) {
        if (mode == Mode::Walk) {
          out.push_back(bytes);
          if (atoms != nullptr)
            atoms->push_back({text, bytes});
        } else if (mode == Mode::Hash) {
          out.push_back(AtomTable::hash(text, bytes));
        } else {
          out.push_back(table->intern(std::string_view(text, bytes), bytes).id);
        }
      },
      plain);
}

/// walk|intern: the walk on this thread, the interning on another, joined by a
/// single-producer single-consumer ring. The ids land in `out` where the walk
/// left a place for them. Returns what skeleton() returns.
uint64_t pipelined(const char* base,
                   size_t n,
                   std::vector<uint64_t>& out,
                   AtomTable& table,
                   bool tape,
                   uint32_t* apart = nullptr) {
  struct Job {
    const char* text;
    uint32_t bytes;
    uint32_t pos;
  };
  constexpr size_t kRing = 1 << 14, kBatch = 1024;
  std::vector<Job> ring(kRing);
  // The ring's indices and end flag, each on a cache line of its own (the
  // struct is whole lines, so no local of the walk's shares one), and
  // nothing else of the walk's read by the other thread, which takes copies:
  // one variable it read per atom on a line the walk wrote made walk|intern
  // 4-10 times slower.
  struct Shared {
    alignas(64) std::atomic<size_t> head{0};
    alignas(64) std::atomic<size_t> tail{0};
    alignas(64) std::atomic<bool> done{false};
  } shared;
  std::atomic<size_t>& head = shared.head;
  std::atomic<size_t>& tail = shared.tail;
  std::atomic<bool>& done = shared.done;
  uint64_t* slots = nullptr; // out's data, once sized (the walk only appends)
  out.reserve(n / 4);
  slots = out.data();
  Job* const jobs = ring.data();
  std::thread worker([&head, &tail, &done, &table, jobs, slots, base, tape, apart] {
    size_t t = 0;
    for (;;) {
      const size_t h = head.load(std::memory_order_acquire);
      if (t == h) {
        if (done.load(std::memory_order_acquire) && t == head.load(std::memory_order_acquire))
          break;
        std::this_thread::yield(); // (should the two threads share a core)
        continue;
      }
      for (; t != h; ++t) {
        const Job& j = jobs[t & (kRing - 1)];
        const uint32_t id = table.intern(std::string_view(j.text, j.bytes), j.bytes).id;
        if (apart != nullptr)
          apart[j.pos] = id;
        else
          slots[j.pos] = tape ? tape_word(static_cast<size_t>(j.text - base), id) : id;
        if ((t & (kBatch - 1)) == kBatch - 1)
          tail.store(t + 1, std::memory_order_release);
      }
      tail.store(t, std::memory_order_release);
    }
  });
  size_t h = 0, tail_seen = 0;
  std::vector<uint32_t> open;
  walk_blocks<false>(
      base, n, out,
      [&](const char* text, uint32_t bytes) {
        if (h - tail_seen == kRing) {
          while (h - (tail_seen = tail.load(std::memory_order_acquire)) == kRing)
            std::this_thread::yield();
        }
        if (apart != nullptr) { // the atom's occurrence number; its id goes to apart[]
          ring[h & (kRing - 1)] = Job{text, bytes, static_cast<uint32_t>(h)};
          out.push_back(tape_word(static_cast<size_t>(text - base), h));
        } else {
          ring[h & (kRing - 1)] = Job{text, bytes, static_cast<uint32_t>(out.size())};
          out.push_back(0); // its id, when the other thread has it
        }
        ++h;
        if ((h & (kBatch - 1)) == 0)
          head.store(h, std::memory_order_release);
      },
      [&](size_t at, char c) {
        if (tape)
          tape_other(out, open, at, c);
        else
          out.push_back(static_cast<unsigned char>(c));
      });
  head.store(h, std::memory_order_release);
  done.store(true, std::memory_order_release);
  worker.join();
  if (out.data() != slots) {
    fmt::print(stderr, "relupkit_parse_floor: the output moved under the other thread\n");
    std::exit(1);
  }
  return out.size();
}

/// Whether `tape` is walk+intern's `ids` as a tape: the same atom ids and
/// tokens, at offsets that hold them, each bracket pointing at its match.
bool tape_matched(const char* base,
                  const std::vector<uint64_t>& tape,
                  const std::vector<uint64_t>& ids) {
  if (tape.size() != ids.size())
    return false;
  for (size_t i = 0; i < tape.size(); ++i) {
    const auto low = static_cast<uint32_t>(tape[i]);
    const char c = base[tape[i] >> 32];
    if (c >= 'a' && c <= 'z') {
      if (low != ids[i])
        return false;
      continue;
    }
    if (static_cast<unsigned char>(c) != (low & 0xFF) || ids[i] != (low & 0xFF))
      return false;
    if (c == '{' || c == '[' || c == '}' || c == ']') {
      const size_t m = low >> kTapeIndexShift;
      const char want = c == '{' ? '}' : c == '[' ? ']' : c == '}' ? '{' : '[';
      if (m >= tape.size() || base[tape[m] >> 32] != want ||
          (static_cast<uint32_t>(tape[m]) >> kTapeIndexShift) != i)
        return false;
    }
  }
  return true;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    fmt::print(stderr, "usage: relupkit_parse_floor FILE [--reps N]\n");
    return 2;
  }
  int reps = 20;
  if (argc == 4 && std::strcmp(argv[2], "--reps") == 0)
    reps = std::max(1, std::atoi(argv[3]));
  auto loaded = relupkit::SourceBuffer::read_file(argv[1]);
  if (!loaded.ok()) {
    fmt::print(stderr, "relupkit_parse_floor: cannot read {}\n", argv[1]);
    return 2;
  }
  const relupkit::SourceBuffer& src = *loaded;
  const char* base = src.text().data();
  const size_t n = src.text().size();
  static_assert(relupkit::SourceBuffer::kPadding >= 64);

  // Self-check: the block walk finds exactly the atoms of the byte-at-a-time scan.
  const std::vector<AtomText> reference = scalar_atoms(base, base + n);
  {
    std::vector<uint64_t> out;
    std::vector<AtomText> found;
    skeleton(base, n, Mode::Walk, out, nullptr, &found);
    bool same = found.size() == reference.size();
    for (size_t i = 0; same && i < found.size(); ++i)
      same = found[i].text == reference[i].text && found[i].bytes == reference[i].bytes;
    if (!same) {
      fmt::print(stderr, "relupkit_parse_floor: the block walk found {} atoms, the scan {}\n",
                 found.size(), reference.size());
      return 1;
    }
  }

  const auto best_of = [&](auto&& body) {
    double best = 1e30;
    for (int r = 0; r < reps; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      body();
      best = std::min(best, seconds_since(t0));
    }
    return best;
  };
  uint64_t sink = 0;
  size_t distinct_walk = 0, distinct_list = 0;
  const auto row = [&](const char* what, double s) {
    fmt::print("{:<18} {:8.1f} ms {:8.0f} MB/s\n", what, s * 1e3, static_cast<double>(n) / s / 1e6);
  };
  std::vector<uint64_t> none;
  const uint64_t tokens = skeleton(base, n, Mode::Masks, none, nullptr, nullptr);
  fmt::print("{}: {} bytes, {} token starts, {} bare atoms, best of {}\n", argv[1], n, tokens,
             reference.size(), reps);
  const Mode modes[] = {Mode::Masks, Mode::Walk, Mode::Hash, Mode::Intern};
  const char* names[] = {"masks", "walk", "walk+hash", "walk+intern"};
  // One output buffer for every run, its pages touched once here: the walk's
  // floor should not include first-touch page faults (on some virtual
  // machines a fault costs over 10 us, and 40 MB of fresh pages then take
  // longer than the walk).
  std::vector<uint64_t> out(n / 4);
  out.clear();
  for (int m = 0; m < 4; ++m) {
    row(names[m], best_of([&] {
          out.clear();
          AtomTable table;
          sink += skeleton(base, n, modes[m], out, &table, nullptr);
          if (modes[m] == Mode::Intern)
            distinct_walk = table.size();
        }));
  }
  std::vector<uint64_t> serial_ids;
  {
    out.clear();
    AtomTable table;
    skeleton(base, n, Mode::Intern, out, &table, nullptr);
    serial_ids = out;
  }
  row("walk|intern", best_of([&] {
        out.clear();
        AtomTable table;
        sink += pipelined(base, n, out, table, false);
      }));
  if (out != serial_ids) { // the same values, ids included, as walk+intern's
    fmt::print(stderr, "relupkit_parse_floor: walk|intern differs from walk+intern\n");
    return 1;
  }
  // The tape, on one thread and on two: the same words, every bracket matched.
  std::vector<uint64_t> serial_tape;
  row("tape", best_of([&] {
        out.clear();
        AtomTable table;
        sink += skeleton(base, n, Mode::Tape, out, &table, nullptr);
      }));
  serial_tape = out;
  // The same, with the ids kept apart by occurrence (out of the walk's cache
  // lines); the tape's atom words hold occurrence numbers, replaced by the
  // ids here, after the timing, to check them.
  std::vector<uint32_t> apart(n / 4);
  bool apart_same = true;
  row("tape|intern,apart", best_of([&] {
        out.clear();
        AtomTable table;
        sink += pipelined(base, n, out, table, true, apart.data());
      }));
  {
    std::vector<uint64_t> patched = out;
    for (uint64_t& w : patched) {
      const char c = base[w >> 32];
      if (c >= 'a' && c <= 'z')
        w = (w & ~uint64_t{0xFFFFFFFF}) | apart[static_cast<uint32_t>(w)];
    }
    apart_same = patched == serial_tape;
  }
  row("tape|intern", best_of([&] {
        out.clear();
        AtomTable table;
        sink += pipelined(base, n, out, table, true);
      }));
  if (out != serial_tape || !apart_same || !tape_matched(base, serial_tape, serial_ids)) {
    fmt::print(stderr, "relupkit_parse_floor: the tapes differ, or a bracket is unmatched\n");
    return 1;
  }
  row("intern only", best_of([&] {
        AtomTable table;
        for (const AtomText& a : reference)
          sink += table.intern(std::string_view(a.text, a.bytes), a.bytes).id;
        distinct_list = table.size();
      }));
  // The parser takes its buffer: each run gets a fresh copy, made outside the timing.
  double parse_best = 1e30;
  for (int r = 0; r < reps; ++r) {
    relupkit::SourceBuffer copy(argv[1], std::string(src.text()));
    const auto t0 = std::chrono::steady_clock::now();
    auto doc = relupkit::parse::parse_document(std::move(copy));
    parse_best = std::min(parse_best, seconds_since(t0));
    if (!doc.ok()) {
      fmt::print(stderr, "relupkit_parse_floor: {} does not parse\n", argv[1]);
      return 2;
    }
    sink += (*doc)->atoms.size();
  }
  row("relupkit", parse_best);
  if (distinct_walk != distinct_list) {
    fmt::print(stderr, "relupkit_parse_floor: {} distinct atoms by the walk, {} from the list\n",
               distinct_walk, distinct_list);
    return 1;
  }
  fmt::print("{} distinct atoms (checksum {})\n", distinct_walk, sink & 0xFFFF);
  return 0;
}
