# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# Sourced by scripts/test, scripts/demo and scripts/fuzz: the Debian 12 packages
# relupkit builds and tests with, installed only when missing.

RELUPKIT_PACKAGES=(
  cmake ninja-build g++ tao-pegtl-dev libfmt-dev libcli11-dev librapidcheck-dev
  libgtest-dev libbenchmark-dev erlang-base erlang-dev erlang-src erlang-tools rebar3
  clang hyperfine
)

# Prints the packages among "$@" that dpkg does not list as installed.
relupkit_missing_packages() {
  local p
  for p in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]]; then
      echo "$p"
    fi
  done
}

# Installs RELUPKIT_PACKAGES plus "$@" when any is missing (apt-get, with sudo
# unless root). Does nothing when all are installed.
relupkit_install_deps() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; install these yourself: ${RELUPKIT_PACKAGES[*]} $*" >&2
    return 0
  fi
  local missing=()
  mapfile -t missing < <(relupkit_missing_packages "${RELUPKIT_PACKAGES[@]}" "$@")
  ((${#missing[@]} == 0)) && return 0
  local sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  echo "deps: installing ${missing[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${missing[@]}"
}

# Configures (if needed) and builds the Release tree in "$1" (default build/),
# keeping going past errors. Extra arguments after "--" are ninja targets.
# Returns the build's status.
relupkit_build() {
  local root dir
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  dir="${1:-$root/build}"
  shift || true
  [[ "${1:-}" == "--" ]] && shift
  local gen=()
  [[ -f "$dir/CMakeCache.txt" ]] || gen=(-G Ninja)
  cmake -S "$root" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release
  local targets=()
  local t
  for t in "$@"; do targets+=(--target "$t"); done
  local keep_going=()
  if grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja' "$dir/CMakeCache.txt"; then
    keep_going=(-- -k 0)
  elif grep -q '^CMAKE_GENERATOR:INTERNAL=Unix Makefiles' "$dir/CMakeCache.txt"; then
    keep_going=(-- -k)
  fi
  cmake --build "$dir" -j "$(nproc)" "${targets[@]}" "${keep_going[@]}"
}
