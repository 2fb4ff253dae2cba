#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fault injection: show that the IOMMU identity-map checker catches a
# missing unmap. Builds build/linux's HEAD plus
# tests/fault-injection/skip-idmap-unmap.patch (test only, never in patches/)
# in a worktree (build/fi-tree) into build/kout-fi, boots nested-hvhe with
# the plan "boot,idmap", and passes if the hypervisor's boot-time check
# reports violations. Not part of "make check" (a second kernel build).
# TAP (one result) in build/logs/test-fault.log, also printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WT=$BUILD/fi-tree
KO=$BUILD/kout-fi
patch=$TOP/tests/fault-injection/skip-idmap-unmap.patch
kbuild_setup "$WT" "$KO"

[ -f "$KOUT/.config" ] && [ -f "$BUILD/initramfs.cpio.gz" ] || die "run 'make payload' first"
[ -d "$WT" ] || git -C "$TREE" worktree add -q --detach "$WT" base
git -C "$WT" checkout -q --detach "$(git -C "$TREE" rev-parse HEAD)"
git -C "$WT" reset -q --hard
git -C "$WT" apply "$patch" || die "$patch does not apply to build/linux HEAD; refresh it"
mkdir -p "$KO"
cp "$KOUT/.config" "$KO/.config"
run_step "build the kernel with the fault injected" "$LOGS/fault-build.log" \
	"see the log" bash -c '"$@" olddefconfig && "$@" Image' _ "${KMAKE[@]}"

tag=fault-skip-idmap-unmap
KOUT=$KO TAG=$tag PLAN=boot,idmap TIMEOUT=300 "$TOP/scripts/boot.sh" nested-hvhe || true
line=$(grep -a -m1 'IOMMU identity map check (boot)' "$LOGS/boot-$tag.log" || true)
log=$LOGS/test-fault.log
tap_begin fault "$log" "fault injection: "
name="the identity-map checker catches a missing unmap"
case "$line" in
*": 0 violations"*|"")
	tap_notok "$name" "${line:-no boot-time check in $LOGS/boot-$tag.log}" ;;
*)
	tap_ok "$name" "${line#*] }" ;;
esac
tap_end
grep -E '^(not )?ok ' "$log"
[ "$TAP_FAILED" -eq 0 ]
