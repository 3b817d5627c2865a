// SPDX-License-Identifier: Apache-2.0
#pragma once
// io_lib:chars_length/1 for a flat list of characters: the character count when
// all are below 256, otherwise string:length/1, which counts grapheme clusters
// with OTP 25's unicode_util:gc/1 (Unicode 14). io_lib_pretty measures atoms,
// strings and UTF-8 binaries with it, so `'e\x{301}'` is 3 columns wide, not 4.

#include <cstddef>
#include <cstdint>

namespace relupkit::print::detail {

namespace gc {

enum Action : uint8_t {
  kNone,
  kBreak,
  kLatin1,
  kCr,
  kPrepend,
  kHangulL,
  kHangulV,
  kHangulT,
  kHangulLvLvt,
  kRegional,
  kExtPict,
  kDefault,
  kYes,
  kZwj,
};

struct GcRange {
  uint32_t lo, hi;
  Action action;
};

#include "print/grapheme_tables.inc"

template <size_t N> inline Action lookup(const GcRange (&table)[N], uint32_t c, Action otherwise) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (table[mid].hi < c)
      lo = mid + 1;
    else if (table[mid].lo > c)
      hi = mid;
    else
      return table[mid].action;
  }
  return otherwise;
}

inline Action extend(uint32_t c) { return lookup(kExtendTable, c, kNone); }
inline bool ext_pict(uint32_t c) { return lookup(kExtPictTable, c, kNone) == kYes; }
inline bool control(uint32_t c) { return lookup(kControlTable, c, kNone) == kYes; }
inline bool hangul_l(uint32_t c) { return (c >= 4352 && c <= 4447) || (c >= 43360 && c <= 43388); }
inline bool hangul_v(uint32_t c) { return (c >= 4448 && c <= 4519) || (c >= 55216 && c <= 55238); }
inline bool hangul_t(uint32_t c) { return (c >= 4520 && c <= 4607) || (c >= 55243 && c <= 55291); }
inline bool regional(uint32_t c) { return c >= 127462 && c <= 127487; }

/// gc_extend2: extends (and ZWJs) after position i.
inline size_t extend_from(const uint32_t* s, size_t i, size_t n) {
  while (i < n && extend(s[i]) != kNone)
    ++i;
  return i;
}

/// gc_h_V / gc_h_T: the rest of a Hangul syllable sequence, then extends.
inline size_t hangul_from(const uint32_t* s, size_t i, size_t n, bool in_v) {
  if (in_v)
    while (i < n && hangul_v(s[i]))
      ++i;
  while (i < n && hangul_t(s[i]))
    ++i;
  return extend_from(s, i, n);
}

/// unicode_util:gc_1/1: the end of the cluster starting at s[i].
inline size_t gc1(const uint32_t* s, size_t i, size_t n) {
  // gc_prepend/2: a run of Prepend characters joins the cluster that follows
  // unless a control character comes next (a loop, not unicode_util's recursion).
  Action action = lookup(kGc1Table, s[i], kDefault);
  while (action == kPrepend) {
    if (i + 1 >= n || control(s[i + 1]))
      return i + 1;
    ++i;
    action = lookup(kGc1Table, s[i], kDefault);
  }
  const uint32_t c = s[i];
  switch (action) {
    case kCr:
      return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
    case kBreak:
      return i + 1;
    case kLatin1:
      if (i + 1 < n && s[i + 1] < 256)
        return i + 1;
      return extend_from(s, i + 1, n);
    case kHangulL: {
      size_t j = i + 1;
      while (j < n && hangul_l(s[j]))
        ++j;
      if (j < n && hangul_v(s[j]))
        return hangul_from(s, j, n, true);
      if (j < n) {
        const Action lv = lookup(kLvLvtTable, s[j], kNone);
        if (lv == kHangulV)
          return hangul_from(s, j + 1, n, true);
        if (lv == kHangulT)
          return hangul_from(s, j + 1, n, false);
      }
      return extend_from(s, j, n);
    }
    case kHangulV:
      return hangul_from(s, i + 1, n, true);
    case kHangulT:
      return hangul_from(s, i + 1, n, false);
    case kHangulLvLvt: {
      const Action lv = lookup(kLvLvtTable, c, kNone);
      if (lv == kHangulV)
        return hangul_from(s, i + 1, n, true);
      if (lv == kHangulT)
        return hangul_from(s, i + 1, n, false);
      return extend_from(s, i + 1, n);
    }
    case kRegional:
      if (i + 1 < n && regional(s[i + 1]))
        return extend_from(s, i + 2, n);
      return extend_from(s, i + 1, n);
    case kExtPict: {
      size_t j = i + 1;
      for (;;) {
        if (j >= n)
          return j;
        const Action e = extend(s[j]);
        if (e == kZwj) {
          if (j + 1 < n && ext_pict(s[j + 1])) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        if (e == kYes) {
          ++j;
          continue;
        }
        return j;
      }
    }
    default:
      return extend_from(s, i + 1, n);
  }
}

} // namespace gc

/// io_lib:chars_length/1 of the characters s[0..n).
inline uint64_t chars_length(const uint32_t* s, size_t n) {
  bool wide = false;
  for (size_t i = 0; i < n && !wide; ++i)
    wide = s[i] > 255;
  if (!wide)
    return n;
  // string:length/1 (length_1/2 with its Latin-1 fast path) over gc/1.
  uint64_t count = 0;
  size_t i = 0;
  while (i < n) {
    ++count;
    if (i + 1 < n && s[i] < 256 && s[i + 1] < 256 && s[i] != '\r') {
      ++i;
      continue;
    }
    if (i + 1 == n)
      break;
    // gc/1
    if (s[i] == '\r') {
      i += s[i + 1] == '\n' ? 2 : 1;
    } else if (s[i] < 256 && s[i + 1] < 256) {
      i += 1;
    } else {
      i = gc::gc1(s, i, n);
    }
  }
  return count;
}

} // namespace relupkit::print::detail
