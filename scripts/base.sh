#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch and verify the pinned base (base.pin) into the cache, as one of:
#   $CACHE/base/$BASE_TAR                 Debian's tarball, sha256-verified
#   $CACHE/base/linux-$BASE_KERNELVERSION  the source tree rebuilt by
#                                         $PKVM_SMMUV3_BASE_DIR/$BASE_REBUILD,
#                                         verified by its git tree id
# Sources, in order: the cache; $PKVM_SMMUV3_BASE_DIR (the pinned .deb if it
# is there, else the rebuild); the Debian archive ($BASE_SUITES).
# "base.sh --where" prints the cached base (tarball or directory) and exits.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/base.pin"

dst=$CACHE/base
tree=$dst/linux-$BASE_KERNELVERSION
mkdir -p "$dst"
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }
tree_ok() { [ -f "$tree/.pkvm-base-tree" ] && [ "$(cat "$tree/.pkvm-base-tree")" = "$BASE_TREE" ]; }

cached() {
	if sha_ok "$dst/$BASE_TAR" "$BASE_TAR_SHA256"; then
		echo "$dst/$BASE_TAR"
	elif tree_ok; then
		echo "$tree"
	else
		return 1
	fi
}

if [ "${1:-}" = --where ]; then
	cached || die "no verified base in $dst: run scripts/base.sh"
	exit 0
fi
if git -C "$(base_git)" rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	say "base: $BASE_PKG $BASE_VERSION already committed ($(base_git))"
	exit 0
fi
if where=$(cached); then
	say "base: $BASE_PKG $BASE_VERSION cached and verified ($where)"
	exit 0
fi

unpack_deb() {
	run_step "unpack $BASE_TAR from $BASE_DEB" "$LOGS/base-unpack.log" "free disk space under $dst" \
		bash -c "dpkg-deb --fsys-tarfile '$dst/$BASE_DEB' | tar -xO './usr/src/$BASE_TAR' > '$dst/$BASE_TAR.tmp'"
	sha_ok "$dst/$BASE_TAR.tmp" "$BASE_TAR_SHA256" || die "$BASE_TAR inside $BASE_DEB does not match base.pin"
	mv "$dst/$BASE_TAR.tmp" "$dst/$BASE_TAR"
	rm -f "$dst/$BASE_DEB"
	say "base: $BASE_PKG $BASE_VERSION verified ($dst/$BASE_TAR)"
	exit 0
}

local_dir=${PKVM_SMMUV3_BASE_DIR:-}
if sha_ok "$dst/$BASE_DEB" "$BASE_DEB_SHA256"; then
	unpack_deb
fi
rm -f "$dst/$BASE_DEB"

if [ -n "$local_dir" ] && [ -f "$local_dir/$BASE_DEB" ]; then
	say "base: taking $BASE_DEB from $local_dir"
	cp "$local_dir/$BASE_DEB" "$dst/$BASE_DEB.tmp"
	sha_ok "$dst/$BASE_DEB.tmp" "$BASE_DEB_SHA256" ||
		die "$local_dir/$BASE_DEB does not match the sha256 in base.pin"
	mv "$dst/$BASE_DEB.tmp" "$dst/$BASE_DEB"
	unpack_deb
fi

if [ -n "$local_dir" ] && [ -f "$local_dir/$BASE_REBUILD" ]; then
	rm -rf "$tree" "$tree.tmp" "$tree.tmp.tmp" "$tree.tmp.git.tmp"
	run_step "rebuild $BASE_KERNELVERSION with $local_dir/$BASE_REBUILD" "$LOGS/base-rebuild.log" \
		"see the log; the rebuild needs dpkg-deb, xz, git and about 2 GB under $dst" \
		bash "$local_dir/$BASE_REBUILD" "$tree.tmp"
	got=$(awk '/git tree/ { sub(/\)$/, "", $NF); print $NF }' "$LOGS/base-rebuild.log" | tail -n 1)
	[ "$got" = "$BASE_TREE" ] ||
		die "$BASE_REBUILD reported tree ${got:-nothing}, base.pin pins $BASE_TREE (log: $LOGS/base-rebuild.log)"
	echo "$BASE_TREE" >"$tree.tmp/.pkvm-base-tree"
	mv "$tree.tmp" "$tree"
	say "base: $BASE_KERNELVERSION rebuilt and verified by its tree id ($tree)"
	exit 0
fi

# The archive. A clean bookworm root refuses the sid and experimental
# Release files as expired when the mirror is a dated snapshot: accept them
# (signatures are still checked).
# shellcheck disable=SC2086 # BASE_SUITES is a list
apt_private base amd64 $BASE_SUITES
APT_PRIVATE+=(-o Acquire::Check-Valid-Until=false)
run_step "apt lists for $BASE_SUITES (private, to find $BASE_PKG)" "$LOGS/base-apt.log" \
	"check network access to the Debian archive" apt-get "${APT_PRIVATE[@]}" update -q
offered=$(apt-cache "${APT_PRIVATE[@]}" madison "$BASE_PKG" 2>/dev/null |
	awk -F'|' '{gsub(/ /, "", $2); gsub(/^ +| +$/, "", $3); print $2 " (" $3 ")"}')
if ! grep -q "^$BASE_VERSION " <<<"$offered"; then
	cat >&2 <<MSG
ERROR: the pinned base $BASE_PKG $BASE_VERSION is not available.
  cache:   $dst/$BASE_TAR or $tree (absent or not verified)
  local:   \$PKVM_SMMUV3_BASE_DIR=${local_dir:-<unset>} (needs $BASE_DEB or $BASE_REBUILD)
  archive ($BASE_SUITES) offers: ${offered:-nothing}
Fix: point PKVM_SMMUV3_BASE_DIR at a directory holding $BASE_DEB or the
  rebuild ($BASE_REBUILD and what it reads), or re-pin to a version the
  archive offers: edit base.pin (BASE_PKG, BASE_VERSION, BASE_KERNELVERSION,
  BASE_DEB, BASE_TAR, both sha256 sums of the new .deb and of its
  /usr/src/$BASE_TAR, and BASE_TREE), then check that the series still
  applies (make tree).
MSG
	exit 1
fi
run_step "download $BASE_PKG=$BASE_VERSION" "$LOGS/base-download.log" \
	"re-run; see the log for the apt error" \
	bash -c "cd '$dst' && apt-get $(printf '%q ' "${APT_PRIVATE[@]}") download -q '$BASE_PKG=$BASE_VERSION'"
deb=$(ls "$dst"/"${BASE_PKG}"_*_all.deb 2>/dev/null | head -n 1 || true)
[ -z "$deb" ] || [ "$deb" = "$dst/$BASE_DEB" ] || mv "$deb" "$dst/$BASE_DEB"
sha_ok "$dst/$BASE_DEB" "$BASE_DEB_SHA256" ||
	die "downloaded $BASE_DEB does not match the sha256 in base.pin (archive re-uploaded it?)"
unpack_deb
