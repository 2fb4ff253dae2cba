#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build what runs inside the guest: the test modules (tests/, out of tree
# against build/kout), the curated KVM selftests, and the initramfs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache} CCACHE_BASEDIR=$TOP/build CCACHE_NOHASHDIR=true
KMAKE=(make -C "$TREE" O="$KOUT" ARCH=arm64 CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" LOCALVERSION= -j"$JOBS")
ROOT=$BUILD/initramfs/root
LIST=${KST_LIST:-$TOP/guest/kvm-selftests.list}
[ -f "$KOUT/arch/arm64/boot/Image" ] || die "no kernel built (make build)"

# Test modules.
mods=()
for d in "$TOP"/tests/*/; do
	[ -f "$d/Kbuild" ] || continue
	n=$(basename "$d")
	mkdir -p "$BUILD/tests/$n"
	run_step "module tests/$n" "$LOGS/payload-module-$n.log" "fix the compile error in tests/$n" \
		"${KMAKE[@]}" M="$d" MO="$BUILD/tests/$n" modules
	mods+=("$BUILD/tests/$n"/*.ko)
done

# The kselftests, static, built and installed through the kselftest
# framework's own entry point (tools/testing/selftests: make install), as a
# user runs them: run_kselftest.sh and its list, the kvm collection and the
# vfio collection (whose edu driver the series adds). The initramfs gets the
# curated KVM selftests (group selftests runs them one by one with their
# arguments) and, under /kselftest, run_kselftest.sh with the tests the
# series adds or makes runnable (group vfio runs them through it). Both
# collections link libuuid from the arm64 sysroot (deps.sh).
progs=$(grep -vE '^[[:space:]]*(#|$)' "$LIST" | awk '{print $1}')
KST_DIR=$BUILD/kselftest
KST_INSTALL=$KST_DIR/install
RUNNER_TESTS="kvm:pvm_dma_isolation vfio:vfio_pci_driver_test vfio:vfio_dma_mapping_test vfio:vfio_pci_device_test"
ST_CC="${CROSS}gcc -static -I$ARM64_SYSROOT/usr/include -L$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu"
need=0
[ -f "$KST_DIR/.stamp" ] || need=1
for t in $progs; do [ -x "$KST_INSTALL/kvm/$(basename "$t")" ] || need=1; done
for t in $RUNNER_TESTS; do [ -x "$KST_INSTALL/${t%%:*}/${t#*:}" ] || need=1; done
if [ "$need" = 1 ] ||
   [ -n "$(find "$TREE/tools/testing/selftests/vfio" "$TREE/tools/testing/selftests/kvm" \
	"$TREE/tools/testing/selftests/kselftest" "$TREE/tools/testing/selftests/lib.mk" \
	-newer "$KST_DIR/.stamp" -print -quit 2>/dev/null)" ]; then
	run_step "kernel UAPI headers" "$LOGS/payload-headers.log" "see the log" "${KMAKE[@]}" headers
	rm -rf "$KST_INSTALL"
	mkdir -p "$KST_DIR/build"
	run_step "kselftests: make -C tools/testing/selftests TARGETS=\"kvm vfio\" install" \
		"$LOGS/payload-kselftest.log" \
		"fix the build error (a missing uuid.h or libuuid.a: re-run scripts/deps.sh)" \
		make -C "$TREE/tools/testing/selftests" -j"$JOBS" ARCH=arm64 CROSS_COMPILE="$CROSS" \
			CC="$ST_CC" KHDR_INCLUDES="-isystem $KOUT/usr/include" TARGETS="kvm vfio" \
			O="$KST_DIR/build" INSTALL_PATH="$KST_INSTALL" install
	for t in $RUNNER_TESTS; do
		grep -qx "$t" "$KST_INSTALL/kselftest-list.txt" ||
			die "$t is not in $KST_INSTALL/kselftest-list.txt (see $LOGS/payload-kselftest.log)"
	done
	touch "$KST_DIR/.stamp"
fi

# The initramfs.
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,lib/modules,selftests/kvm}
cp "$CACHE/busybox-arm64/bin/busybox" "$ROOT/bin/busybox"
# Guest-side helper programs (guest/*.c) and the kernel's DMA map
# benchmark tool, static.
for c in "$TOP"/guest/*.c "$TREE/tools/dma/dma_map_benchmark.c"; do
	p=$(basename "$c" .c)
	run_step "guest program $p" "$LOGS/payload-$p.log" "fix the compile error in ${c#"$TOP"/}" \
		"${CROSS}gcc" -static -O2 -Wall -Werror -isystem "$KOUT/usr/include" \
			-o "$ROOT/bin/$p" "$c"
done
ln -s busybox "$ROOT/bin/sh"
cp "$TOP/guest/init" "$TOP/guest/tests.sh" "$TOP/guest/lib.sh" "$ROOT/"
[ "${#mods[@]}" -eq 0 ] || cp "${mods[@]}" "$ROOT/lib/modules/"
for t in $progs; do
	mkdir -p "$ROOT/selftests/kvm/$(dirname "$t")"
	cp "$KST_INSTALL/kvm/$(basename "$t")" "$ROOT/selftests/kvm/$t"
done
# run_kselftest.sh, its runner and list, the collections' settings, and the
# tests it runs here.
mkdir -p "$ROOT/kselftest"
cp -a "$KST_INSTALL/run_kselftest.sh" "$KST_INSTALL/kselftest" "$KST_INSTALL/kselftest-list.txt" "$ROOT/kselftest/"
for t in $RUNNER_TESTS; do
	c=${t%%:*}
	mkdir -p "$ROOT/kselftest/$c"
	cp "$KST_INSTALL/$c/${t#*:}" "$ROOT/kselftest/$c/"
	[ ! -f "$KST_INSTALL/$c/settings" ] || cp "$KST_INSTALL/$c/settings" "$ROOT/kselftest/$c/"
done
cp "$LIST" "$ROOT/selftests/kvm/curated.list"
# Where the hypervisor keeps its copy of the memblock list (hyp .bss): the
# isolation probe reads it by DMA and compares with the first RAM base.
sym=$(awk '$3 == "__kvm_nvhe_hyp_memory" { print $1 }' "$KOUT/System.map")
[ -n "$sym" ] || die "__kvm_nvhe_hyp_memory not in $KOUT/System.map (is KVM built?)"
echo "hyp_memory 0x$sym" >"$ROOT/hyp-symbols"
mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null || true
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 >"$BUILD/initramfs.cpio.gz.tmp")
mv "$BUILD/initramfs.cpio.gz.tmp" "$BUILD/initramfs.cpio.gz"
say "initramfs: $(du -h "$BUILD/initramfs.cpio.gz" | cut -f1) ($(echo "$progs" | wc -w) selftests, ${#mods[@]} modules)"
