// SPDX-License-Identifier: Apache-2.0
#pragma once
// Byte classes of 16 bytes at once, as bit masks (bit i: byte p[i]), with SSE2
// where available. Used by the parser's bulk scans (skip_ascii_white,
// skip_ascii_name) and by bench/parse_floor.cpp, which times a skeleton built
// on the same classification. Reads 16 bytes at `p`: the caller guarantees
// they are readable (SourceBuffer's zero padding).

#include <cstdint>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace relupkit::parse::detail {

/// Bytes 0..32 (ASCII whitespace and control characters).
inline uint32_t white_bits16(const char* p) {
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(32);
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ws = _mm_cmpeq_epi8(_mm_max_epu8(x, space), space); // x <= 32
  return static_cast<uint32_t>(_mm_movemask_epi8(ws));
#else
  uint32_t m = 0;
  for (int i = 0; i < 16; ++i)
    m |= uint32_t{static_cast<unsigned char>(p[i]) <= 32} << i;
  return m;
#endif
}

/// ASCII name characters: [a-zA-Z0-9_@].
inline uint32_t name_bits16(const char* p) {
#ifdef __SSE2__
  const auto in = [](__m128i x, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i m =
      _mm_or_si128(_mm_or_si128(in(x, 'a', 'z'), in(x, '@', 'Z')),
                   _mm_or_si128(in(x, '0', '9'), _mm_cmpeq_epi8(x, _mm_set1_epi8('_'))));
  return static_cast<uint32_t>(_mm_movemask_epi8(m));
#else
  uint32_t m = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = p[i];
    const bool name =
        (c >= 'a' && c <= 'z') || (c >= '@' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    m |= uint32_t{name} << i;
  }
  return m;
#endif
}

/// Whether any of the 64 bytes at `p` is not ASCII (>= 0x80).
inline bool any_non_ascii64(const char* p) {
#ifdef __SSE2__
  const auto* q = reinterpret_cast<const __m128i*>(p);
  const __m128i x = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(q), _mm_loadu_si128(q + 1)),
                                 _mm_or_si128(_mm_loadu_si128(q + 2), _mm_loadu_si128(q + 3)));
  return _mm_movemask_epi8(x) != 0;
#else
  uint64_t acc = 0;
  for (int i = 0; i < 64; i += 8) {
    uint64_t w;
    __builtin_memcpy(&w, p + i, 8);
    acc |= w;
  }
  return (acc & 0x8080808080808080ull) != 0;
#endif
}

} // namespace relupkit::parse::detail
