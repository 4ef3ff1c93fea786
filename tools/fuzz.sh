#!/usr/bin/env bash
# Runs the libFuzzer targets (docs/fuzzing.md), each for a while, starting from its seed corpus
# in tests/fuzz/corpus/<target>/.
#
#   tools/fuzz.sh [--seconds N] [target...]     (default: 10 seconds, every target)
#
# New inputs go to a scratch corpus under build-sanitize/fuzz/, never into the repository. A
# crash stops that target: its input is kept as build-sanitize/fuzz/crash-<target>-*, and the
# command exits 1 after the other targets have run. Put the input into the target's seed corpus
# once it is fixed: it then replays in every test run.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=10
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds)
      if [ $# -lt 2 ] || ! [[ "$2" =~ ^[1-9][0-9]*$ ]]; then
        echo "fuzz.sh: --seconds wants a whole number of seconds, got '${2:-}'" >&2; exit 2
      fi
      seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for dir in "$root"/tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
"$root/tools/build-sanitize.sh" "${targets[@]/#/fuzz_}" || exit 2
out="$root/build-sanitize/fuzz"
mkdir -p "$out"
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
failed=()
printf '%-16s %12s %10s %8s  %s\n' target executions exec/s corpus result
for target in "${targets[@]}"; do
  work="$out/corpus-$target"
  mkdir -p "$work"
  log="$out/$target.log"
  "$root/build-sanitize/tests/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$out/crash-$target-" \
    "$work" "$root/tests/fuzz/corpus/$target" > "$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  units=$(ls "$work" | wc -l)
  if [ $status -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status; see $log)"
    failed+=("$target")
  fi
  printf '%-16s %12s %10s %8s  %s\n' "$target" "${runs:-?}" "${speed:-?}" "$units" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}; the inputs are in $out/crash-*" >&2
  exit 1
fi
