#!/usr/bin/env bash
# One case of the bad-input suite: `albc run` on a bad scenario file must end with the exit code
# and print the message that the file's header names:
#   # exit: 2
#   # error: steps[0].advance: 999999999h is longer than the scenario horizon of 720h
# and it must do so within the time limit ctest gives it (a hang is a failure too).
set -u
albc="$1"
scenario="$2"
expected_exit=$(sed -n 's/^# exit: //p' "$scenario" | head -n 1)
expected_error=$(sed -n 's/^# error: //p' "$scenario" | head -n 1)
if [ -z "$expected_exit" ] || [ -z "$expected_error" ]; then
  echo "$scenario: the header must name '# exit:' and '# error:'" >&2
  exit 1
fi
output=$("$albc" run --quiet "$scenario" 2>&1)
status=$?
if [ "$status" != "$expected_exit" ]; then
  printf 'expected exit %s, got %s; output:\n%s\n' "$expected_exit" "$status" "$output" >&2
  exit 1
fi
if ! grep -qF -- "$expected_error" <<<"$output"; then
  printf 'expected the message\n  %s\nin the output:\n%s\n' "$expected_error" "$output" >&2
  exit 1
fi
exit 0
