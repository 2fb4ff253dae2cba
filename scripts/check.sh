#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run every test: the harness's own tests, then each scenario's boot, and
# print one summary ending in "N passed, N failed, N skipped".
# Every scenarios/*.conf, in the order of their ORDER= lines (lib.sh:
# scenarios). Env: SCENARIOS="a b" to run a subset.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

scenarios=${SCENARIOS:-$(scenarios | paste -sd " ")}
[ -n "$scenarios" ] || die "no scenarios/*.conf"
say "check: scenarios: $scenarios"
# The harness's own tests (mostly one core: unpacking the base) and the
# KUnit suites through kunit.py exec, on QEMU with pKVM (make kunit builds
# a kernel of its own from the .kunitconfig and runs it), beside a short
# fuzzing pass of the emulation's decisions (one core; make fuzz runs
# longer): about 40 s less on 2 cores than one after the other.
{
	"$TOP/scripts/test-harness.sh"
	KUNIT_MODE=exec "$TOP/scripts/kunit.sh" || say "check: kunit.py failed (build/logs/kunit.log)"
} &
bg_pid=$!
FUZZ_SECONDS=${FUZZ_SECONDS:-5} "$TOP/scripts/fuzz.sh" || say "check: fuzz tests failed (build/logs/test-fuzz.log)"
wait "$bg_pid"
for s in $scenarios; do
	"$TOP/scripts/boot.sh" "$s" || die "could not boot scenario $s"
done
say "check: results (full list in build/results/summary.txt)"
python3 "$TOP/scripts/results.py" summary harness fuzz kunit $scenarios
rc=$?
say "check: finished in $(elapsed)"
exit "$rc"
