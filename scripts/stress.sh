#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The longer stress pass (make stress): boot the default scenario
# (nested-hvhe) with the stress group for STRESS_SECS seconds (default 300):
# DMA map/unmap threads on every CPU with DMA round trips, virtio-blk writes
# read back, protected VMs created and destroyed, then the identity map's
# pool and check, and the isolation probe. Results in
# build/results/summary-stress.txt.
# Env: STRESS_SECS, SCENARIO (default: DEFAULT_SCENARIO in lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

secs=${STRESS_SECS:-300}
scenario=${SCENARIO:-$DEFAULT_SCENARIO}
say "stress: $scenario for $secs s"
PLAN=boot,edu,probe,stress,probe,idmap TAG=stress TIMEOUT=$((secs + 600)) \
	APPEND="pkvmtest.stress_secs=$secs" "$TOP/scripts/boot.sh" "$scenario" ||
	die "could not boot $scenario (log: build/logs/boot-stress.log)"
python3 "$TOP/scripts/results.py" summary stress | tee "$BUILD/results/summary-stress.txt"
