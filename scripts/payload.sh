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

# KVM selftests, static, only the curated ones.
progs=$(grep -vE '^[[:space:]]*(#|$)' "$LIST" | awk '{print $1}')
need=0
for t in $progs; do [ "$KST/$t" -nt "$LIST" ] || [ -x "$KST/$t" ] || need=1; done
if [ "$need" = 1 ] || [ "$TREE/tools/testing/selftests/kvm" -nt "$KST/.stamp" ]; then
	run_step "kernel UAPI headers" "$LOGS/payload-headers.log" "see the log" "${KMAKE[@]}" headers
	mkdir -p "$KST"
	run_step "KVM selftests ($(echo "$progs" | wc -w) curated)" "$LOGS/payload-kselftest.log" \
		"fix the build error, or drop the test from guest/kvm-selftests.list with a reason" \
		make -C "$TREE/tools/testing/selftests/kvm" -j"$JOBS" ARCH=arm64 CROSS_COMPILE="$CROSS" \
			CC="${CROSS}gcc -static" OUTPUT="$KST" KHDR_INCLUDES="-isystem $KOUT/usr/include" \
			$(for t in $progs; do printf '%s ' "$KST/$t"; done)
	touch "$KST/.stamp"
fi

# The initramfs.
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,lib/modules,selftests/kvm}
cp "$CACHE/busybox-arm64/bin/busybox" "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"
cp "$TOP/guest/init" "$TOP/guest/tests.sh" "$ROOT/"
[ "${#mods[@]}" -eq 0 ] || cp "${mods[@]}" "$ROOT/lib/modules/"
for t in $progs; do
	mkdir -p "$ROOT/selftests/kvm/$(dirname "$t")"
	cp "$KST/$t" "$ROOT/selftests/kvm/$t"
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
