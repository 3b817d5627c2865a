// SPDX-License-Identifier: Apache-2.0
// float_to_list(F, [short]) of OTP 25 (erts/emulator/ryu/d2s.c with its
// CHANGE_FOR_ERLANG layout rules). The shortest round-trip digits come from
// std::to_chars (libstdc++ implements it with Ryu too); only the layout is
// OTP's own.
#include "print/float_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace relupkit::print::detail {

size_t format_float_short(double value, char* buf) {
  char* p = buf;
  if (std::signbit(value)) {
    *p++ = '-';
    value = -value;
  }
  if (value == 0.0) {
    std::memcpy(p, "0.0", 3);
    return static_cast<size_t>(p - buf) + 3;
  }
  // Shortest digits in scientific form: "d[.ddd]e[+-]xx".
  char sci[48];
  const auto res = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
  char digits[24];
  int olength = 0;
  const char* s = sci;
  for (; s < res.ptr && *s != 'e'; ++s)
    if (*s != '.')
      digits[olength++] = *s;
  int sci_exp = 0;
  bool neg_exp = false;
  ++s; // 'e'
  if (*s == '-' || *s == '+')
    neg_exp = *s++ == '-';
  for (; s < res.ptr; ++s)
    sci_exp = sci_exp * 10 + (*s - '0');
  if (neg_exp)
    sci_exp = -sci_exp;
  uint64_t output = 0;
  for (int i = 0; i < olength; ++i)
    output = output * 10 + static_cast<uint64_t>(digits[i] - '0');
  const int exponent = sci_exp - (olength - 1); // value = output * 10^exponent

  int lower, upper;
  if (olength == 1) {
    lower = -4;
    upper = 2;
  } else if (sci_exp >= 10) {
    lower = -(olength + 2);
    upper = 2;
  } else {
    lower = -(olength + 2);
    upper = 1;
  }
  bool fixed = lower <= exponent && exponent <= upper;
  if (fixed && ((output >= (uint64_t(1) << 53) && exponent == 0) ||
                (output > (uint64_t(1) << 52) / 5 && exponent == 1) ||
                (output > (uint64_t(1) << 51) / 25 && exponent == 2)))
    fixed = false;

  if (fixed) {
    const int whole = olength + exponent;
    if (exponent >= 0) { // "17290.0", "1729.0"
      std::memcpy(p, digits, static_cast<size_t>(olength));
      p += olength;
      std::memset(p, '0', static_cast<size_t>(exponent));
      p += exponent;
      *p++ = '.';
      *p++ = '0';
    } else if (whole > 0) { // "17.29"
      std::memcpy(p, digits, static_cast<size_t>(whole));
      p += whole;
      *p++ = '.';
      std::memcpy(p, digits + whole, static_cast<size_t>(olength - whole));
      p += olength - whole;
    } else { // "0.001729"
      *p++ = '0';
      *p++ = '.';
      std::memset(p, '0', static_cast<size_t>(-whole));
      p += -whole;
      std::memcpy(p, digits, static_cast<size_t>(olength));
      p += olength;
    }
    return static_cast<size_t>(p - buf);
  }
  *p++ = digits[0];
  *p++ = '.';
  if (olength > 1) {
    std::memcpy(p, digits + 1, static_cast<size_t>(olength - 1));
    p += olength - 1;
  } else {
    *p++ = '0';
  }
  *p++ = 'e';
  int e = sci_exp;
  if (e < 0) {
    *p++ = '-';
    e = -e;
  }
  if (e >= 100) {
    *p++ = static_cast<char>('0' + e / 100);
    *p++ = static_cast<char>('0' + e / 10 % 10);
    *p++ = static_cast<char>('0' + e % 10);
  } else if (e >= 10) {
    *p++ = static_cast<char>('0' + e / 10);
    *p++ = static_cast<char>('0' + e % 10);
  } else {
    *p++ = static_cast<char>('0' + e);
  }
  return static_cast<size_t>(p - buf);
}

} // namespace relupkit::print::detail
