#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every test: the harness's own tests, then each scenario's boot, and
# print one summary ending in "N passed, N failed, N skipped".
# Env: SCENARIOS="a b" to run a subset.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

all="nested-hvhe nested-nvhe s1only s2only native noel2"
scenarios=${SCENARIOS:-$all}
say "check: scenarios: $scenarios"
# The KUnit suites through kunit.py exec, on QEMU with pKVM (make kunit
# builds a kernel of its own from the .kunitconfig and runs it). It runs
# beside the harness's tests and the fuzzing, which keep one core busy
# each, in turn: about 30 s less on 2 cores.
KUNIT_MODE=exec "$TOP/scripts/kunit.sh" &
kunit_pid=$!
"$TOP/scripts/test-harness.sh"
# A short fuzzing pass of the emulation's decisions (make fuzz runs longer).
FUZZ_SECONDS=${FUZZ_SECONDS:-5} "$TOP/scripts/fuzz.sh" || say "check: fuzz tests failed (build/logs/test-fuzz.log)"
wait "$kunit_pid" || say "check: kunit.py failed (build/logs/kunit.log)"
for s in $scenarios; do
	"$TOP/scripts/boot.sh" "$s" || die "could not boot scenario $s"
done
say "check: results (full list in build/results/summary.txt)"
python3 "$TOP/scripts/results.py" summary harness fuzz kunit $scenarios
rc=$?
say "check: finished in $(elapsed)"
exit "$rc"
