// SPDX-License-Identifier: Apache-2.0
// `relupkit fmt`: print term files in canonical layout (what systools writes).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

/// Writes `data` to `path` atomically: a temporary file next to it, then rename.
bool write_atomically(const std::string& path, const std::string& data, std::string& error) {
  std::string dir = ".";
  const size_t slash = path.rfind('/');
  if (slash != std::string::npos)
    dir = slash == 0 ? "/" : path.substr(0, slash);
  std::string tmpl = dir + "/.relupkit-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    error = fmt::format("cannot create a temporary file in {}: {}", dir, std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0)
    (void)fchmod(fd, st.st_mode & 07777);
  else
    (void)fchmod(fd, 0644);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = fmt::format("cannot write {}: {}", tmpl, std::strerror(errno));
      ::close(fd);
      ::unlink(tmpl.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = fmt::format("cannot write {}: {}", tmpl, std::strerror(errno));
    ::unlink(tmpl.c_str());
    return false;
  }
  if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
    error = fmt::format("cannot rename {} to {}: {}", tmpl, path, std::strerror(errno));
    ::unlink(tmpl.c_str());
    return false;
  }
  return true;
}

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
  for (const std::string& file : o.files) {
    auto src = SourceBuffer::read_file(file);
    if (!src.ok()) {
      std::fprintf(stderr, "%s: error: %s\n", file.c_str(), src.error().message.c_str());
      status = kBadInput;
      continue;
    }
    // One copy of the file: the document owns it, and errors are rendered from it.
    auto doc = std::make_unique<ast::Document>();
    doc->source = std::move(*src);
    const std::string name = doc->source.name();
    const std::string_view original = doc->source.text();
    auto parsed = parse::parse_into(*doc);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parse::format_parse_error(doc->source, parsed.error()).c_str());
      status = kBadInput;
      continue;
    }
    // OTP's layout can be quadratic in the input (deep nesting); refuse a
    // canonical form more than 16 times the input (and over 64 MiB).
    print::PrintOptions popts;
    popts.max_output_bytes = std::max<size_t>(size_t(64) << 20, 16 * original.size());
    auto printed = print::try_print_canonical(*doc, popts);
    if (!printed.ok()) {
      std::fprintf(stderr, "%s: error: %s\n", name.c_str(), printed.error().message.c_str());
      status = kBadInput;
      continue;
    }
    const std::string& out = *printed;
    if (o.check) {
      if (out != original) {
        std::fprintf(stderr, "%s: would be reformatted\n", name.c_str());
        if (status == kOk)
          status = kFindings;
      }
      continue;
    }
    if (o.in_place) {
      if (out == original)
        continue;
      std::string error;
      // Rewrite the file a symbolic link points to, not the link.
      std::string target = file;
      if (char* real = ::realpath(file.c_str(), nullptr)) {
        target = real;
        std::free(real);
      }
      if (!write_atomically(target, out, error)) {
        std::fprintf(stderr, "%s: error: %s\n", file.c_str(), error.c_str());
        status = kBadInput;
      }
      continue;
    }
    if (!o.output.empty()) {
      std::string error;
      if (!write_atomically(o.output, out, error)) {
        std::fprintf(stderr, "%s: error: %s\n", o.output.c_str(), error.c_str());
        status = kBadInput;
      }
      continue;
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
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
