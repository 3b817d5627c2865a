#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# check_generator.sh GEN_BINARY WORKDIR [COUNT]: COUNT files from the property
# tests' generator (fresh seed), held to file:consult by check_generator.escript.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
gen="$1" work="$2" count="${3:-400}"
rm -rf "$work" && mkdir -p "$work"
"$gen" "$count" "$work"
escript "$here/check_generator.escript" "$work"
