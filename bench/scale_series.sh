#!/usr/bin/env bash
# The scale series of bench/RESULTS.md: cold starts of 100, 1,000 and 10,000 Ingresses with 2 and
# with 10 pods each, one after another (about 20 minutes; the 10,000-Ingress runs need 2 and 4 GB).
#
#   bench/scale_series.sh [OUT_DIR]     (default build/scale-series)
#
# Writes the generated scenarios, each run's output and report, and summary.txt (wall time, user
# CPU and peak memory per run) to OUT_DIR. Run it with nothing else on the machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/scale-series}"
"$root/tools/build.sh" albc >&2
mkdir -p "$out"
: > "$out/summary.txt"
for replicas in 2 10; do
  for count in 100 1000 10000; do
    python3 "$root/tools/gen-ingress-fleet.py" --scenario "$count" "$out" --replicas "$replicas"
    name="scale-$count$([ "$replicas" != 2 ] && echo "-r$replicas" || true)"
    /usr/bin/time -f "$name: %e s wall, %U s user, %M KB peak" \
      "$root/build/albc" run --quiet --report "$out/$name.report.json" "$out/$name.yaml" \
      > "$out/$name.out" 2>&1 || true
    tail -1 "$out/$name.out" | tee -a "$out/summary.txt"
  done
done
