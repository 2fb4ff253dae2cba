#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run .ci/run from a fresh clone inside a clean Debian bookworm root
# (debootstrap, minbase + the tools a new machine has: make, git, gcc), to
# catch install steps that only the developer's machine provides. Cold: no
# cache is shared with the host. Usage: scripts/fresh-check.sh [COMMIT]
# FRESH_BASE=archive leaves ../shared/base out of the root, so that the
# pinned base comes from the Debian archive (default: shared, the rebuild).
# FRESH_TARGET=base runs only "make base" (the dependencies and the pinned
# base, verified): with FRESH_BASE=archive, the archive path on its own.
# FRESH_TARGET=bench runs "make bench" there instead (pinned base as .ci/run
# takes it); its log is build/logs/fresh-bench.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"

root=$BUILD/fresh-root
rev=${1:-HEAD}
command -v debootstrap >/dev/null || die "debootstrap missing (scripts/deps.sh installs it)"
umount_all() { for m in dev/pts dev sys proc; do umount -l "$root/$m" 2>/dev/null || true; done; }
trap umount_all EXIT
umount_all
if [ ! -x "$root/usr/bin/make" ]; then
	rm -rf "$root"
	run_step "debootstrap bookworm" "$LOGS/fresh-debootstrap.log" "check access to the Debian archive" \
		debootstrap --variant=minbase --include=make,git,gcc,ca-certificates bookworm "$root" "$(apt_mirror)"
fi
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" 2>/dev/null && rm -f "$root/etc/apt/sources.list"
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
rm -rf "$root/work" "$root/root/.cache/pkvm-smmuv3"
mkdir -p "$root/work/shared"
git clone -q "$TOP" "$root/work/main"
git -C "$root/work/main" checkout -q "$rev"
shared=$(cd "$TOP/.." && pwd)/shared/base
case ${FRESH_BASE:-shared} in
shared) [ ! -d "$shared" ] || cp -r "$shared" "$root/work/shared/base" ;;
archive) say "fresh root: no ../shared/base, the base comes from the archive" ;;
*) die "FRESH_BASE is shared or archive, not ${FRESH_BASE}" ;;
esac
cmd='bash .ci/run' what=.ci/run log=$LOGS/fresh-ci.log
case ${FRESH_TARGET:-} in
bench)
	cmd='PKVM_SMMUV3_BASE_DIR=$(ls -d /work/shared/base 2>/dev/null) make bench'
	what="make bench" log=$LOGS/fresh-bench.log
	;;
base)
	cmd='PKVM_SMMUV3_BASE_DIR=$(ls -d /work/shared/base 2>/dev/null) make base'
	what="make base" log=$LOGS/fresh-base.log
	;;
esac
say "fresh root ready: running $what at $(git -C "$root/work/main" rev-parse --short HEAD) (log: $log)"
start=$(date +%s)
rc=0
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin CI=true \
	bash -c "cd /work/main && $cmd" >"$log" 2>&1 || rc=$?
say "fresh $what: exit $rc in $(( $(date +%s) - start ))s; last lines:"
tail -n 12 "$log" >&2
exit "$rc"
