// SPDX-License-Identifier: Apache-2.0
// `relupkit fmt`: print term files in canonical layout (what systools writes).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.h"
#include "relupkit/parse/parser.h"
#include "relupkit/print/printer.h"

namespace relupkit::cli {

namespace {

struct FmtOptions {
  std::vector<std::string> files;
  std::string output;
  std::string style = "canonical";
  bool check = false;
  bool in_place = false;
};

/// A file written whole or not at all: a temporary file next to `path`,
/// renamed over it by commit(). Removed unless committed.
class AtomicFile {
public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (fd_ >= 0)
      ::close(fd_);
    if (!tmp_.empty())
      ::unlink(tmp_.c_str());
  }

  /// Creates the temporary file (with the mode of `path` if it exists, else 0644).
  bool open(const std::string& path) {
    path_ = path;
    std::string dir = ".";
    const size_t slash = path.rfind('/');
    if (slash != std::string::npos)
      dir = slash == 0 ? "/" : path.substr(0, slash);
    std::string tmpl = dir + "/.relupkit-XXXXXX";
    fd_ = mkstemp(tmpl.data());
    if (fd_ < 0) {
      error_ = fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno));
      return false;
    }
    tmp_ = std::move(tmpl);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
      (void)fchmod(fd_, st.st_mode & 07777);
    else
      (void)fchmod(fd_, 0644);
    return true;
  }
  bool is_open() const { return fd_ >= 0; }

  bool write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR)
          continue;
        error_ = fmt::format("cannot write {}: {}", tmp_, std::strerror(errno));
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  /// Flushes the file to disk and renames it over `path`.
  bool commit() {
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
      error_ = fmt::format("cannot write {}: {}", tmp_, std::strerror(errno));
      return false;
    }
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
      error_ = fmt::format("cannot rename {} to {}: {}", tmp_, path_, std::strerror(errno));
      return false;
    }
    tmp_.clear();
    return true;
  }
  const std::string& error() const { return error_; }

private:
  std::string path_, tmp_, error_;
  int fd_ = -1;
};

/// The bytes of the file being formatted, for FmtSink to compare the output
/// with: the source itself while the document holds it (standard input), or
/// else read back from the file a piece at a time, once the document has let
/// its copy go (so that the source and the printer's nodes are not held at
/// once).
class Original {
public:
  explicit Original(std::string_view held) : held_(held), size_(held.size()) {}
  Original(const Original&) = delete;
  Original& operator=(const Original&) = delete;
  ~Original() {
    if (fd_ >= 0)
      ::close(fd_);
  }

  /// Reads `path` again from now on; it must still be `size` bytes.
  bool reopen(const std::string& path, size_t size) {
    held_ = {};
    size_ = size;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      error_ = fmt::format("cannot read {} again: {}", path, std::strerror(errno));
      return false;
    }
    if (static_cast<size_t>(st.st_size) != size) {
      error_ = "the file changed while it was being formatted";
      return false;
    }
    return true;
  }
  size_t size() const { return size_; }

  /// Whether the bytes at `at` are `piece` (false past the end).
  bool equals(size_t at, std::string_view piece) {
    if (at > size_ || piece.size() > size_ - at)
      return false;
    if (fd_ < 0)
      return held_.compare(at, piece.size(), piece) == 0;
    while (!piece.empty()) {
      const std::string_view got = read(at, piece.size());
      if (got.empty() || got != piece.substr(0, got.size()))
        return false;
      at += got.size();
      piece.remove_prefix(got.size());
    }
    return true;
  }

  /// Writes the first `n` bytes to `file`.
  bool copy_prefix(size_t n, AtomicFile& file) {
    if (fd_ < 0)
      return file.write(held_.substr(0, n));
    for (size_t at = 0; at < n;) {
      const std::string_view got = read(at, n - at);
      if (got.empty() || !file.write(got))
        return false;
      at += got.size();
    }
    return true;
  }
  /// Set when the file could not be read back.
  const std::string& error() const { return error_; }

private:
  /// Up to `n` bytes at `at` (at most 256 KiB at a time); empty, with
  /// error() set, on a read error or an end of the file before `size()`.
  std::string_view read(size_t at, size_t n) {
    buf_.resize(std::min<size_t>(n, size_t{1} << 18));
    for (;;) {
      const ssize_t got = ::pread(fd_, buf_.data(), buf_.size(), static_cast<off_t>(at));
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0) {
        error_ = got < 0 ? fmt::format("cannot read the file again: {}", std::strerror(errno))
                         : std::string("the file changed while it was being formatted");
        return {};
      }
      return {buf_.data(), static_cast<size_t>(got)};
    }
  }

  std::string_view held_;
  size_t size_ = 0;
  int fd_ = -1;
  std::string buf_;
  std::string error_;
};

/// Where the canonical output of one file goes, a piece at a time: compared
/// with the file's own bytes and, for -o, written to a new file; for -i,
/// written only from the first byte that differs (with the identical bytes
/// before it), so that a file already canonical is never written.
class FmtSink : public print::OutputSink {
public:
  enum class Mode { Check, InPlace, Output };
  FmtSink(Mode mode, Original* original, AtomicFile* file)
      : mode_(mode), original_(original), file_(file) {}

  bool write(std::string_view piece) override {
    const size_t at = offset_;
    offset_ += piece.size();
    if (same_) {
      same_ = original_->equals(at, piece);
      if (!original_->error().empty())
        return false;
      if (same_)
        return mode_ != Mode::Output || file_->write(piece);
      if (mode_ == Mode::Check)
        return false; // the answer is known
      if (mode_ == Mode::InPlace)
        return file_->open(target_) && original_->copy_prefix(at, *file_) && file_->write(piece);
    }
    return file_->write(piece);
  }
  /// For -i: the file to open at the first difference.
  void set_target(std::string target) { target_ = std::move(target); }
  /// After the last piece. For -i, an output that is a proper prefix of the
  /// file (say, a trailing comment dropped) differs only now.
  bool finish() {
    if (mode_ == Mode::InPlace && same_ && offset_ != original_->size())
      return file_->open(target_) && original_->copy_prefix(offset_, *file_);
    return true;
  }
  bool unchanged() const { return same_ && offset_ == original_->size(); }

private:
  Mode mode_;
  Original* original_;
  AtomicFile* file_;
  std::string target_;
  size_t offset_ = 0;
  bool same_ = true;
};

/// Files at least this large print to standard output in pieces (twice).
constexpr size_t kStdoutInPiecesBytes = size_t{1} << 20;

/// Standard output as an OutputSink; or, with `write` false, a sink that
/// takes every piece and keeps none (a print made only for its limit check).
class StdoutSink : public print::OutputSink {
public:
  explicit StdoutSink(bool write) : write_(write) {}
  bool write(std::string_view piece) override {
    return !write_ || std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size();
  }

private:
  bool write_;
};

int run_fmt(const FmtOptions& o) {
  if (o.style != "canonical") {
    std::fprintf(stderr, "relupkit fmt: --style %s is not available yet (only canonical)\n",
                 o.style.c_str());
    return kBadInput;
  }
  if (!o.output.empty() && (o.files.size() != 1 || o.in_place || o.check)) {
    std::fprintf(stderr, "relupkit fmt: -o takes exactly one input file and excludes -i/--check\n");
    return kBadInput;
  }
  if (o.in_place && o.check) {
    std::fprintf(stderr, "relupkit fmt: --in-place and --check exclude each other\n");
    return kBadInput;
  }
  if (o.in_place && std::find(o.files.begin(), o.files.end(), "-") != o.files.end()) {
    std::fprintf(stderr, "relupkit fmt: --in-place cannot rewrite standard input (-)\n");
    return kBadInput;
  }
  int status = kOk;
  // One `FILE: error: MESSAGE` line; the run ends with the bad-input status.
  const auto fail = [&status](const std::string& file, const std::string& message) {
    std::fprintf(stderr, "%s: error: %s\n", file.c_str(), message.c_str());
    status = kBadInput;
  };
  const bool streamed = o.check || o.in_place || !o.output.empty();
  for (const std::string& file_name : o.files) {
    auto src = SourceBuffer::read_file(file_name);
    if (!src.ok()) {
      fail(file_name, src.error().message);
      continue;
    }
    // One copy of the file: the document owns it, and errors are rendered
    // from it. Once parsed, the terms own all their text and the copy is
    // freed before printing, unless the output is compared with the input
    // and the input cannot be read again (standard input).
    auto doc = std::make_unique<ast::Document>();
    doc->source = std::move(*src);
    const std::string name = doc->source.name();
    parse::ParseOptions parse_options;
    parse_options.own_strings = true;
    auto parsed = parse::parse_into(*doc, parse_options);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parse::format_parse_error(doc->source, parsed.error()).c_str());
      status = kBadInput;
      continue;
    }
    const size_t source_bytes = doc->source.size();
    const bool keep_source = streamed && file_name == "-";
    Original original(keep_source ? doc->source.text() : std::string_view());
    if (!keep_source) {
      (void)doc->release_source();
      if (streamed && !original.reopen(file_name, source_bytes)) {
        fail(name, original.error());
        continue;
      }
    }
    // OTP's layout can be quadratic in the input (deep nesting); refuse a
    // canonical form more than 16 times the input (and over 64 MiB).
    print::PrintOptions popts;
    popts.max_output_bytes = std::max<size_t>(size_t(64) << 20, 16 * source_bytes);
    if (streamed) {
      // Streamed: only a piece of the output is held at a time.
      AtomicFile file;
      FmtSink::Mode mode = FmtSink::Mode::Check;
      std::string where = name;
      if (o.in_place) {
        mode = FmtSink::Mode::InPlace;
        // Rewrite the file a symbolic link points to, not the link.
        where = file_name;
        if (char* real = ::realpath(file_name.c_str(), nullptr)) {
          where = real;
          std::free(real);
        }
      } else if (!o.output.empty()) {
        mode = FmtSink::Mode::Output;
        where = o.output;
        if (!file.open(o.output)) {
          fail(o.output, file.error());
          continue;
        }
      }
      FmtSink sink(mode, &original, &file);
      sink.set_target(where);
      auto printed = print::print_canonical_to(sink, *doc, popts);
      if (!printed.ok()) {
        fail(name, printed.error().message);
        continue;
      }
      if (!original.error().empty()) {
        fail(name, original.error());
        continue;
      }
      if (!sink.finish() || !file.error().empty()) {
        fail(where, file.error());
        continue;
      }
      if (o.check) {
        if (!sink.unchanged()) {
          std::fprintf(stderr, "%s: would be reformatted\n", name.c_str());
          if (status == kOk)
            status = kFindings;
        }
        continue;
      }
      if (file.is_open() && !file.commit())
        fail(where, file.error());
      continue;
    }
    // To standard output, where nothing may be written on an error (the
    // layout limit is the one left) and nothing written can be taken back. A
    // small file's print is held whole, then written. A large one is printed
    // twice, first only to see that it stays within the limit, then to
    // standard output in pieces: neither its text nor the source is then held.
    if (source_bytes < kStdoutInPiecesBytes) {
      auto printed = print::try_print_canonical(*doc, popts);
      if (!printed.ok()) {
        fail(name, printed.error().message);
        continue;
      }
      const std::string& out = *printed;
      std::fwrite(out.data(), 1, out.size(), stdout);
      continue;
    }
    StdoutSink count_only(/*write=*/false);
    auto measured = print::print_canonical_to(count_only, *doc, popts);
    if (!measured.ok()) {
      fail(name, measured.error().message);
      continue;
    }
    StdoutSink out(/*write=*/true);
    (void)print::print_canonical_to(out, *doc, popts); // the same print: within the limit
  }
  std::fflush(stdout);
  return status;
}

} // namespace

void add_fmt_command(CLI::App& app, std::function<int()>& run) {
  auto opts = std::make_shared<FmtOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fmt", "Print Erlang term files (relup, .appup, ...) in canonical layout: each term as "
             "io_lib:format(\"~tp.~n\") writes it, after the file's `%% coding:` line");
  cmd->add_option("FILE", opts->files, "Files to format (- for standard input)")->required();
  cmd->add_option("-o,--output", opts->output, "Write the result to OUT (atomically)");
  cmd->add_flag("--check", opts->check,
                "Change nothing; name on standard error each file not in canonical layout, and "
                "exit 1 if any");
  cmd->add_flag("-i,--in-place", opts->in_place, "Rewrite files in place (atomically)");
  cmd->add_option("--style", opts->style, "Layout: canonical (preserve comes later)")
      ->check(CLI::IsMember({"canonical", "preserve"}));
  cmd->callback([opts, &run] { run = [opts] { return run_fmt(*opts); }; });
}

} // namespace relupkit::cli
