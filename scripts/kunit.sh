#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kunit: the arm-smmu-v3 KUnit suites, the pKVM emulation's among
# them, run as an upstream developer runs them: the kernel's own runner,
# tools/testing/kunit/kunit.py, with the directory's .kunitconfig and the
# series' QEMU configuration for protected KVM (qemu_configs/arm64-pkvm.py:
# virt with EL2 and an SMMUv3, kvm-arm.mode=protected). Built in build/kunit
# with ccache. TAP, one result per suite: build/logs/test-kunit.log.
# KUNIT_MODE=exec (make check): kunit.py exec on the harness's own kernel.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

KDIR=$BUILD/kunit
log=$LOGS/test-kunit.log
out=$LOGS/kunit.log
kbuild_setup "$TREE" "$KDIR"
mkdir -p "$KDIR"
tap_begin kunit "$log" "kunit.py: "

if [ "${KUNIT_MODE:-run}" = exec ]; then
	# make check: the harness's kernel (build/kout, which has the suites
	# built in) run by kunit.py exec, without a kernel of its own to build.
	KDIR=$KOUT
	cmd=(./tools/testing/kunit/kunit.py exec --arch=arm64 --cross_compile="$CROSS"
		--qemu_config=tools/testing/kunit/qemu_configs/arm64-pkvm.py
		--build_dir="$KDIR" --timeout=600 'arm-smmu-v3*')
else
	cmd=(./tools/testing/kunit/kunit.py run --arch=arm64 --cross_compile="$CROSS"
		--qemu_config=tools/testing/kunit/qemu_configs/arm64-pkvm.py
		--kunitconfig=drivers/iommu/arm/arm-smmu-v3
		--build_dir="$KDIR" --jobs="$JOBS" --timeout=900
		--make_options="CC=ccache ${CROSS}gcc")
fi
say "kunit: cd build/linux && ${cmd[*]}"
start=$(date +%s)
# Debian's python3 first: kunit.py needs nothing else.
( cd "$TREE" && PATH=/usr/bin:/bin:$PATH run_step "kunit.py ${cmd[1]} (arm64, pKVM, arm-smmu-v3 suites)" "$out" \
	"read the log: a build error is the series', 'not ok' lines name the failing cases" \
	"${cmd[@]}" )
rc=$?
d=$(( $(date +%s) - start ))
# kunit.py prints each suite as "===== [PASSED] name =====" (or FAILED,
# SKIPPED, CRASHED), then "Testing complete. Ran N tests: passed: N, ...".
suites=$(sed -n -E 's/.*=+ \[(PASSED|FAILED|SKIPPED|CRASHED)\] ([^ =]+) =+.*/\1 \2/p' "$out")
summary=$(grep -m1 'Testing complete' "$out" | sed 's/.*Testing complete\. //')
grep -q 'kvm-arm.mode=protected' "$out" && grep -q 'virtualization=on' "$out" &&
	tap_ok "QEMU ran with EL2 and kvm-arm.mode=protected (qemu_configs/arm64-pkvm.py)" ||
	tap_notok "QEMU ran with EL2 and kvm-arm.mode=protected (qemu_configs/arm64-pkvm.py)" "no such QEMU command line in ${out#"$TOP"/}"
# kunit.py keeps the kernel's log in build/kunit/test.log: the suites must
# have run under pKVM, with the SMMU handed over to the hypervisor.
klog=$KDIR/test.log
if grep -q 'IOMMU driver started, DMA isolation enforced' "$klog" 2>/dev/null &&
   grep -q 'emulated by pKVM' "$klog"; then
	tap_ok "the suites ran under pKVM with the SMMU emulated" "$(grep -m1 -o 'Protected [hn]VHE mode' "$klog")"
else
	tap_notok "the suites ran under pKVM with the SMMU emulated" "no 'IOMMU driver started' and 'emulated by pKVM' in ${klog#"$TOP"/}"
fi
for s in arm-smmu-v3-kunit-test arm-smmu-v3-pkvm-emul; do
	st=$(awk -v s="$s" '$2 == s { print $1 }' <<<"$suites" | head -n 1)
	case $st in
	PASSED) tap_ok "$s" "$(grep -m1 -E "=+ $s \([0-9]+ subtests\)" "$out" | grep -oE '[0-9]+ subtests') passed; all: ${summary:-?}, ${d}s" ;;
	"") tap_notok "$s" "suite did not run (exit $rc; log ${out#"$TOP"/})" ;;
	*) tap_notok "$s" "$st: $(grep -E '\[FAILED\]|\[CRASHED\]' "$out" | head -n 3 | tr '\n' ' ' | cut -c1-200)" ;;
	esac
done
[ "$rc" -eq 0 ] && tap_ok "exit status 0" || tap_notok "exit status 0" "exit $rc; ${summary:-no summary}"
tap_end
say "done: kunit.py in ${d}s: ${summary:-no summary} (log: ${out#"$TOP"/})"
[ "$rc" -eq 0 ]
