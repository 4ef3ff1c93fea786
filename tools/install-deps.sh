#!/usr/bin/env bash
# Installs the Debian packages albc builds and tests with, when any is missing. What the build
# needs is required; the clients that only some tests use are optional: when they cannot be
# installed, those tests report themselves skipped and the build goes on.
set -euo pipefail
required=(
  build-essential cmake ninja-build ccache pkg-config
  libboost-dev libboost-system-dev libssl-dev
  nlohmann-json3-dev libyaml-cpp-dev libpugixml-dev libre2-dev
  catch2 libbenchmark-dev
)
optional=(clang-format python3-boto3 python3-junitparser)
# The sanitizer and fuzzing build (tools/test.sh --sanitize, tools/fuzz.sh): clang with its
# sanitizer and libFuzzer runtimes.
if [ "${1:-}" = "--sanitize" ]; then
  required+=(clang libclang-rt-14-dev)
fi

missing_of() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      echo "$package"
  done
}

install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$@" >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends "$@" >&2; }
}

mapfile -t missing < <(missing_of "${required[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "albc: installing missing Debian packages: ${missing[*]}" >&2
  install "${missing[@]}"
fi
mapfile -t missing < <(missing_of "${optional[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "albc: installing optional Debian packages: ${missing[*]}" >&2
  install "${missing[@]}" ||
    echo "albc: could not install ${missing[*]}; the tests that use them will be skipped" >&2
fi
