// SPDX-License-Identifier: Apache-2.0
// relupkit: lint, patch and format Erlang/OTP relup and .appup files.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace relupkit::cli;
  CLI::App app{"relupkit: read, check, format and rewrite Erlang/OTP relup and .appup files"};
  app.set_version_flag("--version", std::string("relupkit ") + RELUPKIT_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 success, 1 findings or `fmt --check` would change a file,\n"
             "2 bad input, bad usage or unreadable file.");
  std::function<int()> run;
  add_fmt_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kBadInput;
  }
  try {
    return run ? run() : kBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relupkit: internal error: %s\n", e.what());
    return kInternal;
  }
}
