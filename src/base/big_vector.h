// SPDX-License-Identifier: Apache-2.0
#pragma once
// A growable array of trivially copyable values whose large buffers are whole
// transparent huge pages.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>

#include "base/huge_pages.h"

namespace relupkit::detail {

/// The part of std::vector the printer's large arrays use, for trivially
/// copyable `T`. A buffer of kHugeFrom bytes or more is whole 2 MiB pages,
/// aligned (allocate_huge()), so that filling it costs one page fault per
/// 2 MiB instead of one per 4 KiB; a std::vector's buffer is faulted in 4 KiB
/// at a time, and only partly covered by advise_huge_pages() since malloc does
/// not align it.
template <typename T> class BigVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
  static constexpr size_t kHugeFrom = size_t(1) << 20;

  BigVector() = default;
  BigVector(const BigVector&) = delete;
  BigVector& operator=(const BigVector&) = delete;
  ~BigVector() { std::free(data_); }

  __attribute__((always_inline)) void push_back(const T& v) {
    if (size_ == cap_)
      grow(size_ + 1);
    data_[size_++] = v;
  }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  void pop_back() { --size_; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  /// Empties it and gives its buffer back, when that is kHugeFrom bytes or
  /// more (a deep term's frames, say, once their pass is done); else as clear().
  void release_if_large() {
    size_ = 0;
    if (cap_ * sizeof(T) < kHugeFrom)
      return;
    std::free(data_);
    data_ = nullptr;
    cap_ = 0;
  }
  void reserve(size_t n) {
    if (n > cap_)
      reallocate(n);
  }
  /// Grows to `n` values, the new ones value-initialised (`T()`); or shrinks.
  void resize(size_t n) {
    if (n > cap_)
      grow(n);
    for (size_t i = size_; i < n; ++i)
      new (data_ + i) T();
    size_ = n;
  }

private:
  __attribute__((noinline)) void grow(size_t need) {
    size_t cap = cap_ < 16 ? 16 : cap_ * 2;
    reallocate(cap < need ? need : cap);
  }
  void reallocate(size_t cap) {
    void* p = nullptr;
    if (cap * sizeof(T) >= kHugeFrom) {
      const size_t bytes = round_up_to_huge_pages(cap * sizeof(T));
      p = allocate_huge(bytes);
      if (p != nullptr)
        cap = bytes / sizeof(T);
    }
    if (p == nullptr) {
      p = std::malloc(cap * sizeof(T));
      if (p == nullptr)
        throw std::bad_alloc();
    }
    if (size_ != 0)
      std::memcpy(p, static_cast<const void*>(data_), size_ * sizeof(T));
    std::free(data_);
    data_ = static_cast<T*>(p);
    cap_ = cap;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

} // namespace relupkit::detail
