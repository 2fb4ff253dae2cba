#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the default scenario (or $SCENARIO) and print the short report.
# By default only what shows the series at work (about a minute of QEMU
# on a warm build): pKVM's mode and who owns the SMMU (boot), DMA through
# it (io, edu), the isolation probe (probe) and the hypervisor's SMMU
# counters (smmu). RUN_PLAN=full runs the scenario's whole test plan, as
# make check does; RUN_PLAN=a,b,... runs those groups.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

s=${SCENARIO:-$DEFAULT_SCENARIO}
case ${RUN_PLAN:=boot,io,edu,probe,smmu} in
full) unset PLAN ;;
*) export PLAN=$RUN_PLAN MEM=${MEM:-1G} ;;
esac
"$TOP/scripts/boot.sh" "$s" || die "could not boot scenario $s"
echo
python3 "$TOP/scripts/results.py" report "$s"
