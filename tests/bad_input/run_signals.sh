#!/usr/bin/env bash
# `albc run` stops within a second of SIGTERM or SIGINT, however much virtual time is left, and
# exits 128 + the signal's number.
set -u
albc="$1"
scenario="$(dirname "${BASH_SOURCE[0]}")/signals/long-run.yaml"
status=0
for signal in TERM INT; do
  "$albc" run --quiet "$scenario" > /dev/null 2>&1 &
  pid=$!
  sleep 0.5
  if ! kill -0 "$pid" 2> /dev/null; then
    echo "albc run ended before the signal; the scenario is too short to test this" >&2
    exit 1
  fi
  started=$(date +%s%N)
  kill -s "$signal" "$pid"
  wait "$pid"
  exit_code=$?
  elapsed_ms=$((($(date +%s%N) - started) / 1000000))
  expected=$((128 + $(kill -l "$signal")))
  if [ "$exit_code" != "$expected" ] || [ "$elapsed_ms" -ge 1000 ]; then
    echo "SIG$signal: exit $exit_code after ${elapsed_ms} ms (expected $expected within 1000 ms)" >&2
    status=1
  else
    echo "SIG$signal: exit $exit_code after ${elapsed_ms} ms"
  fi
done
exit $status
