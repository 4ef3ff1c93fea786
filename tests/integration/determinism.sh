#!/usr/bin/env bash
# Every library scenario, run twice with its seed, gives the same stdout byte for byte and the
# same JSON report (its wall_seconds aside): a run is a function of the file and the seed.
set -u
albc="$1"
source_dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for scenario in "$source_dir"/scenarios/*.yaml; do
  name=$(basename "$scenario" .yaml)
  for run in 1 2; do
    "$albc" run "$scenario" --report "$work/$name.$run.json" > "$work/$name.$run.out" 2> /dev/null
    sed -i 's/"wall_seconds": [0-9.e+-]*/"wall_seconds": 0/' "$work/$name.$run.json"
  done
  if ! cmp -s "$work/$name.1.out" "$work/$name.2.out"; then
    echo "FAIL: $name: stdout differs between two runs" >&2
    diff "$work/$name.1.out" "$work/$name.2.out" | head -5 >&2
    status=1
  fi
  if ! cmp -s "$work/$name.1.json" "$work/$name.2.json"; then
    echo "FAIL: $name: the JSON report differs between two runs" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "ok: $(ls "$source_dir"/scenarios/*.yaml | wc -l) scenarios, twice each"
exit "$status"
