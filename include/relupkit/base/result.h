// SPDX-License-Identifier: Apache-2.0
#pragma once
// Result<T>: a value or an error with a source span (no exceptions for bad input).

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace relupkit {

/// A half-open byte range [begin, end) into one source buffer.
struct Span {
  uint32_t begin = 0; ///< first byte
  uint32_t end = 0;   ///< one past the last byte
};

/// Why something failed.
enum class ErrCode : uint8_t {
  Syntax,   ///< the text is not a valid term file
  Io,       ///< a file could not be read or written
  Usage,    ///< bad arguments or configuration
  Limit,    ///< a size limit relupkit sets was reached
  Internal, ///< a bug
};

/// An error: a code, a one-line message and where it happened.
struct Err {
  ErrCode code = ErrCode::Syntax;
  std::string message;
  Span span{};
};

/// A value of type T or an Err.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : v_(std::move(value)) {} // NOLINT(google-explicit-constructor)
  Result(Err err) : v_(std::move(err)) {}   // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& value() { return std::get<0>(v_); }
  const Err& error() const { return std::get<1>(v_); }
  Err& error() { return std::get<1>(v_); }

private:
  std::variant<T, Err> v_;
};

/// Result of an operation that has no value.
template <> class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Err err) : err_(std::move(err)), ok_(false) {} // NOLINT(google-explicit-constructor)
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Err& error() const { return err_; }

private:
  Err err_;
  bool ok_ = true;
};

} // namespace relupkit

/// Propagates the error of a Result expression.
#define RELUPKIT_TRY(expr)                                                                         \
  do {                                                                                             \
    auto&& relupkit_try_r_ = (expr);                                                               \
    if (!relupkit_try_r_.ok())                                                                     \
      return relupkit_try_r_.error();                                                              \
  } while (0)
