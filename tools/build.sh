#!/usr/bin/env bash
# Configures (once) and builds albc in build/ with Ninja and ccache: `tools/build.sh [target...]`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/install-deps.sh"
if [ ! -f "$root/build/build.ninja" ]; then
  cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
fi
cmake --build "$root/build" --parallel 2 ${1:+--target "$@"} >&2
