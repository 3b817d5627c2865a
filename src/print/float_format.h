// SPDX-License-Identifier: Apache-2.0
#pragma once
// Floats as OTP 25 writes them: float_to_list(F, [short]).

#include <cstddef>

namespace relupkit::print::detail {

/// Longest text format_float_short() writes.
constexpr size_t kMaxFloatChars = 32;

/// Writes `float_to_list(Value, [short])` into `buf` (at least kMaxFloatChars
/// bytes) and returns its length: the shortest digits that read back as
/// `value`, in fixed notation (`0.001`, `100.0`, `123456.0`) or scientific
/// notation (`1.0e-4`, `1.0e3`, `1.2345678901234568e17`) as OTP's modified Ryu
/// chooses, `-` for negative values including `-0.0`.
size_t format_float_short(double value, char* buf);

} // namespace relupkit::print::detail
