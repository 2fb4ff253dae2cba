#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection: for each test-only patch of tests/fault-injection (never
# part of patches/), build build/linux's HEAD plus that patch into
# build/kout-fi, boot nested-hvhe with a plan that shows the fault's effect,
# and check what must happen:
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
# printed; one boot per injection.
#
# Each build starts from a copy of build/kout (make build's output) and
# compiles build/linux itself with the patch applied: the same source paths
# and command lines, so only what the patch touches is rebuilt and relinked
# (about a minute, cold or warm, where a tree of its own would rebuild the
# whole kernel). The patch is taken out of build/linux again, and the files'
# times restored, before the boot, or on any exit; one left behind by a
# killed run is taken out on the next, and "make tree" refuses a
# build/linux with changes that are not in patches/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KO=$BUILD/kout-fi
FAULTS=${FAULTS:-skip-idmap-unmap cmd-timeout cmd-rejected evtq-abort}
kbuild_setup "$TREE" "$KO"

[ -f "$KOUT/arch/arm64/boot/Image" ] && [ -f "$BUILD/initramfs.cpio.gz" ] ||
	die "run 'make build payload' first"

# The files a patch touches, and their times before it was applied
stamp=$BUILD/fault-stamps
injected=""
take_out() {
	local p=$injected
	[ -n "$p" ] || return 0
	injected=""
	git -C "$TREE" apply -R "$p" || die "could not take $p out of $TREE: run 'FORCE=1 make tree'"
	if [ -f "$stamp" ]; then
		while read -r t f; do touch -c -d "@$t" "$TREE/$f"; done <"$stamp"
		rm -f "$stamp"
	fi
}
trap take_out EXIT
for p in "$TOP"/tests/fault-injection/*.patch; do
	if git -C "$TREE" apply -R --check "$p" 2>/dev/null; then
		say "fault: $(basename "$p") was left in $TREE by an earlier run: taking it out"
		injected=$p
		take_out
	fi
done
git -C "$TREE" diff --quiet HEAD ||
	die "$TREE has changes that are not committed: commit or discard them first"

log=$LOGS/test-fault.log
tap_begin fault "$log" "fault injection: "

# boot_with FAULT PLAN: build with the fault injected and boot; the boot
# log is $LOGS/boot-fault-FAULT.log.
boot_with() {
	local patch=$TOP/tests/fault-injection/$1.patch f
	rm -rf "$KO"
	cp -a "$KOUT" "$KO"
	git -C "$TREE" apply --check "$patch" || die "$patch does not apply to build/linux HEAD; refresh it"
	git -C "$TREE" apply --numstat "$patch" | cut -f3 | while read -r f; do
		[ ! -e "$TREE/$f" ] || echo "$(stat -c %Y "$TREE/$f") $f"
	done >"$stamp"
	injected=$patch
	git -C "$TREE" apply "$patch"
	run_step "build the kernel with $1 injected" "$LOGS/fault-build-$1.log" \
		"see the log" "${KMAKE[@]}" Image
	take_out
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
	# QEMU also reports EVTQ_ABT_ERR when its event queue is full (the
	# architecture sets the overflow flag), which the probe's burst of
	# events does in any boot: only with the injection does no event at
	# all reach the host.
	ev=$(grep -a -o 'smmu-counter: [0-9a-f]* events [0-9]*' "$blog" | awk '{ s += $4 } END { print s + 0 }')
	if [ "$ev" -ne 0 ]; then
		tap_notok "$name" "$ev events reached the host: the injection did not take effect ($blog)"
	elif ! grep -aq 'EVTQ write aborted' "$blog"; then
		tap_notok "$name" "the host driver never reported it (no 'EVTQ write aborted' in $blog)"
	elif [ "$n" -lt 1 ]; then
		tap_notok "$name" "no gerrors counted ($blog)"
	elif [ -n "$failed" ]; then
		tap_notok "$name" "$(echo "$failed" | head -n 1)"
	elif ! grep -aq '^ok .*isolation: device DMA to hypervisor memory is blocked' "$blog"; then
		tap_notok "$name" "the isolation probe did not pass ($blog)"
	else
		tap_ok "$name" "gerrors $n, no event delivered, $(grep -ac 'EVTQ write aborted' "$blog") host reports, $(grep -ac '^ok ' "$blog") tests passed"
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
