#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetch and verify the pinned base (base.pin) into the cache:
#   $CACHE/base/$BASE_DEB and $CACHE/base/$BASE_TAR.
# Sources, in order: the cache, $PKVM_SMMUV3_BASE_DIR (a directory holding
# the pinned .deb), the Debian archive (sid). Never builds anything else.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/base.pin"

dst=$CACHE/base
mkdir -p "$dst"
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

if sha_ok "$dst/$BASE_TAR" "$BASE_TAR_SHA256"; then
	say "base: $BASE_PKG $BASE_VERSION cached and verified ($dst/$BASE_TAR)"
	exit 0
fi

if ! sha_ok "$dst/$BASE_DEB" "$BASE_DEB_SHA256"; then
	rm -f "$dst/$BASE_DEB"
	if [ -n "${PKVM_SMMUV3_BASE_DIR:-}" ] && [ -f "$PKVM_SMMUV3_BASE_DIR/$BASE_DEB" ]; then
		say "base: taking $BASE_DEB from $PKVM_SMMUV3_BASE_DIR"
		cp "$PKVM_SMMUV3_BASE_DIR/$BASE_DEB" "$dst/$BASE_DEB.tmp"
		sha_ok "$dst/$BASE_DEB.tmp" "$BASE_DEB_SHA256" ||
			die "$PKVM_SMMUV3_BASE_DIR/$BASE_DEB does not match the sha256 in base.pin"
		mv "$dst/$BASE_DEB.tmp" "$dst/$BASE_DEB"
	else
		apt_private sid amd64 sid
		run_step "apt lists for sid (private, to find $BASE_PKG)" "$LOGS/base-apt.log" \
			"check network access to the Debian archive" apt-get "${APT_PRIVATE[@]}" update -q
		offered=$(apt-cache "${APT_PRIVATE[@]}" madison "$BASE_PKG" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}')
		if ! grep -qx "$BASE_VERSION" <<<"$offered"; then
			cat >&2 <<MSG
ERROR: the pinned base $BASE_PKG $BASE_VERSION is not available.
  cache:   $dst/$BASE_DEB (absent or wrong sha256)
  local:   \$PKVM_SMMUV3_BASE_DIR=${PKVM_SMMUV3_BASE_DIR:-<unset>}
  archive offers: ${offered:-nothing}
Fix: point PKVM_SMMUV3_BASE_DIR at a directory holding $BASE_DEB, or re-pin:
  edit base.pin (BASE_VERSION, BASE_KERNELVERSION, BASE_DEB and both sha256
  sums of the new .deb and of its /usr/src/$BASE_TAR), then check that the
  series still applies (make tree).
MSG
			exit 1
		fi
		run_step "download $BASE_PKG=$BASE_VERSION" "$LOGS/base-download.log" \
			"re-run; see the log for the apt error" \
			bash -c "cd '$dst' && apt-get $(printf '%q ' "${APT_PRIVATE[@]}") download -q '$BASE_PKG=$BASE_VERSION'"
		sha_ok "$dst/$BASE_DEB" "$BASE_DEB_SHA256" ||
			die "downloaded $BASE_DEB does not match the sha256 in base.pin (archive re-uploaded it?)"
	fi
fi

run_step "unpack $BASE_TAR from $BASE_DEB" "$LOGS/base-unpack.log" "free disk space under $dst" \
	bash -c "dpkg-deb --fsys-tarfile '$dst/$BASE_DEB' | tar -xO './usr/src/$BASE_TAR' > '$dst/$BASE_TAR.tmp'"
sha_ok "$dst/$BASE_TAR.tmp" "$BASE_TAR_SHA256" || die "$BASE_TAR inside $BASE_DEB does not match base.pin"
mv "$dst/$BASE_TAR.tmp" "$dst/$BASE_TAR"
say "base: $BASE_PKG $BASE_VERSION verified ($dst/$BASE_TAR)"
