// SPDX-License-Identifier: Apache-2.0
// Literal values and binary construction shared by both parsers (see values.h).
#include "values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "base/utf8.h"

namespace relupkit::parse::detail {

using ast::BigValue;

namespace {

unsigned digit_value(char ch) {
  if (ch >= '0' && ch <= '9')
    return static_cast<unsigned>(ch - '0');
  if (ch >= 'a' && ch <= 'z')
    return static_cast<unsigned>(ch - 'a' + 10);
  return static_cast<unsigned>(ch - 'A' + 10);
}

/// Digits from the most significant, one step of up to 32 bits at a time:
/// quadratic in the number of digits, the faster for short literals.
BigValue integer_value_small(std::string_view digits, unsigned base) {
  BigValue v;
  uint32_t chunk = 0;
  uint32_t chunk_mul = 1;
  const uint64_t limit = 0xFFFFFFFFull / base;
  for (char ch : digits) {
    if (ch == '_')
      continue;
    if (chunk_mul > limit) {
      v.mul_add(chunk_mul, chunk);
      chunk = 0;
      chunk_mul = 1;
    }
    chunk = chunk * base + digit_value(ch);
    chunk_mul *= base;
  }
  v.mul_add(chunk_mul, chunk);
  v.trim();
  return v;
}

uint64_t bit_length(const BigValue& v) {
  if (v.limbs.empty())
    return 0;
  uint64_t bits = 32 * uint64_t(v.limbs.size() - 1);
  for (uint32_t top = v.limbs.back(); top != 0; top >>= 1)
    ++bits;
  return bits;
}

} // namespace

size_t significant_digits(std::string_view digits) {
  size_t n = 0;
  bool leading = true;
  for (char c : digits) {
    if (c == '_' || (leading && c == '0'))
      continue;
    leading = false;
    ++n;
  }
  return n;
}

std::string integer_too_large(std::string_view digits, unsigned base) {
  if (digits.size() < 1000)
    return {};
  const size_t n = significant_digits(digits);
  // A literal of n significant digits needs more than (n - 1) * log2(b) bits
  // and at most n * log2(b); only between the two is it converted to tell.
  const double per_digit = std::log2(static_cast<double>(base));
  const double at_least = static_cast<double>(n > 0 ? n - 1 : 0) * per_digit;
  const double at_most = static_cast<double>(n) * per_digit;
  const auto limit = static_cast<double>(kMaxIntegerBits);
  if (at_most < limit - 1)
    return {};
  if (at_least <= limit + 1 && bit_length(integer_value(digits, base)) <= kMaxIntegerBits)
    return {};
  return fmt::format("integer too large: {} digits; OTP's largest integer has {} bits "
                     "(system_limit)",
                     n, kMaxIntegerBits);
}

ast::BigValue integer_value(std::string_view digits, unsigned base) {
  if (digits.size() <= kSmallLiteral)
    return integer_value_small(digits, base);
  if ((base & (base - 1)) == 0) {
    // A power of two: the digits' bits, least significant first.
    const auto shift = static_cast<unsigned>(__builtin_ctz(base));
    BigValue v;
    uint64_t acc = 0;
    unsigned have = 0;
    for (size_t i = digits.size(); i-- > 0;) {
      if (digits[i] == '_')
        continue;
      acc |= uint64_t{digit_value(digits[i])} << have;
      have += shift;
      if (have >= 32) {
        v.limbs.push_back(static_cast<uint32_t>(acc));
        acc >>= 32;
        have -= 32;
      }
    }
    v.limbs.push_back(static_cast<uint32_t>(acc));
    v.trim();
    return v;
  }
  // Digits in chunks of `per` (the most a 32-bit chunk holds, 2^32 itself
  // included), least significant chunk first, converted by divide and conquer.
  unsigned per = 0;
  uint64_t from = 1;
  while (from * base <= (uint64_t{1} << 32)) {
    from *= base;
    ++per;
  }
  std::vector<uint32_t> chunks;
  chunks.reserve(digits.size() / per + 1);
  uint64_t chunk = 0, mul = 1;
  unsigned in_chunk = 0;
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] == '_')
      continue;
    chunk += digit_value(digits[i]) * mul;
    mul *= base;
    if (++in_chunk == per) {
      chunks.push_back(static_cast<uint32_t>(chunk));
      chunk = 0;
      mul = 1;
      in_chunk = 0;
    }
  }
  if (in_chunk != 0)
    chunks.push_back(static_cast<uint32_t>(chunk));
  BigValue v;
  v.limbs = ast::detail::digits_to_limbs(chunks.data(), chunks.size(), from);
  v.trim();
  return v;
}

bool float_value(std::string_view text, double& out) {
  char small[128];
  std::string big;
  char* buf = small;
  if (text.size() >= sizeof small) {
    big.resize(text.size() + 1);
    buf = big.data();
  }
  size_t n = 0;
  for (char c : text)
    if (c != '_')
      buf[n++] = c;
  buf[n] = '\0';
  errno = 0;
  char* end = nullptr;
  out = std::strtod(buf, &end);
  // Overflow is OTP's "illegal float"; underflow reads as the nearest double
  // (denormal or 0.0), as OTP reads it.
  return end == buf + n && !std::isinf(out);
}

ast::IntegerTerm* make_integer(ast::Document& doc, Span span, const ast::BigValue& v) {
  return ast::make_integer(doc.arena, span, v);
}

void append_utf8(std::string& out, uint32_t c) { relupkit::detail::append_utf8(out, c); }

namespace {

enum class SegType : uint8_t { Undefined, Integer, Float, Binary, Utf8, Utf16, Utf32 };
enum class Endian : uint8_t { Undefined, Big, Little, Native };
enum class Sign : uint8_t { Undefined, Signed, Unsigned };

struct BitType {
  SegType type = SegType::Undefined;
  uint32_t unit = 0; // 0 = undefined
  Sign sign = Sign::Undefined;
  Endian endian = Endian::Undefined;
};

template <typename T> bool merge(T& field, T value, T undefined) {
  if (field == undefined || field == value) {
    field = value;
    return true;
  }
  return value == undefined;
}

Err bad(const Segment& s, std::string_view why) {
  return Err{ErrCode::Syntax, fmt::format("bad binary segment: {}", why), s.span};
}

/// Writes an integer of `n` bits with the given endianness.
bool put_integer(BitWriter& w, const BigValue& v, uint64_t n, Endian endian) {
  if (!w.reserve(n))
    return false;
  if (endian != Endian::Little) {
    ast::write_bits_big_endian(v, n, w.bytes, w.bits);
    w.bits += n;
    return true;
  }
  // Little endian: whole bytes from the least significant, then the leftover
  // high bits as a partial byte.
  std::vector<uint8_t> tmp(static_cast<size_t>((n + 7) / 8), 0);
  ast::write_bits_big_endian(v, n, tmp, (8 - n % 8) % 8);
  const size_t whole = static_cast<size_t>(n / 8);
  const unsigned rest = static_cast<unsigned>(n % 8);
  // tmp is big-endian and right-aligned: the last byte is the least significant.
  for (size_t i = 0; i < whole; ++i)
    w.put_byte(tmp[tmp.size() - 1 - i]);
  if (rest != 0)
    w.put_bits(tmp[0], rest);
  return true;
}

uint16_t float_to_half(double d, bool& ok) {
  const float f = static_cast<float>(d);
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  // Round from double directly to avoid double rounding.
  double a = std::fabs(d);
  ok = true;
  if (a == 0)
    return static_cast<uint16_t>(sign);
  int e;
  double m = std::frexp(a, &e); // a = m * 2^e, m in [0.5, 1)
  // Half: normal exponent range e in [-13, 16] (value 2^-14 .. 65504).
  if (e > 16)
    return static_cast<uint16_t>(sign | 0x7C00u); // OTP writes infinity
  uint32_t bitsv;
  if (e < -13) {
    // Subnormal: value / 2^-24, rounded to nearest even.
    const double scaled = std::ldexp(a, 24);
    bitsv = static_cast<uint32_t>(std::nearbyint(scaled));
  } else {
    const double mant = std::ldexp(m, 11); // [1024, 2048)
    uint32_t mi = static_cast<uint32_t>(std::nearbyint(mant));
    int exp = e - 1 + 15;
    if (mi == 2048) {
      mi = 1024;
      ++exp;
    }
    if (exp >= 31)
      return static_cast<uint16_t>(sign | 0x7C00u);
    bitsv = (static_cast<uint32_t>(exp) << 10) | (mi & 0x3FFu);
  }
  return static_cast<uint16_t>(sign | bitsv);
}

bool put_float(BitWriter& w, double d, uint64_t n, Endian endian, const Segment& s, Err& err) {
  uint64_t raw;
  if (n == 64) {
    std::memcpy(&raw, &d, 8);
  } else if (n == 32) {
    const float f = static_cast<float>(d); // OTP writes infinity on overflow
    uint32_t r;
    std::memcpy(&r, &f, 4);
    raw = r;
  } else if (n == 16) {
    bool ok;
    raw = float_to_half(d, ok);
    if (!ok) {
      err = bad(s, "float does not fit in 16 bits");
      return false;
    }
  } else {
    err = bad(s, "float size must be 16, 32 or 64 bits");
    return false;
  }
  if (!w.reserve(n)) {
    err = bad(s, "binary too large");
    return false;
  }
  if (endian == Endian::Little || endian == Endian::Native) {
    for (uint64_t i = 0; i < n / 8; ++i)
      w.put_byte(static_cast<uint8_t>(raw >> (8 * i)));
  } else {
    w.put_bits(raw, static_cast<unsigned>(n));
  }
  return true;
}

bool valid_code_point(const BigValue& v, uint32_t& c) {
  if (v.negative || v.limbs.size() > 1)
    return false;
  c = v.limbs.empty() ? 0 : v.limbs[0];
  return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

bool put_utf(BitWriter& w, uint32_t c, SegType t, Endian endian) {
  std::string u8;
  if (t == SegType::Utf8) {
    append_utf8(u8, c);
    if (!w.reserve(u8.size() * 8))
      return false;
    for (char ch : u8)
      w.put_byte(static_cast<uint8_t>(ch));
    return true;
  }
  const bool little = endian == Endian::Little || endian == Endian::Native;
  auto put16 = [&](uint32_t u) {
    if (little) {
      w.put_byte(static_cast<uint8_t>(u));
      w.put_byte(static_cast<uint8_t>(u >> 8));
    } else {
      w.put_byte(static_cast<uint8_t>(u >> 8));
      w.put_byte(static_cast<uint8_t>(u));
    }
  };
  if (t == SegType::Utf16) {
    if (!w.reserve(c >= 0x10000 ? 32 : 16))
      return false;
    if (c >= 0x10000) {
      const uint32_t x = c - 0x10000;
      put16(0xD800 | (x >> 10));
      put16(0xDC00 | (x & 0x3FF));
    } else {
      put16(c);
    }
    return true;
  }
  if (!w.reserve(32))
    return false;
  if (little) {
    for (int i = 0; i < 4; ++i)
      w.put_byte(static_cast<uint8_t>(c >> (8 * i)));
  } else {
    for (int i = 3; i >= 0; --i)
      w.put_byte(static_cast<uint8_t>(c >> (8 * i)));
  }
  return true;
}

/// One value (an integer, float or bitstring) under a resolved bit type.
bool put_value(BitWriter& w,
               const SegmentValue& v,
               const BigValue* int_override,
               const BitType& bt,
               bool size_all,
               uint64_t size,
               const Segment& s,
               Err& err) {
  const BigValue* iv = int_override != nullptr           ? int_override
                       : v.kind == SegmentValue::Integer ? &v.integer
                                                         : nullptr;
  switch (bt.type) {
    case SegType::Integer: {
      if (iv == nullptr || size_all) {
        err = bad(s, "an integer segment needs an integer value and size");
        return false;
      }
      if (size != 0 && bt.unit > kMaxBinaryBits / size) {
        err = bad(s, "binary too large");
        return false;
      }
      if (!put_integer(w, *iv, size * bt.unit, bt.endian)) {
        err = bad(s, "binary too large");
        return false;
      }
      return true;
    }
    case SegType::Float: {
      double d;
      if (iv != nullptr) {
        // An integer value is converted to float (OTP: badarg when too big).
        d = 0;
        if (iv->fits_int64()) {
          d = static_cast<double>(iv->to_int64());
        } else {
          long double x = 0;
          for (size_t i = iv->limbs.size(); i-- > 0;)
            x = x * 4294967296.0L + iv->limbs[i];
          if (x > 1.7976931348623157e308L) {
            err = bad(s, "integer too large for a float");
            return false;
          }
          d = static_cast<double>(iv->negative ? -x : x);
        }
      } else if (v.kind == SegmentValue::Float) {
        d = v.real;
      } else {
        err = bad(s, "a float segment needs a number");
        return false;
      }
      if (size_all || size > 64 || bt.unit > 64) {
        err = bad(s, "float size must be 16, 32 or 64 bits");
        return false;
      }
      return put_float(w, d, size * bt.unit, bt.endian, s, err);
    }
    case SegType::Binary: {
      if (iv != nullptr || v.kind != SegmentValue::Bits) {
        err = bad(s, "a binary segment needs a binary value");
        return false;
      }
      uint64_t take;
      if (size_all) {
        if (v.bits % bt.unit != 0) {
          err = bad(s, "binary size is not a multiple of the unit");
          return false;
        }
        take = v.bits;
      } else {
        if (size != 0 && bt.unit > UINT64_MAX / size) {
          err = bad(s, "binary too large");
          return false;
        }
        take = size * bt.unit;
        if (take > v.bits) {
          err = bad(s, "binary value shorter than the segment size");
          return false;
        }
      }
      if (!w.reserve(take)) {
        err = bad(s, "binary too large");
        return false;
      }
      for (uint64_t i = 0; i < take; ++i) {
        const bool bit = (v.bits_data[static_cast<size_t>(i / 8)] >> (7 - i % 8)) & 1u;
        w.put_bits(bit ? 1u : 0u, 1);
      }
      return true;
    }
    case SegType::Utf8:
    case SegType::Utf16:
    case SegType::Utf32: {
      uint32_t c;
      if (iv == nullptr || !valid_code_point(*iv, c)) {
        err = bad(s, "a utf segment needs a valid character code");
        return false;
      }
      if (!put_utf(w, c, bt.type, bt.endian)) {
        err = bad(s, "binary too large");
        return false;
      }
      return true;
    }
    case SegType::Undefined:
      break;
  }
  err = bad(s, "unknown type");
  return false;
}

} // namespace

Result<void> BinaryBuilder::add(const Segment& s) {
  BitWriter& w = w_;
  {
    // erl_bits:set_bit_type/2.
    BitType bt;
    for (const std::string& spec : s.types) {
      BitType t;
      if (spec == "integer")
        t.type = SegType::Integer;
      else if (spec == "float")
        t.type = SegType::Float;
      else if (spec == "binary")
        t.type = SegType::Binary;
      else if (spec == "bytes")
        t.type = SegType::Binary, t.unit = 8;
      else if (spec == "bitstring" || spec == "bits")
        t.type = SegType::Binary, t.unit = 1;
      else if (spec == "utf8")
        t.type = SegType::Utf8;
      else if (spec == "utf16")
        t.type = SegType::Utf16;
      else if (spec == "utf32")
        t.type = SegType::Utf32;
      else if (spec == "big")
        t.endian = Endian::Big;
      else if (spec == "little")
        t.endian = Endian::Little;
      else if (spec == "native")
        t.endian = Endian::Native;
      else if (spec == "signed")
        t.sign = Sign::Signed;
      else if (spec == "unsigned")
        t.sign = Sign::Unsigned;
      else if (spec.compare(0, 5, "unit:") == 0) {
        const long u = std::strtol(spec.c_str() + 5, nullptr, 10);
        if (spec.size() > 8 || u < 1 || u > 256)
          return bad(s, fmt::format("unit must be 1..256, not {}", spec.substr(5)));
        t.unit = static_cast<uint32_t>(u);
      } else {
        return bad(s, fmt::format("unknown type specifier '{}'", spec));
      }
      if (!merge(bt.type, t.type, SegType::Undefined) || !merge(bt.unit, t.unit, 0u) ||
          !merge(bt.sign, t.sign, Sign::Undefined) ||
          !merge(bt.endian, t.endian, Endian::Undefined))
        return bad(s, "conflicting type specifiers");
    }
    // apply_defaults/5.
    if (bt.type == SegType::Undefined)
      bt.type = SegType::Integer;
    bool size_all = s.size_is_all;
    uint64_t size = 0;
    const bool is_utf =
        bt.type == SegType::Utf8 || bt.type == SegType::Utf16 || bt.type == SegType::Utf32;
    if (s.size_is_undefined && !is_utf)
      return bad(s, "size must be an integer");
    if (!s.has_size || s.size_is_undefined) {
      if (bt.type == SegType::Binary) {
        size_all = true;
      } else if (bt.type == SegType::Integer || bt.type == SegType::Float) {
        if (bt.unit != 0)
          return bad(s, "a unit needs a size");
        size = bt.type == SegType::Integer ? 8 : 64;
        bt.unit = 1;
      }
    } else {
      if (is_utf)
        return bad(s, "utf segments take no size or unit");
      if (!s.size_is_all) {
        if (s.size.negative || s.size.limbs.size() > 2)
          return bad(s, "size must be a non-negative integer");
        size = static_cast<uint64_t>(s.size.to_int64());
        if (s.size.limbs.size() == 2 && (s.size.limbs[1] & 0x80000000u))
          return bad(s, "size too large");
      }
    }
    if (is_utf && bt.unit != 0)
      return bad(s, "utf segments take no size or unit");
    if (bt.unit == 0)
      bt.unit = bt.type == SegType::Binary ? 8 : 1;
    if (bt.endian == Endian::Native)
      bt.endian = Endian::Little; // relupkit runs on little-endian hosts (x86-64, arm64)
    Err err;
    if (s.value.kind == SegmentValue::String) {
      const bool plain = !s.has_size && s.types.empty();
      if (plain) {
        if (!w.reserve(s.value.chars.size() * 8))
          return bad(s, "binary too large");
        for (uint32_t c : s.value.chars)
          w.put_byte(static_cast<uint8_t>(c & 0xFF));
        return {};
      }
      if (s.value.chars.empty()) {
        // OTP still checks the type with the value 0.
        BitWriter scratch;
        const BigValue zero;
        if (!put_value(scratch, s.value, &zero, bt, size_all, size, s, err))
          return err;
        return {};
      }
      for (uint32_t c : s.value.chars) {
        const BigValue cv = BigValue::from_int64(c);
        if (!put_value(w, s.value, &cv, bt, size_all, size, s, err))
          return err;
      }
      return {};
    }
    if (!put_value(w, s.value, nullptr, bt, size_all, size, s, err))
      return err;
  }
  return {};
}

Result<ast::BinaryTerm*>
BinaryBuilder::finish(ast::Document& doc, Span span, uint64_t& budget_bits) {
  if (w_.bits > budget_bits) {
    w_.clear();
    return Err{ErrCode::Syntax,
               "binaries too large: this file's binaries would hold more than 16 MiB plus 8 "
               "bytes per byte of text",
               span};
  }
  budget_bits -= w_.bits;
  const uint8_t* data = doc.arena.copy_array(w_.bytes.data(), w_.bytes.size());
  auto* term = doc.arena.make<ast::BinaryTerm>(span, data, w_.bits);
  w_.clear();
  return term;
}

Result<ast::BinaryTerm*> build_binary(ast::Document& doc,
                                      Span span,
                                      const std::vector<Segment>& segments,
                                      uint64_t& budget_bits) {
  BinaryBuilder b;
  for (const Segment& s : segments) {
    auto r = b.add(s);
    if (!r.ok())
      return r.error();
  }
  return b.finish(doc, span, budget_bits);
}

} // namespace relupkit::parse::detail
