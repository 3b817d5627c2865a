// SPDX-License-Identifier: Apache-2.0
#pragma once
// UTF-8 helpers for text the AST holds (always well-formed UTF-8). The parsers
// validate and decode their input themselves; the PEGTL grammar keeps its own,
// independent helpers on purpose.

#include <cstdint>
#include <string>

namespace relupkit::detail {

/// Decodes the UTF-8 sequence at `s[i]` and advances `i` past it. `s` must be
/// well-formed UTF-8.
template <typename Index> inline uint32_t decode_utf8(const unsigned char* s, Index& i) {
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

/// Appends code point `c` (<= 0x10FFFF) to `out` as UTF-8.
inline void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    const char b[2] = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    out.append(b, 2);
  } else if (c < 0x10000) {
    const char b[3] = {static_cast<char>(0xE0 | (c >> 12)),
                       static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (c & 0x3F))};
    out.append(b, 3);
  } else {
    const char b[4] = {
        static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    out.append(b, 4);
  }
}

} // namespace relupkit::detail
