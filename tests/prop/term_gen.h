// SPDX-License-Identifier: Apache-2.0
#pragma once
// A rapidcheck generator of Erlang term files in varied surface syntax, each
// with the structural dump (tests/parse/term_dump.h) of what file:consult reads
// from it. The generator is its own oracle: it knows the value it wrote, so a
// property can check a parser against it without running OTP. (The OTP
// differential tests in tests/oracle/ check the same syntax against
// file:consult itself.)
//
// What it writes: bare atoms (ASCII and Latin-1 letters), quoted atoms and
// strings with every kind of escape and raw UTF-8, adjacent-string
// concatenation, decimal/based/big integers with digit separators, `$`
// literals, floats, unary minus and plus (`-5`, `- 5`, `-(5)`, `+5`), tuples,
// proper and improper lists (with list and string tails), maps, binaries
// (sizes, unit, little, signed, utf8, float and string segments, bitstrings),
// external funs; between tokens: nothing, spaces, tabs, CR LF, NUL, NBSP and
// `%` comments; terms ended by `.` and whitespace, a comment, or the end of file.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

namespace relupkit::prop {

/// A generated piece of Erlang source and the dump of the term it denotes.
struct Piece {
  std::string text;
  std::string dump;
  /// Lists and strings: `dump` is "[" + inner + "]", so that a list tail can be
  /// spliced the way term_dump.h flattens cons cells.
  bool is_list = false;
  std::string inner;
};

inline void showValue(const Piece& p, std::ostream& os) {
  os << "text: " << testing::PrintToString(p.text) << "\nexpected dump: " << p.dump;
}

/// A whole generated file.
struct Doc {
  std::string text;
  std::vector<std::string> dumps; ///< one per term
};

inline void showValue(const Doc& d, std::ostream& os) {
  os << testing::PrintToString(d.text) << "\nexpected:";
  for (const auto& s : d.dumps)
    os << "\n  " << s;
}

namespace detail {

inline void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

inline std::string join_codes(const std::vector<uint32_t>& cs) {
  std::string out;
  for (size_t i = 0; i < cs.size(); ++i) {
    if (i)
      out += ',';
    out += std::to_string(cs[i]);
  }
  return out;
}

/// Text between two tokens: nothing, blanks, line breaks, NUL, NBSP, a comment.
inline rc::Gen<std::string> gap() {
  return rc::gen::weightedElement<std::string>({
      {8, ""},
      {4, " "},
      {2, "\n"},
      {1, "\t"},
      {1, "\r\n"},
      {1, std::string(1, '\0')},
      {1, "\xC2\xA0"}, // U+00A0, whitespace to erl_scan
      {1, " % a comment, \"quoted\"\n"},
      {1, "%%% \xE4\xB8\xAD\n"}, // a comment with UTF-8 in it
  });
}

/// A gap that is not empty (after `fun`).
inline rc::Gen<std::string> blank() {
  return rc::gen::map(gap(), [](std::string g) { return g.empty() ? std::string(" ") : g; });
}

inline bool reserved_word(const std::string& s) {
  static const char* const kWords[] = {
      "after", "and",    "andalso", "band", "begin", "bnot", "bor", "bsl",   "bsr", "bxor",
      "case",  "catch",  "cond",    "div",  "end",   "fun",  "if",  "let",   "not", "of",
      "or",    "orelse", "receive", "rem",  "try",   "when", "xor", "maybe", "else"};
  for (const char* w : kWords)
    if (s == w)
      return true;
  return false;
}

/// One character of a quoted atom or string: its source text and code point.
struct Char {
  std::string text;
  uint32_t code;
};

/// A character inside `quote` ('\'' or '"'): plain, raw UTF-8, or escaped.
inline rc::Gen<Char> quoted_char(char quote) {
  return rc::gen::exec([quote]() -> Char {
    switch (*rc::gen::inRange(0, 8)) {
      case 0:
      case 1: {
        // Printable ASCII, escaping what must be.
        const auto c = static_cast<char>(*rc::gen::inRange(32, 127));
        if (c == quote || c == '\\')
          return {std::string("\\") + c, static_cast<uint32_t>(static_cast<unsigned char>(c))};
        return {std::string(1, c), static_cast<uint32_t>(static_cast<unsigned char>(c))};
      }
      case 2: {
        // Raw UTF-8: Latin-1, CJK, astral, a combining mark.
        const uint32_t c =
            *rc::gen::element<uint32_t>(0xE9, 0xA0, 0xFF, 0x4E2D, 0x1F600, 0x301, 0x10FFFD);
        std::string t;
        append_utf8(t, c);
        return {t, c};
      }
      case 3: {
        // Raw control characters and line breaks.
        const auto c = *rc::gen::element<uint32_t>(9, 10, 13, 1, 127);
        return {std::string(1, static_cast<char>(c)), c};
      }
      case 4: {
        static const std::pair<const char*, uint32_t> kEsc[] = {
            {"\\n", 10},  {"\\t", 9},  {"\\r", 13},  {"\\s", 32},  {"\\b", 8},  {"\\f", 12},
            {"\\v", 11},  {"\\e", 27}, {"\\d", 127}, {"\\\\", 92}, {"\\'", 39}, {"\\\"", 34},
            {"\\z", 'z'}, {"\\^a", 1}, {"\\^Z", 26}, {"\\^?", 31}, {"\\^@", 0}};
        const auto& e = kEsc[*rc::gen::inRange<size_t>(0, sizeof kEsc / sizeof kEsc[0])];
        return {e.first, e.second};
      }
      case 5: {
        // Three-digit octal (a shorter one would swallow a following digit).
        const uint32_t c = *rc::gen::inRange<uint32_t>(0, 256);
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\%03o", c);
        return {buf, c};
      }
      case 6: {
        const uint32_t c = *rc::gen::inRange<uint32_t>(0, 256);
        char buf[8];
        std::snprintf(buf, sizeof buf, *rc::gen::arbitrary<bool>() ? "\\x%02x" : "\\x%02X", c);
        return {buf, c};
      }
      default: {
        uint32_t c =
            *rc::gen::element<uint32_t>(0, 0x41, 0xE9, 0x100, 0x7FF, 0xFFFD, 0x1F600, 0x10FFFF);
        char buf[24];
        std::snprintf(buf, sizeof buf, "\\x{%s%X}", *rc::gen::arbitrary<bool>() ? "0" : "", c);
        return {buf, c};
      }
    }
  });
}

/// Appends a `quote`d literal of fewer than `max_chars` characters to `text`,
/// and its code points to `codes`.
inline void
quoted_literal(char quote, int max_chars, std::string& text, std::vector<uint32_t>& codes) {
  text += quote;
  const auto n = *rc::gen::inRange(0, max_chars);
  for (int i = 0; i < n; ++i) {
    const Char c = *quoted_char(quote);
    text += c.text;
    codes.push_back(c.code);
  }
  text += quote;
}

inline std::string digits_in_base(uint64_t v, unsigned base, bool lower) {
  const char* d =
      lower ? "0123456789abcdefghijklmnopqrstuvwxyz" : "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out;
  do {
    out.insert(out.begin(), d[v % base]);
    v /= base;
  } while (v != 0);
  return out;
}

/// Inserts `_` digit separators between some digits (never at either end, never two in a row).
inline std::string with_separators(const std::string& digits) {
  if (digits.size() < 2 || !*rc::gen::weightedElement<bool>({{3, false}, {1, true}}))
    return digits;
  std::string out(1, digits[0]);
  for (size_t i = 1; i < digits.size(); ++i) {
    if (*rc::gen::weightedElement<bool>({{2, false}, {1, true}}))
      out += '_';
    out += digits[i];
  }
  return out;
}

inline std::string strip_zeros(const std::string& digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0')
    ++i;
  return digits.substr(i);
}

/// A non-negative number literal, with its dump; `value_zero` when it is 0.
struct Number {
  std::string text;
  std::string dump; ///< without a sign
  bool zero = false;
};

inline rc::Gen<Number> number() {
  return rc::gen::exec([]() -> Number {
    switch (*rc::gen::inRange(0, 6)) {
      case 0: {
        const auto v = *rc::gen::inRange<uint64_t>(0, 1000);
        std::string t = std::to_string(v);
        if (*rc::gen::weightedElement<bool>({{5, false}, {1, true}}))
          t = "00" + t;
        return {with_separators(t), std::to_string(v), v == 0};
      }
      case 1: {
        const auto v = *rc::gen::arbitrary<uint64_t>();
        return {with_separators(std::to_string(v)), std::to_string(v), v == 0};
      }
      case 2: {
        // Bignums.
        const auto n = *rc::gen::inRange(19, 90);
        std::string d = std::to_string(*rc::gen::inRange(1, 10));
        for (int i = 1; i < n; ++i)
          d += static_cast<char>('0' + *rc::gen::inRange(0, 10));
        return {with_separators(d), strip_zeros(d), false};
      }
      case 3: {
        const auto base = *rc::gen::inRange<unsigned>(2, 37);
        const auto v = *rc::gen::arbitrary<uint64_t>();
        return {std::to_string(base) + "#" +
                    with_separators(digits_in_base(v, base, *rc::gen::arbitrary<bool>())),
                std::to_string(v), v == 0};
      }
      case 4: {
        // A float: D.DDDe±X with a nonzero leading digit.
        std::string t = std::to_string(*rc::gen::inRange(1, 10));
        const auto int_digits = *rc::gen::inRange(0, 4);
        for (int i = 0; i < int_digits; ++i)
          t += static_cast<char>('0' + *rc::gen::inRange(0, 10));
        t = with_separators(t);
        t += '.';
        const auto frac = *rc::gen::inRange(1, 18);
        for (int i = 0; i < frac; ++i)
          t += static_cast<char>('0' + *rc::gen::inRange(0, 10));
        if (*rc::gen::arbitrary<bool>()) {
          t += *rc::gen::element<std::string>("e", "E", "e+", "e-", "E-0");
          t += std::to_string(*rc::gen::inRange(0, 300));
        }
        std::string plain;
        for (char c : t)
          if (c != '_')
            plain += c;
        char buf[64];
        std::snprintf(buf, sizeof buf, "F(%.17e)", std::strtod(plain.c_str(), nullptr));
        return {t, buf, false};
      }
      default: {
        // A `$` literal.
        const uint32_t kind = *rc::gen::inRange<uint32_t>(0, 3);
        if (kind == 0) {
          const auto c = static_cast<char>(*rc::gen::inRange(33, 127));
          if (c == '\\')
            return {"$\\\\", "92", false};
          return {std::string("$") + c, std::to_string(static_cast<int>(c)), false};
        }
        if (kind == 1) {
          const uint32_t c = *rc::gen::element<uint32_t>(0xE9, 0x4E2D, 0x1F600, 0xA0);
          std::string t = "$";
          append_utf8(t, c);
          return {t, std::to_string(c), false};
        }
        Char ch = *quoted_char('\'');
        if (ch.text[0] != '\\') // raw characters were covered above
          ch = {"\\n", 10};
        return {"$" + ch.text, std::to_string(ch.code), ch.code == 0};
      }
    }
  });
}

inline rc::Gen<Piece> atom(bool ascii_bare_only = false) {
  return rc::gen::exec([ascii_bare_only]() -> Piece {
    std::vector<uint32_t> codes;
    std::string text;
    if (ascii_bare_only || *rc::gen::arbitrary<bool>()) {
      // Bare: a lowercase letter, then letters, digits, `_` and `@`.
      do {
        codes.clear();
        text.clear();
        const uint32_t first = ascii_bare_only || *rc::gen::inRange(0, 6) != 0
                                   ? static_cast<uint32_t>(*rc::gen::inRange<int>('a', 'z' + 1))
                                   : *rc::gen::element<uint32_t>(0xDF, 0xE9, 0xFF);
        codes.push_back(first);
        const auto n = *rc::gen::inRange(0, 10);
        for (int i = 0; i < n; ++i) {
          const auto pick = *rc::gen::inRange(0, ascii_bare_only ? 5 : 6);
          uint32_t c;
          switch (pick) {
            case 0:
              c = static_cast<uint32_t>(*rc::gen::inRange<int>('A', 'Z' + 1));
              break;
            case 1:
              c = static_cast<uint32_t>(*rc::gen::inRange<int>('0', '9' + 1));
              break;
            case 2:
              c = *rc::gen::element<uint32_t>('_', '@');
              break;
            case 5:
              c = *rc::gen::element<uint32_t>(0xC0, 0xE9, 0xDE, 0xF8);
              break;
            default:
              c = static_cast<uint32_t>(*rc::gen::inRange<int>('a', 'z' + 1));
              break;
          }
          codes.push_back(c);
        }
        for (uint32_t c : codes)
          append_utf8(text, c);
      } while (reserved_word(text));
    } else {
      quoted_literal('\'', 12, text, codes);
    }
    return {text, "A(" + join_codes(codes) + ")", false, {}};
  });
}

/// A string literal, maybe several adjacent ones.
inline rc::Gen<Piece> string_literal() {
  return rc::gen::exec([]() -> Piece {
    std::vector<uint32_t> codes;
    std::string text;
    const auto parts = *rc::gen::weightedElement<int>({{6, 1}, {2, 2}, {1, 3}});
    for (int p = 0; p < parts; ++p) {
      if (p)
        text += *gap();
      quoted_literal('"', 10, text, codes);
    }
    const std::string inner = join_codes(codes);
    return {text, "[" + inner + "]", true, inner};
  });
}

/// Big-endian bit writer for binary dumps.
struct Bits {
  std::vector<uint8_t> bytes;
  uint64_t size = 0;
  void push(uint64_t value, unsigned n) { // the low n bits of value, MSB first
    for (unsigned i = n; i-- > 0;) {
      if (size % 8 == 0)
        bytes.push_back(0);
      if ((value >> i) & 1)
        bytes.back() |= static_cast<uint8_t>(0x80 >> (size % 8));
      ++size;
    }
  }
  std::string dump() const {
    std::string out = "<<";
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (i)
        out += ',';
      out += std::to_string(bytes[i]);
    }
    return out + ":" + std::to_string(size) + ">>";
  }
};

inline rc::Gen<Piece> binary() {
  return rc::gen::exec([]() -> Piece {
    Bits bits;
    std::string text = "<<" + *gap();
    const auto n = *rc::gen::inRange(0, 6);
    for (int s = 0; s < n; ++s) {
      if (s)
        text += *gap() + "," + *gap();
      switch (*rc::gen::inRange(0, 8)) {
        case 0: {
          const auto v = *rc::gen::inRange<uint64_t>(0, 256);
          text += std::to_string(v);
          bits.push(v, 8);
          break;
        }
        case 1: {
          const auto size = *rc::gen::inRange<unsigned>(1, 33);
          const auto v = *rc::gen::arbitrary<uint32_t>() & ((uint64_t{1} << size) - 1);
          text += std::to_string(v) + ":" + std::to_string(size);
          bits.push(v, size);
          break;
        }
        case 2: {
          const auto bytes = *rc::gen::inRange<unsigned>(1, 5);
          const uint64_t v = *rc::gen::arbitrary<uint32_t>() & ((uint64_t{1} << (8 * bytes)) - 1);
          text += std::to_string(v) + ":" + std::to_string(8 * bytes) + "/little";
          for (unsigned b = 0; b < bytes; ++b)
            bits.push(v >> (8 * b), 8);
          break;
        }
        case 3: {
          // A negative value, two's complement in `size` bits.
          const auto size = *rc::gen::inRange<unsigned>(2, 33);
          const auto v = *rc::gen::inRange<int64_t>(1, int64_t{1} << (size - 1));
          text += "-" + std::to_string(v) + ":" + std::to_string(size) +
                  (*rc::gen::arbitrary<bool>() ? "/signed" : "/integer-signed-big");
          bits.push(static_cast<uint64_t>(-v), size);
          break;
        }
        case 4: {
          // A string segment of Latin-1 characters.
          text += '"';
          const auto len = *rc::gen::inRange(0, 6);
          for (int i = 0; i < len; ++i) {
            const auto c = *rc::gen::element<uint32_t>('a', 'Z', '0', ' ', 0xE9, 0xFF);
            append_utf8(text, c);
            bits.push(c, 8);
          }
          text += '"';
          break;
        }
        case 5: {
          const uint32_t c =
              *rc::gen::element<uint32_t>(0x41, 0xE9, 0x7FF, 0x4E2D, 0xFFFF, 0x1F600);
          text += std::to_string(c) + "/utf8";
          std::string u;
          append_utf8(u, c);
          for (char b : u)
            bits.push(static_cast<unsigned char>(b), 8);
          break;
        }
        case 6: {
          const auto v = *rc::gen::inRange<uint64_t>(0, 65536);
          const auto units = *rc::gen::inRange<unsigned>(2, 4);
          text += std::to_string(v) + ":" + std::to_string(units) + "/unit:8";
          bits.push(v, 8 * units);
          break;
        }
        default: {
          const double d = *rc::gen::element(1.5, 0.25, 1024.0, 3.0e10);
          char buf[32];
          std::snprintf(buf, sizeof buf, "%.17g", d);
          std::string lit = buf;
          if (lit.find('.') == std::string::npos && lit.find('e') == std::string::npos)
            lit += ".0";
          text += lit + "/float";
          uint64_t raw;
          std::memcpy(&raw, &d, sizeof raw);
          bits.push(raw, 64);
          break;
        }
      }
    }
    text += *gap() + ">>";
    return {text, bits.dump(), false, {}};
  });
}

inline rc::Gen<Piece> term(int depth);

inline rc::Gen<Piece> scalar() {
  return rc::gen::exec([]() -> Piece {
    switch (*rc::gen::weightedElement<int>({{4, 0}, {4, 1}, {2, 2}, {1, 3}, {1, 4}})) {
      case 0: {
        const Number num = *number();
        const std::string negated = num.zero                       ? num.dump
                                    : num.dump.rfind("F(", 0) == 0 ? "F(-" + num.dump.substr(2)
                                                                   : "-" + num.dump;
        // Unary minus or plus, in the forms erl_parse folds.
        switch (*rc::gen::weightedElement<int>({{6, 0}, {2, 1}, {1, 2}, {1, 3}})) {
          case 1: {
            const std::string sign = *rc::gen::element<std::string>("-", "- ", "-%c\n");
            return {sign + num.text, negated, false, {}};
          }
          case 2: {
            const std::string t = "-(" + *gap() + num.text + *gap() + ")";
            return {t, negated, false, {}};
          }
          case 3:
            return {"+" + *gap() + num.text, num.dump, false, {}};
          default:
            return {num.text, num.dump, false, {}};
        }
      }
      case 1:
        return *atom();
      case 2:
        return *string_literal();
      case 3:
        return *binary();
      default: {
        const Piece m = *atom(true);
        const Piece f = *atom(true);
        const auto arity = *rc::gen::inRange(0, 256);
        std::string t = "fun" + *blank() + m.text + *gap() + ":" + *gap() + f.text + *gap() + "/" +
                        *gap() + std::to_string(arity);
        return {t, "fun(" + m.dump + "," + f.dump + "," + std::to_string(arity) + ")", false, {}};
      }
    }
  });
}

inline rc::Gen<Piece> term(int depth) {
  if (depth <= 0)
    return scalar();
  return rc::gen::exec([depth]() -> Piece {
    const auto kind = *rc::gen::weightedElement<int>({{5, 0}, {2, 1}, {2, 2}, {1, 3}});
    if (kind == 0)
      return *scalar();
    const auto n = *rc::gen::inRange(0, 5);
    std::vector<Piece> elems;
    for (int i = 0; i < n; ++i)
      elems.push_back(*term(depth - 1));
    auto seq = [&](const std::vector<Piece>& ps, std::string& text, std::string& dump) {
      for (size_t i = 0; i < ps.size(); ++i) {
        if (i) {
          text += *gap() + "," + *gap();
          dump += ',';
        }
        text += ps[i].text;
        dump += ps[i].dump;
      }
    };
    if (kind == 1) {
      std::string text = "{" + *gap(), dump = "{";
      seq(elems, text, dump);
      return {text + *gap() + "}", dump + "}", false, {}};
    }
    if (kind == 2) {
      std::string text = "[" + *gap(), inner;
      seq(elems, text, inner);
      if (!elems.empty() && *rc::gen::inRange(0, 3) == 0) {
        const Piece tail = *term(depth - 1);
        text += *gap() + "|" + *gap() + tail.text;
        if (tail.is_list) {
          if (!tail.inner.empty())
            inner += "," + tail.inner;
        } else {
          inner += "|" + tail.dump;
        }
      }
      return {text + *gap() + "]", "[" + inner + "]", true, inner};
    }
    // A map; keys unique by value (the dump keeps pairs in source order).
    std::string text = "#{" + *gap(), dump = "#{";
    std::vector<std::string> keys;
    bool first = true;
    for (const Piece& k : elems) {
      bool seen = false;
      for (const auto& s : keys)
        seen = seen || s == k.dump;
      if (seen)
        continue;
      keys.push_back(k.dump);
      const Piece v = *term(depth - 1);
      if (!first) {
        text += *gap() + "," + *gap();
        dump += ',';
      }
      first = false;
      text += k.text + *gap() + "=>" + *gap() + v.text;
      dump += k.dump + "=>" + v.dump;
    }
    return {text + *gap() + "}", dump + "}", false, {}};
  });
}

/// A file of one to four terms, nested up to 3 levels deep at small sizes and
/// 5 at rapidcheck's largest (at most 4 elements a level).
inline rc::Gen<Doc> document() {
  return rc::gen::withSize([](int size) {
    return rc::gen::exec([size]() -> Doc {
      Doc d;
      const auto n = *rc::gen::inRange(1, 5);
      const int max_depth = 3 + std::min(size, 100) / 50;
      for (int i = 0; i < n; ++i) {
        const Piece p = *term(*rc::gen::inRange(0, max_depth + 1));
        d.text += *gap() + p.text + *gap() + ".";
        const bool last = i + 1 == n;
        d.text += last && *rc::gen::inRange(0, 4) == 0
                      ? std::string()
                      : *rc::gen::element<std::string>("\n", " ", "\t", "%end\n", "\r\n");
        d.dumps.push_back(p.dump);
      }
      return d;
    });
  });
}

} // namespace detail

using detail::document;

} // namespace relupkit::prop
