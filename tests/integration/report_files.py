#!/usr/bin/env python3
"""`albc run --report FILE.json --junit FILE.xml`, judged by a JUnit reader nobody here wrote.

Runs a passing and a failing scenario twice each and checks: stdout and the JSON report are the
same byte for byte (wall_seconds aside); junitparser (Debian's python3-junitparser, the library
CI plugins build on) reads the XML and finds a test case per step and per invariant, with the
failure where the run failed; a scenario that cannot be loaded still gets both files.
Usage: report_files.py ALBC_BINARY SOURCE_DIR. Exits 77 (skipped) without junitparser.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import junitparser
except ImportError:
    print("SKIP: python3-junitparser is not installed", file=sys.stderr)
    sys.exit(77)


def run(albc, scenario, work, tag):
    report = os.path.join(work, tag + ".json")
    junit = os.path.join(work, tag + ".xml")
    done = subprocess.run([albc, "run", scenario, "--report", report, "--junit=" + junit],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    with open(report) as f:
        data = json.load(f)
    return done.returncode, done.stdout, data, junit


def check(condition, message):
    if not condition:
        print("FAIL: " + message, file=sys.stderr)
        sys.exit(1)


def cases_of(junit_path):
    xml = junitparser.JUnitXml.fromfile(junit_path)
    suites = list(xml) if isinstance(xml, junitparser.JUnitXml) else [xml]
    check(len(suites) == 1, "one test suite per scenario, got %d" % len(suites))
    suite = suites[0]
    return suite, list(suite)


def main():
    albc, source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        scenario = os.path.join(source, "scenarios/seed-walkthrough.yaml")
        code, out, first, junit = run(albc, scenario, work, "a")
        code2, out2, second, _ = run(albc, scenario, work, "b")
        check(code == 0 and code2 == 0, "the seed walkthrough passes")
        check(out == out2, "stdout is byte-identical for a seed")
        first.pop("wall_seconds")
        second.pop("wall_seconds")
        check(json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True),
              "the JSON report is identical for a seed, wall time aside")
        check(first["passed"] is True and first["failure"] is None, "passed, no failure")
        steps = first["steps"]
        check([s["outcome"] for s in steps] == ["passed"] * len(steps), "every step passed")
        names = [i["name"] for i in first["invariants"]]
        check(names == ["converged", "no-leak", "no-orphan", "targets-match-endpoints",
                        "within-quota", "steady-state-no-writes"], "the six invariants: %s" % names)
        check(all(i["state"] == "held" and i["checks"] > 0 for i in first["invariants"]),
              "every invariant held: %s" % first["invariants"])
        latency = first["measurements"]["time_to_address"]
        check(latency["count"] == 1 and 0 < latency["p50"] <= latency["max"],
              "one Ingress got its address: %s" % latency)
        calls = first["calls"]
        check(calls["aws"]["total"] == sum(c["calls"] for c in calls["aws"]["by_operation"].values()),
              "AWS calls add up")
        check(calls["kubernetes"]["total"] == sum(calls["kubernetes"]["by_verb"].values()),
              "Kubernetes requests add up by verb")

        suite, cases = cases_of(junit)
        check(len(cases) == len(steps) + 6, "a test case per step and per invariant")
        check(suite.tests == len(cases) and suite.failures == 0, "suite counts")
        check(all(case.is_passed for case in cases), "every case passed")
        check(cases[0].classname == "seed-walkthrough.steps" and
              cases[0].name.startswith("step 1 (apply)"), "cases are named by step")

        # A failing run: the invariant that broke is a failed case, later steps are skipped.
        failing = os.path.join(source, "tests/bad_input/scenarios/invariant-no-leak.yaml")
        code, out, data, junit = run(albc, failing, work, "c")
        code2, out2, data2, _ = run(albc, failing, work, "d")
        check(code == 1 and out == out2, "the failing run fails the same way twice")
        check(data["passed"] is False and "invariant no-leak broken" in data["failure"],
              "the failure names the invariant")
        suite, cases = cases_of(junit)
        failed = [c for c in cases if not c.is_passed and not c.is_skipped]
        check(suite.failures == len(failed) and len(failed) == 2,
              "the failed step and the broken invariant: %s" % [c.name for c in failed])
        check(any(c.name == "no-leak" for c in failed), "no-leak is a failed case")
        skipped = [c for c in cases if c.is_skipped]
        check(suite.skipped == len(skipped) and len(skipped) >= 1, "steps not run are skipped")

        # A scenario that cannot be loaded: both files, one failed case naming the error.
        broken = os.path.join(work, "broken.yaml")
        with open(broken, "w") as f:
            f.write("name: broken\nsteps: [{wait: soon}]\n")
        code, _, data, junit = run(albc, broken, work, "e")
        check(code == 2 and "steps[0].wait" in data["failure"], "a bad file: exit 2, named field")
        suite, cases = cases_of(junit)
        check(len(cases) == 1 and suite.failures == 1, "one failed case for a bad file")
    print("ok")


main()
