// SPDX-License-Identifier: Apache-2.0
#include "relupkit/source/source.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <sys/stat.h>

#include <fmt/format.h>

#include "base/huge_pages.h"

namespace relupkit {

void SourceBuffer::Free::operator()(char* p) const { std::free(p); }

std::unique_ptr<char, SourceBuffer::Free> SourceBuffer::allocate(size_t bytes) {
  void* p = nullptr;
  if (bytes >= kHugeFrom) {
    // Aligned, so that every whole 2 MiB of it is a huge page; the last,
    // partial one is left to 4 KiB pages, which costs a few hundred faults
    // rather than up to 2 MiB of memory never used.
    p = std::aligned_alloc(detail::kHugePageBytes, detail::round_up_to_huge_pages(bytes));
  }
  if (p == nullptr) {
    p = std::malloc(bytes);
    if (p == nullptr)
      throw std::bad_alloc();
  }
  detail::advise_huge_pages(p, bytes);
  // Filled at once (from the file or the text): its 4 KiB pages, the partial
  // last 2 MiB of a large buffer or the whole of a smaller one, are faulted in
  // in one call rather than one fault each.
  detail::populate(p, bytes);
  return std::unique_ptr<char, Free>(static_cast<char*>(p));
}

SourceBuffer::SourceBuffer(std::string name, std::string_view text)
    : name_(std::move(name)), data_(allocate(text.size() + kPadding)), size_(text.size()) {
  if (!text.empty())
    std::memcpy(data_.get(), text.data(), text.size());
  std::memset(data_.get() + text.size(), 0, kPadding);
}

Result<SourceBuffer> SourceBuffer::read_file(const std::string& path) {
  const bool is_stdin = path == "-";
  FILE* f = is_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return Err{ErrCode::Io, fmt::format("cannot open: {}", std::strerror(errno)), {}};
  struct stat st {};
  if (!is_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    return Err{ErrCode::Io, "cannot read: it is a directory", {}};
  }
  std::string bytes;
  size_t known = 0;
  if (!is_stdin && std::fseek(f, 0, SEEK_END) == 0) {
    long end = std::ftell(f);
    if (end > 0)
      known = static_cast<size_t>(end);
    std::fseek(f, 0, SEEK_SET);
  }
  SourceBuffer buf;
  buf.name_ = is_stdin ? std::string("<stdin>") : path;
  if (known > 0) {
    if (known > UINT32_MAX - kPadding) {
      std::fclose(f);
      return Err{ErrCode::Io, "file too large (4 GiB at most)", {}};
    }
    buf.data_ = allocate(known + kPadding);
    size_t got = std::fread(buf.data_.get(), 1, known, f);
    buf.size_ = got;
    // The file may have grown since ftell: read the rest the slow way.
    char chunk[65536];
    size_t n;
    std::string extra;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
      extra.append(chunk, n);
    if (!extra.empty()) {
      std::string all(buf.data_.get(), got);
      all += extra;
      buf = SourceBuffer(buf.name_, all);
    }
  } else {
    char chunk[65536];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0)
      bytes.append(chunk, n);
    buf = SourceBuffer(buf.name_, bytes);
  }
  const bool failed = std::ferror(f) != 0;
  const int read_errno = errno;
  if (!is_stdin)
    std::fclose(f);
  if (failed)
    return Err{ErrCode::Io, fmt::format("cannot read: {}", std::strerror(read_errno)), {}};
  if (buf.data_ == nullptr)
    buf = SourceBuffer(buf.name_, std::string_view());
  std::memset(buf.data_.get() + buf.size_, 0, kPadding);
  return buf;
}

void LineTable::build() const {
  if (!starts_.empty())
    return;
  starts_.push_back(0);
  const char* p = text_.data();
  const char* end = p + text_.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)))) !=
         nullptr) {
    ++p;
    starts_.push_back(static_cast<uint32_t>(p - text_.data()));
  }
}

Location LineTable::locate(uint32_t offset) const {
  build();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  const auto line = static_cast<uint32_t>(it - starts_.begin());
  const uint32_t start = starts_[line - 1];
  uint32_t col = 1;
  for (uint32_t i = start; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text_[i]);
    if (latin1_ || (c & 0xC0) != 0x80)
      ++col;
  }
  return {line, col};
}

std::string_view LineTable::line_text(uint32_t offset) const {
  build();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  const uint32_t start = *(it - 1);
  uint32_t end = it == starts_.end() ? static_cast<uint32_t>(text_.size()) : *it - 1;
  return text_.substr(start, end - start);
}

std::string format_error(const SourceBuffer& src, const Err& err, bool latin1) {
  if (err.code != ErrCode::Syntax)
    return fmt::format("{}: error: {}", src.name(), err.message);
  LineTable lines(src.text(), latin1);
  const Location loc = lines.locate(err.span.begin);
  return fmt::format("{}:{}:{}: error: {}", src.name(), loc.line, loc.column, err.message);
}

} // namespace relupkit
