#!/usr/bin/env bash
# `albc sweep`: seeds in parallel processes, crash sites expanded, failing runs printed with a
# command that replays them exactly, shards that add up to the whole, a merged report. And
# `albc shrink`: a failing scenario made small, still failing the same way.
set -u
albc="$1"
source_dir="$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cd "$source_dir" || fail "no source dir"

# A passing sweep over crash sites: the counting run plus one run per site, for each seed.
"$albc" sweep scenarios/crash-every-point.yaml --seeds 3..4 --jobs 2 --report "$work/every.json" \
  > "$work/every.out" 2> "$work/every.err" || fail "the crash sweep fails: $(cat "$work/every.out")"
python3 - "$work/every.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
counting = [x for x in r["by_run"] if x.get("counting")]
sites = [x for x in r["by_run"] if "crash_site" in x]
assert len(counting) == 2, counting
assert len(sites) >= 20 and r["failed"] == 0 and r["runs"] == len(r["by_run"]), r["runs"]
assert sorted({x["seed"] for x in sites}) == [3, 4]
PY

# A failing sweep: each failure with its replay command; the replay fails the same way.
"$albc" sweep tests/bad_input/scenarios/invariant-no-leak.yaml --seeds 5..7 --jobs 2 \
  > "$work/fail.out" 2> "$work/fail.err"
status=$?
[ "$status" = 1 ] || fail "a failing sweep exits 1, got $status"
grep -q "^albc sweep .*: 3 runs, 0 passed, 3 failed$" "$work/fail.out" || fail "summary: $(cat "$work/fail.out")"
replay=$(grep -m1 "^  replay: " "$work/fail.out" | sed 's/^  replay: albc //')
failure=$(grep -m1 "^seed 5: FAILED: " "$work/fail.out" | sed 's/^seed 5: FAILED: //')
[ -n "$replay" ] && [ -n "$failure" ] || fail "no replay line: $(cat "$work/fail.out")"
# shellcheck disable=SC2086
"$albc" $replay --quiet > "$work/replay.out" 2>&1
grep -qF -- "$failure" "$work/replay.out" || fail "the replay does not fail the same way"

# Shards split the seeds without overlap.
for shard in 1/2 2/2; do
  "$albc" sweep scenarios/seed-walkthrough.yaml --seeds 1..5 --shard "$shard" --jobs 2 \
    --report "$work/shard-${shard%/*}.json" > /dev/null 2>&1 || fail "shard $shard"
done
python3 - "$work/shard-1.json" "$work/shard-2.json" <<'PY' || exit 1
import json, sys
seeds = [sorted(x["seed"] for x in json.load(open(p))["by_run"]) for p in sys.argv[1:]]
assert seeds == [[1, 3, 5], [2, 4]], seeds
PY

# Shrinking keeps the failure and drops what it does not need.
"$albc" shrink tests/bad_input/scenarios/invariant-no-leak.yaml --out "$work/shrunk.yaml" \
  > "$work/shrink.out" 2>&1 || fail "shrink: $(cat "$work/shrink.out")"
grep -q "fails with: invariant no-leak" "$work/shrink.out" || fail "shrink: $(cat "$work/shrink.out")"
"$albc" run --quiet "$work/shrunk.yaml" > "$work/shrunk.run" 2>&1
[ $? = 1 ] && grep -q "invariant no-leak broken" "$work/shrunk.run" || fail "the shrunk scenario"
python3 - "$work/shrunk.yaml" <<'PY' || exit 1
import json, sys
text = open(sys.argv[1]).read()
steps = json.loads(text[text.index("\n") + 1:])["steps"]
assert len(steps) < 8, len(steps)
assert not any("crash" in step for step in steps), "the crash is not needed for the leak"
PY
"$albc" shrink scenarios/seed-walkthrough.yaml --out "$work/nothing.yaml" > /dev/null 2> "$work/pass.err"
[ $? = 1 ] && grep -q "does not fail" "$work/pass.err" || fail "shrinking a passing scenario"

# Bad flags are named.
"$albc" sweep scenarios/seed-walkthrough.yaml --seeds 5..1 > /dev/null 2> "$work/bad.err"
[ $? = 2 ] && grep -q -- "--seeds must be A..B with A <= B" "$work/bad.err" || fail "bad --seeds"
"$albc" sweep scenarios/seed-walkthrough.yaml --seeds 1..2 --shard 3/2 > /dev/null 2> "$work/bad.err"
[ $? = 2 ] && grep -q -- "--shard must be K/M" "$work/bad.err" || fail "bad --shard"
echo ok
