#!/usr/bin/env bash
# Every tracked C++ file follows .clang-format. Exit 77 (skipped) when clang-format is absent.
set -uo pipefail
root="$1"
command -v clang-format >/dev/null || { echo "clang-format not installed: skipped"; exit 77; }
cd "$root" || exit 1
status=0
while IFS= read -r -d '' file; do
  if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
    echo "not formatted: $file (run: clang-format -i $file)"
    status=1
  fi
done < <(find controller sim tests tools bench \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z)
exit "$status"
