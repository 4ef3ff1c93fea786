#!/usr/bin/env bash
# Quickstart, first command: installs what is missing, builds albc, runs a scenario on the
# embedded fakes. `tools/run-scenario.sh [SCENARIO.yaml] [albc run flags]`
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/build.sh" albc
scenario="${1:-$root/scenarios/seed-walkthrough.yaml}"
shift || true
exec "$root/build/albc" run "$scenario" "$@"
