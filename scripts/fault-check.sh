#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection: for each test-only patch of tests/fault-injection (never
# part of patches/), build build/linux's HEAD plus that patch in a worktree
# (build/fi-tree) into build/kout-fi, boot nested-hvhe with a plan that
# shows the fault's effect, and check what must happen:
#
#   skip-idmap-unmap  the IOMMU identity map is never told when host pages
#                     become inaccessible: the hypervisor's boot-time
#                     checker must report violations.
#   cmd-timeout       one batch of the host's commands completes "too late"
#                     (the hypervisor sees a timeout, the SMMU finishes
#                     later): the host's queue stops with CERROR_ABT, the
#                     host driver re-issues ("retrying command fetch"),
#                     and DMA keeps working.
#   cmd-rejected      the SMMU rejects one of the host's forwarded commands
#                     (it becomes an illegal opcode on the hypervisor's
#                     queue): likewise.
#   evtq-abort        the hypervisor's event queue is at an address with no
#                     memory, so the SMMU's event writes abort: the host
#                     must hear of GERROR.EVTQ_ABT_ERR ("EVTQ write aborted"),
#                     the hypervisor count it, and isolation hold (the
#                     probe's DMA is blocked, only its events are lost).
#
# FAULTS="a b" runs those only. TAP in build/logs/test-fault.log, also
# printed; one kernel build (incremental) and one boot per injection.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WT=$BUILD/fi-tree
KO=$BUILD/kout-fi
FAULTS=${FAULTS:-skip-idmap-unmap cmd-timeout cmd-rejected evtq-abort}
kbuild_setup "$WT" "$KO"

[ -f "$KOUT/.config" ] && [ -f "$BUILD/initramfs.cpio.gz" ] || die "run 'make payload' first"
[ -d "$WT" ] || git -C "$TREE" worktree add -q --detach "$WT" base
mkdir -p "$KO"
cp "$KOUT/.config" "$KO/.config"

log=$LOGS/test-fault.log
tap_begin fault "$log" "fault injection: "

# boot_with FAULT PLAN: build with the fault injected and boot; the boot
# log is $LOGS/boot-fault-FAULT.log.
boot_with() {
	local patch=$TOP/tests/fault-injection/$1.patch
	git -C "$WT" checkout -q -f --detach "$(git -C "$TREE" rev-parse HEAD)"
	git -C "$WT" apply "$patch" || die "$patch does not apply to build/linux HEAD; refresh it"
	run_step "build the kernel with $1 injected" "$LOGS/fault-build-$1.log" \
		"see the log" bash -c '"$@" olddefconfig && "$@" Image' _ "${KMAKE[@]}"
	KOUT=$KO TAG=fault-$1 PLAN=$2 TIMEOUT=600 "$TOP/scripts/boot.sh" nested-hvhe || true
}

# Re-issued commands: the host saw CERROR_ABT and retried, the hypervisor
# counted the failure, stayed up, and every test of the plan passed but the
# one that asserts no command was ever rejected.
check_reissue() {
	local f=$1 blog=$LOGS/boot-fault-$1.log failed fails
	local name="$f: the host re-issues the failed commands, DMA keeps working"
	failed=$(grep -a '^not ok ' "$blog" | grep -av 'no rejected command' || true)
	fails=$(grep -a -o 'smmu-counter: [0-9a-f]* cmd_failures [0-9]*' "$blog" | awk '{ s += $4 } END { print s + 0 }')
	if ! grep -aq 'retrying command fetch' "$blog"; then
		tap_notok "$name" "the host driver never retried (no 'retrying command fetch' in $blog)"
	elif [ "$fails" -lt 1 ]; then
		tap_notok "$name" "no cmd_failures counted ($blog)"
	elif [ -n "$failed" ]; then
		tap_notok "$name" "$(echo "$failed" | head -n 1)"
	elif ! grep -aq '^ok .*smmu: .*counters readable' "$blog"; then
		tap_notok "$name" "the plan did not finish ($blog)"
	else
		tap_ok "$name" "cmd_failures $fails, $(grep -ac '^ok ' "$blog") tests passed, $(grep -ac 'retrying command fetch' "$blog") retries"
	fi
}

# The SMMU's own global error reaches the host; only events are lost.
check_gerror() {
	local f=$1 blog=$LOGS/boot-fault-$1.log failed n
	local name="$f: the host hears of the aborted event writes, isolation holds"
	failed=$(grep -a '^not ok ' "$blog" | grep -av 'event' || true)
	n=$(grep -a -o 'smmu-counter: [0-9a-f]* gerrors [0-9]*' "$blog" | awk '{ s += $4 } END { print s + 0 }')
	if ! grep -aq 'EVTQ write aborted' "$blog"; then
		tap_notok "$name" "the host driver never reported it (no 'EVTQ write aborted' in $blog)"
	elif [ "$n" -lt 1 ]; then
		tap_notok "$name" "no gerrors counted ($blog)"
	elif [ -n "$failed" ]; then
		tap_notok "$name" "$(echo "$failed" | head -n 1)"
	elif ! grep -aq '^ok .*isolation: device DMA to hypervisor memory is blocked' "$blog"; then
		tap_notok "$name" "the isolation probe did not pass ($blog)"
	else
		tap_ok "$name" "gerrors $n, $(grep -ac 'EVTQ write aborted' "$blog") host reports, $(grep -ac '^ok ' "$blog") tests passed"
	fi
}

for f in $FAULTS; do
	case $f in
	skip-idmap-unmap)
		boot_with "$f" boot,idmap
		line=$(grep -a -m1 'IOMMU identity map check (boot)' "$LOGS/boot-fault-$f.log" || true)
		name="$f: the identity-map checker catches a missing unmap"
		case "$line" in
		*": 0 violations"*|"") tap_notok "$name" "${line:-no boot-time check in $LOGS/boot-fault-$f.log}" ;;
		*) tap_ok "$name" "${line#*] }" ;;
		esac
		;;
	cmd-timeout|cmd-rejected)
		boot_with "$f" boot,io,edu,probe,smmu
		check_reissue "$f"
		;;
	evtq-abort)
		boot_with "$f" boot,io,edu,probe,smmu
		check_gerror "$f"
		;;
	*) die "no such fault injection: $f (see tests/fault-injection/README)" ;;
	esac
done
tap_end
grep -E '^(not )?ok ' "$log"
[ "$TAP_FAILED" -eq 0 ]
