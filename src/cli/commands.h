// SPDX-License-Identifier: Apache-2.0
#pragma once
// Subcommands of the relupkit CLI: each registers its options and returns an exit code.

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace relupkit::cli {

/// Exit codes shared by every command.
enum Exit : int { kOk = 0, kFindings = 1, kBadInput = 2, kInternal = 3 };

/// Adds `fmt` to `app`; `run` is set to the command's action.
void add_fmt_command(CLI::App& app, std::function<int()>& run);

} // namespace relupkit::cli
