#!/usr/bin/env bash
# Quickstart, second command: installs what is missing, builds everything, runs every test
# (unit tests, the scenarios, the bad-input suite, the fuzz targets' seed corpora, the format
# check, and the integration tests with kubectl, the aws CLI and boto3).
#
#   tools/test.sh [ctest arguments]
#   tools/test.sh --sanitize [ctest arguments]
#       the same tests (but the integration, format and scale ones) built by clang with
#       AddressSanitizer and UndefinedBehaviorSanitizer, in build-sanitize/; the fuzz targets
#       there are libFuzzer programs (tools/fuzz.sh runs them)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  shift
  "$root/tools/build-sanitize.sh"
  cd "$root/build-sanitize"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
  ctest --output-on-failure --parallel 2 --label-exclude 'integration|format|scale' "$@"
  exit
fi
"$root/tools/build.sh"
cd "$root/build"
ctest --output-on-failure --parallel 2 "$@"
