#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build what runs inside the guest: the test modules (tests/, out of tree
# against build/kout), the curated KVM selftests, and the initramfs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache} CCACHE_BASEDIR=$TOP/build CCACHE_NOHASHDIR=true
KMAKE=(make -C "$TREE" O="$KOUT" ARCH=arm64 CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" LOCALVERSION= -j"$JOBS")
KST=$BUILD/kselftest/kvm
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

# KVM selftests, static, only the curated ones plus those that need a device
# (the vfio group runs them). The VFIO selftests drive edu through VFIO.
# Both link libuuid from the arm64 sysroot (deps.sh).
progs=$(grep -vE '^[[:space:]]*(#|$)' "$LIST" | awk '{print $1}')
DEVICE_KVM_TESTS="arm64/pvm_dma_isolation"
VFIO_TESTS="vfio_pci_driver_test vfio_dma_mapping_test vfio_pci_device_test"
VST=$BUILD/kselftest/vfio
ST_CC="${CROSS}gcc -static -I$ARM64_SYSROOT/usr/include -L$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu"
need=0
for t in $progs $DEVICE_KVM_TESTS; do [ "$KST/$t" -nt "$LIST" ] || [ -x "$KST/$t" ] || need=1; done
for t in $VFIO_TESTS; do [ -x "$VST/$t" ] || need=1; done
if [ "$need" = 1 ] || [ "$TREE/tools/testing/selftests/kvm" -nt "$KST/.stamp" ] ||
   [ "$TREE/tools/testing/selftests/vfio" -nt "$KST/.stamp" ] ||
   [ -n "$(find "$TREE/tools/testing/selftests/vfio" "$TREE/tools/testing/selftests/kvm" -newer "$KST/.stamp" -print -quit 2>/dev/null)" ]; then
	run_step "kernel UAPI headers" "$LOGS/payload-headers.log" "see the log" "${KMAKE[@]}" headers
	mkdir -p "$KST" "$VST"
	run_step "KVM selftests ($(echo "$progs" | wc -w) curated, $(echo "$DEVICE_KVM_TESTS" | wc -w) with a device)" \
		"$LOGS/payload-kselftest.log" \
		"fix the build error, or drop the test from guest/kvm-selftests.list with a reason" \
		make -C "$TREE/tools/testing/selftests/kvm" -j"$JOBS" ARCH=arm64 CROSS_COMPILE="$CROSS" \
			CC="$ST_CC" OUTPUT="$KST" KHDR_INCLUDES="-isystem $KOUT/usr/include" \
			$(for t in $progs $DEVICE_KVM_TESTS; do printf '%s ' "$KST/$t"; done)
	run_step "VFIO selftests ($(echo "$VFIO_TESTS" | wc -w))" "$LOGS/payload-vfio-selftests.log" \
		"fix the build error (a missing uuid.h or libuuid.a: re-run scripts/deps.sh)" \
		make -C "$TREE/tools/testing/selftests/vfio" -j"$JOBS" ARCH=arm64 CROSS_COMPILE="$CROSS" \
			CC="$ST_CC" OUTPUT="$VST" KHDR_INCLUDES="-isystem $KOUT/usr/include" \
			$(for t in $VFIO_TESTS; do printf '%s ' "$VST/$t"; done)
	touch "$KST/.stamp"
fi

# The initramfs.
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,lib/modules,selftests/kvm,selftests/vfio}
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
cp "$TOP/guest/init" "$TOP/guest/tests.sh" "$ROOT/"
[ "${#mods[@]}" -eq 0 ] || cp "${mods[@]}" "$ROOT/lib/modules/"
for t in $progs $DEVICE_KVM_TESTS; do
	mkdir -p "$ROOT/selftests/kvm/$(dirname "$t")"
	cp "$KST/$t" "$ROOT/selftests/kvm/$t"
done
for t in $VFIO_TESTS; do cp "$VST/$t" "$ROOT/selftests/vfio/$t"; done
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
