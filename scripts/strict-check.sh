#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make strict-check: boot nested-hvhe on an SMMUv3 model that applies the
# architecture's alignment rules (IHI 0070: the SMMU treats the low bits of
# L2Ptr, STRTAB_BASE and the queue bases as zero), which stock QEMU does
# not. The model is QEMU 10.0 with ../shared/strict-qemu's patch, built
# once by that directory's "build" script (about 20 minutes on 2 cores,
# then cached; STRICT_QEMU_DIR names another copy of that directory).
# Passes if every test of the plan passes and the SMMU reports no
# C_BAD_STE: a table placed where a real SMMU would not read it makes every
# device behind the SMMU fail. Not part of "make check" (the model's build).
# TAP in build/logs/test-strict.log, also printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${STRICT_QEMU_DIR:-$TOP/../shared/strict-qemu}
[ -x "$dir/build" ] || die "no strict SMMUv3 model builder at $dir/build (set STRICT_QEMU_DIR)"
[ -f "$KOUT/arch/arm64/boot/Image" ] && [ -f "$BUILD/initramfs.cpio.gz" ] || die "run 'make payload' first"

out=$BUILD/strict-qemu.dir
run_step "build the strict SMMUv3 model (once; then cached)" "$LOGS/strict-qemu-build.log" \
	"read the log; $dir/README.md says what the build needs" \
	bash -c '"$1" >"$2"' _ "$dir/build" "$out"
bin=$(tail -n 1 "$out")
[ -x "$bin/qemu-system-aarch64" ] || die "the model's build printed no directory holding qemu-system-aarch64 (log: $LOGS/strict-qemu-build.log)"

tag=strict-nested-hvhe
plan=${STRICT_PLAN:-boot,io,edu,idmap,vfio,probe}
PATH=$bin:$PATH TAG=$tag PLAN=$plan TIMEOUT=600 "$TOP/scripts/boot.sh" nested-hvhe || true
blog=$LOGS/boot-$tag.log

log=$LOGS/test-strict.log
tap_begin strict "$log" "strict SMMUv3 model: "
used=$(PATH=$bin:$PATH command -v qemu-system-aarch64)
if [ "$used" = "$bin/qemu-system-aarch64" ]; then
	tap_ok "QEMU is the strict model" "$used"
else
	tap_notok "QEMU is the strict model" "PATH finds $used, not $bin/qemu-system-aarch64"
fi
# The guest prints its TAP plan ("1..N") once every group has run.
nok=$(grep -a -c -E '^ok [0-9]+ ' "$blog" || true)
nnot=$(grep -a -c -E '^not ok [0-9]+ ' "$blog" || true)
nplan=$(grep -a -m1 -o -E '^1\.\.[0-9]+' "$blog" | cut -d. -f3 || true)
if [ -n "$nplan" ] && [ "$nok" -eq "$nplan" ] && [ "$nnot" -eq 0 ]; then
	tap_ok "nested-hvhe ($plan): every test passes" "$nok of $nplan"
else
	tap_notok "nested-hvhe ($plan): every test passes" "$nok passed, $nnot failed, plan ${nplan:-missing} (log ${blog#"$TOP"/})"
fi
bad=$(grep -a -m1 'C_BAD_STE' "$blog" || true)
if [ -z "$bad" ]; then
	tap_ok "the SMMU finds every stream table entry (no C_BAD_STE)"
else
	tap_notok "the SMMU finds every stream table entry (no C_BAD_STE)" "${bad#*] }"
fi
tap_end
grep -E '^(not )?ok ' "$log"
[ "$TAP_FAILED" -eq 0 ]
