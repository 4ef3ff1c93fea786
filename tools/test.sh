#!/usr/bin/env bash
# Quickstart, second command: installs what is missing, builds everything, runs every test
# (unit tests, the scenarios, the format check, and the integration tests with kubectl, the aws
# CLI and boto3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/build.sh"
cd "$root/build"
ctest --output-on-failure --parallel 2 "$@"
