// SPDX-License-Identifier: Apache-2.0
#pragma once
// Source buffers (file bytes + zero padding) and offset -> line/column mapping.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "relupkit/base/result.h"

namespace relupkit {

/// The bytes of one input followed by `kPadding` zero bytes, so that a lexer can
/// read a few bytes past the end without bounds checks.
class SourceBuffer {
public:
  static constexpr size_t kPadding = 64;

  SourceBuffer() = default;
  /// Copies `text`; `name` is what diagnostics call the file.
  SourceBuffer(std::string name, std::string_view text);
  /// Reads a whole file (`-` is standard input). Error messages do not repeat
  /// the path (callers print `PATH: error: MESSAGE`).
  static Result<SourceBuffer> read_file(const std::string& path);

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  std::string_view text() const { return {data_.get(), size_}; }
  const std::string& name() const { return name_; }
  /// Frees the bytes; the name stays, and the buffer is then empty.
  void release() {
    data_.reset();
    size_ = 0;
  }

private:
  struct Free {
    void operator()(char* p) const;
  };
  /// Room for `bytes` (padding included): from kHugeFrom on, aligned to a
  /// transparent huge page, so that reading a large file costs one page fault
  /// per 2 MiB instead of one per 4 KiB (about 11 us each on the machines
  /// measured: a few ms on a 20 MB relup) but for the last, partial 2 MiB.
  static std::unique_ptr<char, Free> allocate(size_t bytes);
  static constexpr size_t kHugeFrom = size_t(4) << 20;

  std::string name_;
  std::unique_ptr<char, Free> data_;
  size_t size_ = 0;
};

/// A 1-based line and column (column in characters: UTF-8 code points, or
/// bytes for Latin-1 text).
struct Location {
  uint32_t line = 1;
  uint32_t column = 1;
};

/// Computes line/column for offsets of one text; builds its line table lazily.
class LineTable {
public:
  explicit LineTable(std::string_view text, bool latin1 = false) : text_(text), latin1_(latin1) {}
  Location locate(uint32_t offset) const;
  /// The text of the line containing `offset`, without its line break.
  std::string_view line_text(uint32_t offset) const;

private:
  void build() const;
  std::string_view text_;
  bool latin1_;
  mutable std::vector<uint32_t> starts_;
};

/// Formats `FILE:LINE:COL: error: MESSAGE` for an error at `offset`.
std::string format_error(const SourceBuffer& src, const Err& err, bool latin1 = false);

} // namespace relupkit
