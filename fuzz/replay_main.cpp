// SPDX-License-Identifier: Apache-2.0
// The main of the replay builds (RELUPKIT_FUZZ_LINKMAIN=ON): runs
// LLVMFuzzerTestOneInput once over every file named on the command line and every
// file under the directories named there (recursively, in sorted order), so that a
// g++ build can replay the corpus and the regressions without libFuzzer.
//
// Usage: fuzz_<target> [-flag=value ...] PATH...
// Arguments starting with `-` are ignored, so libFuzzer command lines such as
// `-runs=0 corpus/parse` work with both builds. Hidden files and README* files
// inside directories are skipped (they keep empty directories in git). Each input
// is passed in a heap block of exactly its size, so out-of-bounds reads show under
// a sanitizer. Exit status: 0 when every input ran, 2 on a usage or I/O error; a
// failed check abort()s.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

bool is_ignored(const fs::path& path) {
  std::string name = path.filename().string();
  return name.empty() || name[0] == '.' || name.rfind("README", 0) == 0;
}

bool collect(const std::string& arg, std::vector<fs::path>& files) {
  std::error_code ec;
  fs::file_status status = fs::status(arg, ec);
  if (ec || !fs::exists(status)) {
    std::fprintf(stderr, "replay: %s: no such file or directory\n", arg.c_str());
    return false;
  }
  if (!fs::is_directory(status)) {
    files.emplace_back(arg);
    return true;
  }
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
    if (is_ignored(it->path())) {
      if (it->is_directory())
        it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file())
      found.push_back(it->path());
  }
  if (ec) {
    std::fprintf(stderr, "replay: %s: %s\n", arg.c_str(), ec.message().c_str());
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  int paths = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() > 1 && arg[0] == '-')
      continue;
    ++paths;
    if (!collect(arg, files))
      return 2;
  }
  if (paths == 0) {
    std::fprintf(stderr, "usage: %s [-flag=value ...] FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  for (const fs::path& file : files) {
    std::fprintf(stderr, "Running: %s\n", file.c_str());
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) {
      std::fprintf(stderr, "replay: %s: cannot open\n", file.c_str());
      return 2;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
      std::fprintf(stderr, "replay: %s: read error\n", file.c_str());
      return 2;
    }
    std::unique_ptr<uint8_t[]> exact(new uint8_t[bytes.size()]);
    std::copy(bytes.begin(), bytes.end(), exact.get());
    LLVMFuzzerTestOneInput(exact.get(), bytes.size());
  }
  std::fprintf(stderr, "Executed %zu inputs from %d path(s)\n", files.size(), paths);
  return 0;
}
