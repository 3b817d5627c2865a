// SPDX-License-Identifier: Apache-2.0
// relupkit_bench: throughput of the hand parser, the PEGTL reference parser and
// the canonical printer on one file, and the peak RSS of parsing it (measured
// in a fresh child process). scripts/bench generates a 20 MB relup with
// bench/gen_relup.escript, times OTP's file:consult on it and passes the time
// in with --consult-seconds for the ratios.
//
//   relupkit_bench FILE [--min-time S] [--consult-seconds S] [--json]
//   relupkit_bench --rss-only parse|parse2|fmt|pegtl FILE   (prints peak_rss_kb=N;
//                                                      parse2: on two threads)
//   relupkit_bench --smoke FILE                       (one iteration of everything;
//                                                      exit 1 on a wrong result)
//   relupkit_bench --profile parse|parse2|tokens|pegtl|print FILE [--min-time S]
//                                                     (only that loop, for perf record;
//                                                      tokens: the hand parser without
//                                                      its fused scanner)
//
// Throughput is input bytes per second (MB = 10^6 bytes) over the median
// iteration; each iteration parses a fresh copy of the buffer (the copy and
// the destruction of the AST are not timed).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relupkit/parse/parser.h"
#include "relupkit/print/printer.h"
#if RELUPKIT_BENCH_HAVE_PEGTL
#include "pegtl_parser.h"
#endif

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
  bool ran = false;
  double median_s = 0;
  double best_s = 0;
  int iterations = 0;
};

/// Runs `once` (which returns the seconds it measured) until `min_time` seconds
/// have been measured and at least `min_iters` iterations have run.
template <typename F> Stats repeat(F&& once, double min_time, int min_iters) {
  std::vector<double> times;
  double total = 0;
  while (total < min_time || static_cast<int>(times.size()) < min_iters) {
    const double t = once();
    if (t < 0)
      return {};
    times.push_back(t);
    total += t;
  }
  std::sort(times.begin(), times.end());
  Stats s;
  s.ran = true;
  s.iterations = static_cast<int>(times.size());
  s.median_s = times[times.size() / 2];
  s.best_s = times.front();
  return s;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

bool read_all(const char* path, std::string& out) {
  FILE* f = std::fopen(path, "rb");
  if (f == nullptr)
    return false;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    out.append(buf, n);
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok;
}

/// Peak resident set size of this process in KiB: VmHWM of /proc/self/status
/// (the high-water mark of this address space). Not getrusage's ru_maxrss: Linux
/// carries that over an execve from the image before it, and posix_spawn's
/// vfork child shares the parent's address space until the exec.
long peak_rss_kb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f != nullptr) {
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f) != nullptr)
      if (std::strncmp(line, "VmHWM:", 6) == 0)
        kb = std::atol(line + 6);
    std::fclose(f);
    if (kb >= 0)
      return kb;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

/// Options of the two-thread parse: split whatever the file's size.
relupkit::parse::ParseOptions two_thread_options(relupkit::parse::ParseStats* stats = nullptr) {
  relupkit::parse::ParseOptions options;
  options.threads = true;
  options.split_min_bytes = 0;
  options.stats = stats;
  return options;
}

/// --rss-only: the work of one `relupkit fmt`-like step in this fresh process.
int rss_only(const std::string& what, const char* path) {
  auto src = relupkit::SourceBuffer::read_file(path);
  if (!src.ok()) {
    std::fprintf(stderr, "%s: %s\n", path, src.error().message.c_str());
    return 2;
  }
  if (what == "pegtl") {
#if RELUPKIT_BENCH_HAVE_PEGTL
    auto doc = relupkit::grammar::parse_document(std::move(*src));
    if (!doc.ok())
      return 2;
#else
    return 3;
#endif
  } else {
    relupkit::parse::ParseOptions options =
        what == "parse2" ? two_thread_options() : relupkit::parse::ParseOptions();
    // As `relupkit fmt` does: the terms own their strings, and the source is
    // freed before printing.
    options.own_strings = what == "fmt";
    const auto t0 = std::chrono::steady_clock::now();
    auto doc = relupkit::parse::parse_document(std::move(*src), options);
    const auto t1 = std::chrono::steady_clock::now();
    if (!doc.ok())
      return 2;
    std::printf("parse_us=%lld\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
    if (what == "fmt") {
      (void)(*doc)->release_source();
      const std::string out = relupkit::print::print_canonical(**doc);
      std::fwrite(out.data(), 1, 0, stdout); // keep `out` alive until here
    }
  }
  std::printf("peak_rss_kb=%ld\n", peak_rss_kb());
  return 0;
}

/// What a fresh process made of one step (child()): its peak RSS in KiB, and
/// how long its parse took, the first in that process (page faults and cold
/// caches included, as in a run of the CLI). Negative when it failed.
struct ChildRun {
  long rss_kb = -1;
  double parse_s = -1;
};

/// Runs this binary with --rss-only WHAT FILE.
ChildRun child(const std::string& what, const char* path) {
  int fds[2];
  if (pipe(fds) != 0)
    return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::string self = "/proc/self/exe";
  std::vector<std::string> args = {"relupkit_bench", "--rss-only", what, path};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return {};
  }
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return {};
  ChildRun run;
  const size_t at = out.find("peak_rss_kb=");
  if (at != std::string::npos)
    run.rss_kb = std::atol(out.c_str() + at + 12);
  const size_t us = out.find("parse_us=");
  if (us != std::string::npos)
    run.parse_s = static_cast<double>(std::atoll(out.c_str() + us + 9)) / 1e6;
  return run;
}

struct Options {
  const char* file = nullptr;
  double min_time = 2.0;
  double consult_seconds = 0;
  bool json = false;
  bool smoke = false;
  std::string profile; ///< run only this loop and print its throughput
};

void usage() {
  std::fprintf(stderr, "usage: relupkit_bench FILE [--min-time S] [--consult-seconds S] [--json]\n"
                       "       relupkit_bench --rss-only parse|parse2|fmt|pegtl FILE\n"
                       "       relupkit_bench --smoke FILE\n"
                       "       relupkit_bench --profile parse|parse2|tokens|pegtl|print FILE "
                       "[--min-time S]\n");
}

const char* mark(bool ok) { return ok ? "ok" : "MISSED"; }

} // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--rss-only") == 0)
    return rss_only(argv[2], argv[3]);
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--min-time" && i + 1 < argc)
      o.min_time = std::atof(argv[++i]);
    else if (a == "--consult-seconds" && i + 1 < argc)
      o.consult_seconds = std::atof(argv[++i]);
    else if (a == "--json")
      o.json = true;
    else if (a == "--smoke")
      o.smoke = true;
    else if (a == "--profile" && i + 1 < argc)
      o.profile = argv[++i];
    else if (!a.empty() && a[0] != '-' && o.file == nullptr)
      o.file = argv[i];
    else {
      usage();
      return 2;
    }
  }
  if (o.file == nullptr) {
    usage();
    return 2;
  }
  std::string text;
  if (!read_all(o.file, text)) {
    std::fprintf(stderr, "relupkit_bench: cannot read %s\n", o.file);
    return 2;
  }
  const double mb = static_cast<double>(text.size()) / 1e6;
  const double min_time = o.smoke ? 0 : o.min_time;
  const int min_iters = o.smoke ? 1 : 5;
  int failures = 0;
  const auto wanted = [&](const char* loop) { return o.profile.empty() || o.profile == loop; };
  if (!o.profile.empty() && !wanted("parse") && !wanted("parse2") && !wanted("tokens") &&
      !wanted("pegtl") && !wanted("print")) {
    usage();
    return 2;
  }

  // One parse of a fresh copy of the input, timed; -1 when it fails.
  std::string parse_error;
  const auto time_parse = [&](auto parse) {
    return [&, parse]() -> double {
      relupkit::SourceBuffer buf(o.file, text);
      const auto t0 = Clock::now();
      auto doc = parse(std::move(buf));
      const double t = seconds_since(t0);
      if (!doc.ok()) {
        parse_error = doc.error().message;
        return -1;
      }
      return t;
    };
  };

  // Hand parser.
  Stats hand;
  if (wanted("parse"))
    hand = repeat(time_parse([](relupkit::SourceBuffer b) {
                    return relupkit::parse::parse_document(std::move(b));
                  }),
                  min_time, min_iters);
  if (wanted("parse") && !hand.ran) {
    std::fprintf(stderr, "relupkit_bench: the hand parser rejects %s: %s\n", o.file,
                 parse_error.c_str());
    return 1;
  }

  // The hand parser on two threads (ParseOptions::threads), and whether the
  // second thread's part was joined (else the timing is of one thread).
  Stats two;
  relupkit::parse::ParseStats two_stats;
  if (wanted("parse2"))
    two = repeat(time_parse([&two_stats](relupkit::SourceBuffer b) {
                   return relupkit::parse::parse_document(std::move(b),
                                                          two_thread_options(&two_stats));
                 }),
                 min_time, min_iters);
  if (wanted("parse2") && !two.ran) {
    std::fprintf(stderr, "relupkit_bench: the hand parser on two threads rejects %s: %s\n", o.file,
                 parse_error.c_str());
    ++failures;
  }

  // The hand parser's token path alone (ParseOptions::fast_path off).
  Stats tokens;
  if (wanted("tokens"))
    tokens = repeat(time_parse([](relupkit::SourceBuffer b) {
                      relupkit::parse::ParseOptions options;
                      options.fast_path = false;
                      return relupkit::parse::parse_document(std::move(b), options);
                    }),
                    min_time / 2, o.smoke ? 1 : 3);
  if (wanted("tokens") && !tokens.ran) {
    std::fprintf(stderr, "relupkit_bench: the hand parser's token path rejects %s: %s\n", o.file,
                 parse_error.c_str());
    ++failures;
  }

  // PEGTL reference parser (fewer iterations: it is the slow one).
  Stats peg;
#if RELUPKIT_BENCH_HAVE_PEGTL
  if (wanted("pegtl"))
    peg = repeat(time_parse([](relupkit::SourceBuffer b) {
                   return relupkit::grammar::parse_document(std::move(b));
                 }),
                 min_time / 2, o.smoke ? 1 : 3);
  if (wanted("pegtl") && !peg.ran) {
    std::fprintf(stderr, "relupkit_bench: the PEGTL parser rejects %s: %s\n", o.file,
                 parse_error.c_str());
    ++failures;
  }
#endif

  // Canonical printer, on one parsed document.
  auto doc = relupkit::parse::parse_document(relupkit::SourceBuffer(o.file, text));
  std::string printed;
  Stats print;
  if (wanted("print"))
    print = repeat(
        [&]() -> double {
          const auto t0 = Clock::now();
          std::string out = relupkit::print::print_canonical(**doc);
          const double t = seconds_since(t0);
          printed = std::move(out);
          return t;
        },
        min_time, min_iters);
  if (!o.profile.empty()) {
    const Stats& s = o.profile == "parse"    ? hand
                     : o.profile == "parse2" ? two
                     : o.profile == "tokens" ? tokens
                     : o.profile == "pegtl"  ? peg
                                             : print;
    if (s.ran)
      std::printf("%s: %.0f MB/s (median of %d, best %.0f MB/s)\n", o.profile.c_str(),
                  mb / s.median_s, s.iterations, mb / s.best_s);
    return s.ran ? 0 : 1;
  }
  const bool identical = printed == text;
  if (!identical) {
    const auto diff = std::mismatch(printed.begin(), printed.end(), text.begin(), text.end());
    std::fprintf(stderr,
                 "relupkit_bench: print_canonical(parse(FILE)) != FILE (first difference at byte "
                 "%zu of %zu); the file is OTP output, so it should be\n",
                 static_cast<size_t>(diff.second - text.begin()), text.size());
    ++failures;
  }

  // The two-thread parse builds the same terms: its print is the input too.
  {
    relupkit::parse::ParseStats stats;
    auto doc2 = relupkit::parse::parse_document(relupkit::SourceBuffer(o.file, text),
                                                two_thread_options(&stats));
    if (!doc2.ok() || relupkit::print::print_canonical(**doc2) != printed) {
      std::fprintf(stderr, "relupkit_bench: the two-thread parse does not print as the "
                           "one-thread parse does\n");
      ++failures;
    }
    // A relup written by systools splits at a comma of its instruction lists.
    if (!stats.joined) {
      std::fprintf(stderr, "relupkit_bench: the two-thread parse did not join its parts\n");
      ++failures;
    }
  }

  // Peak RSS, each in a fresh process; the one-thread parse in several, for
  // the time of a cold parse too (the median).
  std::vector<ChildRun> cold(o.smoke ? 1 : 7);
  for (ChildRun& c : cold)
    c = child("parse", o.file);
  const long rss_parse = cold.front().rss_kb;
  std::sort(cold.begin(), cold.end(),
            [](const ChildRun& a, const ChildRun& b) { return a.parse_s < b.parse_s; });
  const double cold_s = cold[cold.size() / 2].parse_s;
  const long rss_parse2 = child("parse2", o.file).rss_kb;
  const long rss_fmt = child("fmt", o.file).rss_kb;
  if (rss_parse < 0 || rss_parse2 < 0 || rss_fmt < 0 || cold.front().parse_s < 0) {
    std::fprintf(stderr, "relupkit_bench: the --rss-only child failed\n");
    ++failures;
  }

  const double hand_mbs = mb / hand.median_s;
  const double peg_mbs = peg.ran ? mb / peg.median_s : 0;
  const double print_mbs = static_cast<double>(printed.size()) / 1e6 / print.median_s;
  const double rss_ratio =
      static_cast<double>(rss_parse) * 1024.0 / static_cast<double>(text.size());
  const double consult_mbs = o.consult_seconds > 0 ? mb / o.consult_seconds : 0;

  if (o.json) {
    std::printf(
        "{\"file\":\"%s\",\"bytes\":%zu,\"hand_parse_mb_s\":%.1f,\"hand_parse_best_mb_s\":%.1f,"
        "\"two_threads_mb_s\":%.1f,\"two_threads_joined\":%s,"
        "\"token_path_mb_s\":%.1f,\"pegtl_parse_mb_s\":%.1f,\"print_mb_s\":%.1f,"
        "\"print_identical\":%s,\"peak_rss_parse_kb\":%ld,\"peak_rss_parse_two_threads_kb\":%ld,"
        "\"peak_rss_fmt_kb\":%ld,\"consult_mb_s\":%.3f,\"cold_parse_mb_s\":%.1f}\n",
        o.file, text.size(), hand_mbs, mb / hand.best_s, two.ran ? mb / two.median_s : 0,
        two_stats.joined ? "true" : "false", tokens.ran ? mb / tokens.median_s : 0, peg_mbs,
        print_mbs, identical ? "true" : "false", rss_parse, rss_parse2, rss_fmt, consult_mbs,
        mb / cold_s);
    return failures == 0 ? 0 : 1;
  }

  std::printf("relupkit_bench: %s, %.1f MB (MB = 10^6 bytes), median of N iterations\n", o.file,
              mb);
  std::printf("  %-34s %12s %8s  %s\n", "measure", "value", "N", "target");
  std::printf("  %-34s %9.0f MB/s %6d  >= 1000 MB/s: %s (best %.0f MB/s)\n",
              "hand parser (parse_document)", hand_mbs, hand.iterations, mark(hand_mbs >= 1000),
              mb / hand.best_s);
  if (two.ran)
    std::printf("  %-34s %9.0f MB/s %6d  (ParseOptions::threads; parts %s; best %.0f MB/s)\n",
                "hand parser, two threads", mb / two.median_s, two.iterations,
                two_stats.joined ? "joined" : "NOT joined", mb / two.best_s);
  std::printf("  %-34s %9.0f MB/s %6zu  (the first parse in a fresh process, as the CLI's)\n",
              "hand parser, fresh process", mb / cold_s, cold.size());
  if (tokens.ran)
    std::printf("  %-34s %9.0f MB/s %6d  (no fused scanner)\n", "hand parser, token path only",
                mb / tokens.median_s, tokens.iterations);
  if (peg.ran)
    std::printf("  %-34s %9.0f MB/s %6d\n", "PEGTL parser (grammar::parse_doc.)", peg_mbs,
                peg.iterations);
  else
    std::printf("  %-34s %14s\n", "PEGTL parser", "not built");
  std::printf("  %-34s %9.0f MB/s %6d  >= 300 MB/s: %s (output %s the input)\n",
              "canonical printer (print_canon.)", print_mbs, print.iterations,
              mark(print_mbs >= 300), identical ? "==" : "!=");
  std::printf("  %-34s %9.1f MiB  %6s  <= 3x file: %.2fx %s\n", "peak RSS, parse (fresh process)",
              static_cast<double>(rss_parse) / 1024.0, "1", rss_ratio, mark(rss_ratio <= 3.0));
  std::printf("  %-34s %9.1f MiB  %6s  (%.2fx file)\n", "peak RSS, parse on two threads",
              static_cast<double>(rss_parse2) / 1024.0, "1",
              static_cast<double>(rss_parse2) * 1024.0 / static_cast<double>(text.size()));
  std::printf("  %-34s %9.1f MiB  %6s  (%.2fx file)\n", "peak RSS, parse + print",
              static_cast<double>(rss_fmt) / 1024.0, "1",
              static_cast<double>(rss_fmt) * 1024.0 / static_cast<double>(text.size()));
  if (peg.ran)
    std::printf("  %-34s %9.1fx %11s >= 5x: %s\n", "hand / PEGTL", hand_mbs / peg_mbs, "",
                mark(hand_mbs / peg_mbs >= 5));
  if (o.consult_seconds > 0) {
    std::printf("  %-34s %9.2f MB/s %6s  (%.2f s)\n", "OTP file:consult", consult_mbs, "1",
                o.consult_seconds);
    std::printf("  %-34s %9.0fx %11s >= 500x: %s\n", "hand parser / file:consult",
                hand_mbs / consult_mbs, "", mark(hand_mbs / consult_mbs >= 500));
    if (two.ran)
      std::printf("  %-34s %9.0fx %11s (opt-in, not the target's figure)\n",
                  "two threads / file:consult", mb / two.median_s / consult_mbs, "");
  }
  return failures == 0 ? 0 : 1;
}
