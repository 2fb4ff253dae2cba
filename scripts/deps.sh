#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the harness needs on a Debian bookworm machine (root).
# Idempotent: does nothing when all tools are present at the right versions.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(build-essential bc bison flex libssl-dev libelf-dev python3 perl git
      ccache cpio xz-utils zstd kmod rsync file
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross binutils-aarch64-linux-gnu
      sparse debootstrap python3-ply python3-git
      clang llvm libclang-rt-14-dev python3-matplotlib)
QEMU_MIN=10.0
BUSYBOX_DIR=$CACHE/busybox-arm64

qemu_ok() {
	local v
	command -v qemu-system-aarch64 >/dev/null || return 1
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\.[0-9]*\).*/\1/p')
	[ "$(printf '%s\n%s\n' "$QEMU_MIN" "$v" | sort -V | head -n 1)" = "$QEMU_MIN" ]
}

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ] || ! qemu_ok; then
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]:-qemu >= $QEMU_MIN}); run as root: scripts/deps.sh"
	mirror=$(apt_mirror)
	# bookworm's QEMU 7.2 has no stage-2/nested SMMUv3: take QEMU from
	# bookworm-backports (apt pins backports low, nothing else moves).
	bp=/etc/apt/sources.list.d/pkvm-smmuv3-backports.list
	if ! grep -qs bookworm-backports "$bp"; then
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm-backports main" >"$bp"
	fi
	export DEBIAN_FRONTEND=noninteractive
	run_step "apt-get update" "$LOGS/deps-apt-update.log" \
		"check the machine's apt configuration and network access to the Debian archive" \
		apt-get update -q
	if [ "${#missing[@]}" -gt 0 ]; then
		run_step "install ${#missing[@]} packages" "$LOGS/deps-install.log" \
			"read the log; 'apt-get -f install' then re-run" \
			apt-get install -y -q --no-install-recommends "${missing[@]}"
	fi
	if ! qemu_ok; then
		run_step "install QEMU from bookworm-backports" "$LOGS/deps-qemu.log" \
			"check that bookworm-backports offers qemu-system-arm >= $QEMU_MIN (apt-cache policy qemu-system-arm)" \
			apt-get install -y -q --no-install-recommends -t bookworm-backports \
				qemu-system-arm ipxe-qemu
	fi
fi
qemu_ok || die "qemu-system-aarch64 >= $QEMU_MIN not available (got: $(qemu-system-aarch64 --version 2>&1 | head -n 1))"

# arm64 packages that are not installed on the build machine, unpacked into
# the cache: busybox for the initramfs, and libuuid (static) for the VFIO
# selftests' library, which the guest-side tests link statically.
ARM64_PKGS=(busybox-static uuid-dev)
if [ ! -x "$BUSYBOX_DIR/bin/busybox" ] || [ ! -f "$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu/libuuid.a" ]; then
	rm -rf "$BUSYBOX_DIR.tmp"
	mkdir -p "$BUSYBOX_DIR.tmp"
	apt_private arm64 arm64 bookworm
	run_step "apt lists for arm64 (private)" "$LOGS/deps-apt-arm64.log" \
		"check network access to the Debian archive" apt-get "${APT_PRIVATE[@]}" update -q
	(cd "$BUSYBOX_DIR.tmp" && apt-get "${APT_PRIVATE[@]}" download -q "${ARM64_PKGS[@]/%/:arm64}") \
		>"$LOGS/deps-arm64.log" 2>&1 || die "downloading ${ARM64_PKGS[*]} (arm64) failed (log: $LOGS/deps-arm64.log)"
	for p in "${ARM64_PKGS[@]}"; do
		dpkg -x "$BUSYBOX_DIR.tmp/${p}"_*_arm64.deb "$BUSYBOX_DIR.tmp/root"
	done
	mkdir -p "$BUSYBOX_DIR/bin"
	cp "$BUSYBOX_DIR.tmp/root/bin/busybox" "$BUSYBOX_DIR/bin/busybox"
	rm -rf "$ARM64_SYSROOT"
	mkdir -p "$ARM64_SYSROOT/usr/lib"
	cp -a "$BUSYBOX_DIR.tmp/root/usr/include" "$ARM64_SYSROOT/usr/"
	cp -a "$BUSYBOX_DIR.tmp/root/usr/lib/aarch64-linux-gnu" "$ARM64_SYSROOT/usr/lib/"
	rm -rf "$BUSYBOX_DIR.tmp"
fi
file -L "$BUSYBOX_DIR/bin/busybox" | grep -q 'ARM aarch64' || die "$BUSYBOX_DIR/bin/busybox is not an arm64 binary"
[ -f "$ARM64_SYSROOT/usr/include/uuid/uuid.h" ] || die "no uuid.h in $ARM64_SYSROOT (remove it and re-run scripts/deps.sh)"

# Sparse for "make bisect-check" (C=1): the kernel's checker-valid.sh wants
# __typeof_unqual__, which bookworm's sparse 0.6.4 lacks. Build sid's
# sparse from its Debian source package (the binary package needs sid's
# libc) into the cache; plain C, no optional libraries, seconds to build.
SPARSE_DIR=$CACHE/sparse
sparse_ok() {
	local t
	[ -x "$1" ] || return 1
	t=$(mktemp --suffix=.c)
	printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$t"
	"$1" -m64 "$t" 2>&1 | awk -v c=0 '/error/ { c = 1 } END { exit c }'
	local rc=$?
	rm -f "$t"
	return "$rc"
}
if ! sparse_ok "$SPARSE_DIR/bin/sparse"; then
	rm -rf "$SPARSE_DIR"
	mkdir -p "$SPARSE_DIR/src"
	apt_private sidsrc amd64
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(apt_mirror) sid main" >"$CACHE/apt-sidsrc/sources.list"
	# The archive may be a dated snapshot, whose sid Release is past its
	# Valid-Until (a bookworm root without the machine's apt.conf.d says
	# "is expired"): accept it for this list; signatures are still checked.
	APT_PRIVATE+=(-o Acquire::Check-Valid-Until=false)
	run_step "apt source lists for sid (private, for sparse)" "$LOGS/deps-sparse-apt.log" \
		"check network access to the Debian archive" apt-get "${APT_PRIVATE[@]}" update -q
	run_step "download sparse's source (sid)" "$LOGS/deps-sparse-download.log" \
		"see the log; apt-get source needs the sid Sources index" \
		bash -c "cd '$SPARSE_DIR/src' && apt-get $(printf '%q ' "${APT_PRIVATE[@]}") source --download-only -q sparse"
	run_step "build sparse" "$LOGS/deps-sparse-build.log" "see the log" \
		bash -c "cd '$SPARSE_DIR/src' && tar -xzf sparse_*.orig.tar.gz && cd sparse-*/ && \
			make -j'$JOBS' sparse HAVE_LLVM=no HAVE_SQLITE=no HAVE_LIBXML=no HAVE_GTK=no && \
			mkdir -p '$SPARSE_DIR/bin' && cp sparse '$SPARSE_DIR/bin/sparse'"
	sparse_ok "$SPARSE_DIR/bin/sparse" || die "the sparse built in $SPARSE_DIR does not handle __typeof_unqual__ (log: $LOGS/deps-sparse-build.log)"
fi

say "deps: $(aarch64-linux-gnu-gcc --version | head -n 1); $(qemu-system-aarch64 --version | head -n 1); busybox and libuuid arm64 ok; sparse with __typeof_unqual__ in ${SPARSE_DIR#"$CACHE"/}"
