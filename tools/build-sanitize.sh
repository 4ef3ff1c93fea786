#!/usr/bin/env bash
# Configures (once) and builds build-sanitize/: clang, Debug at -O1, AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage on every file, and the fuzz targets linked
# with libFuzzer. `tools/build-sanitize.sh [target...]`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/install-deps.sh" --sanitize
build="$root/build-sanitize"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DALBC_SANITIZE=ON -DALBC_FUZZ=ON >&2
fi
cmake --build "$build" --parallel 2 ${1:+--target "$@"} >&2
