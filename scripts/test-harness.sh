#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Tests of the series workflow itself (tree / export / status), run in a
# scratch tree and a scratch patches directory. TAP in build/logs/test-harness.log.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

scratch=$BUILD/harness-test
log=$LOGS/test-harness.log
rm -rf "$scratch"
mkdir -p "$scratch/patches"
export TREE=$scratch/linux PATCHES=$scratch/patches
series=$TOP/scripts/series.sh
t() { # t NAME CMD...: ok when CMD succeeds
	local name=$1
	shift
	if "$@" >"$scratch/out" 2>&1; then tap_ok "$name"
	else tap_notok "$name" "$(tail -n 2 "$scratch/out" | tr '\n' ' ' | cut -c1-200)"; fi
}
g() { git -C "$TREE" "$@"; }
tap_begin harness "$log" "harness: "
say "step: harness self-tests (log: ${log#"$TOP"/})"

t "tree materialises the base, tagged base" \
	bash -c "'$series' tree && [ \"\$(git -C '$TREE' rev-parse HEAD)\" = \"\$(git -C '$TREE' rev-parse base^{commit})\" ]"
t "new files in the tree are tracked (Debian's ignore-all block dropped)" \
	bash -c "touch '$TREE/drivers/iommu/harness-new.c' && git -C '$TREE' status --porcelain | grep -q harness-new.c; rc=\$?; rm -f '$TREE/drivers/iommu/harness-new.c'; exit \$rc"
echo "/* harness */" >>"$TREE/drivers/iommu/Makefile"
t "tree refuses to overwrite uncommitted work" \
	bash -c "! '$series' tree && grep -q harness '$TREE/drivers/iommu/Makefile'"
g add -A && g commit -q -m "iommu: harness test change" -m "Signed-off-by: test <t@example.org>"
t "status reports an unexported commit" bash -c "! '$series' status | grep -q 'in sync'"
t "tree refuses to overwrite an unexported commit" \
	bash -c "! '$series' tree && git -C '$TREE' log -1 --format=%s | grep -q 'harness test change'"
printf 'Harness test cover\n\nBody of the cover letter.\n' >"$PATCHES/cover-letter.txt"
t "export writes the patch and the cover letter" \
	bash -c "'$series' export && ls '$PATCHES'/0001-*.patch && grep -q 'Subject: \[PATCH 0/1\] Harness test cover' '$PATCHES/0000-cover-letter.patch' && grep -qx 'Body of the cover letter.' '$PATCHES/0000-cover-letter.patch' && ! grep -q 'BLURB HERE' '$PATCHES/0000-cover-letter.patch'"
t "status: in sync after export" bash -c "'$series' status | grep -q 'in sync'"
sum() { (cd "$PATCHES" && sha256sum -- * | sha256sum); }
before=$(sum)
t "export of an unchanged series changes nothing" \
	bash -c "'$series' export 2>&1 | grep -q ' 0 files changed' && [ \"\$(cd '$PATCHES' && sha256sum -- * | sha256sum)\" = '$before' ]"
g reset -q --hard base
t "tree re-applies patches/ onto a tree without unexported work" \
	bash -c "'$series' tree && '$series' status | grep -q 'in sync' && git -C '$TREE' log -1 --format=%s | grep -q 'harness test change'"
cp "$PATCHES"/0001-*.patch "$PATCHES/0002-harness-bad.patch"
g reset -q --hard base
t "tree fails and names the patch that does not apply" \
	bash -c "'$series' tree >'$scratch/am.out' 2>&1; rc=\$?; cat '$scratch/am.out'; [ \$rc -ne 0 ] && grep -q '0002-harness-bad.patch' '$scratch/am.out'"

# base.sh's rebuild path takes a tree only with the pinned tree id: a
# stand-in for $PKVM_SMMUV3_BASE_DIR's rebuild script that reports a tree
# id, in a cache of its own (so that neither the real base nor the
# archive is used).
. "$TOP/base.pin"
fake=$scratch/base-dir
mkdir -p "$fake"
fake_base() { # fake_base TREE_ID: a rebuild script reporting TREE_ID
	printf '#!/bin/sh\nmkdir -p "$1" && echo "linux-x: $1 (git tree %s)"\n' "$1" >"$fake/$BASE_REBUILD"
}
fake_base 0000000000000000000000000000000000000000
t "base: a rebuilt tree whose tree id differs from base.pin is refused" \
	bash -c "! BUILD='$scratch/b' PKVM_SMMUV3_CACHE='$scratch/cache1' PKVM_SMMUV3_BASE_DIR='$fake' '$TOP/scripts/base.sh' 2>'$scratch/b.err' && grep -q 'base.pin pins $BASE_TREE' '$scratch/b.err' && [ ! -e '$scratch/cache1/base/linux-$BASE_KERNELVERSION' ]"
fake_base "$BASE_TREE"
t "base: a rebuilt tree with the pinned tree id is taken and cached" \
	bash -c "BUILD='$scratch/b' PKVM_SMMUV3_CACHE='$scratch/cache2' PKVM_SMMUV3_BASE_DIR='$fake' '$TOP/scripts/base.sh' && [ \"\$(BUILD='$scratch/b' PKVM_SMMUV3_CACHE='$scratch/cache2' '$TOP/scripts/base.sh' --where)\" = '$scratch/cache2/base/linux-$BASE_KERNELVERSION' ]"
tap_end
rm -rf "$scratch"
say "done: harness self-tests ($((TAP_N - TAP_FAILED)) of $TAP_N passed)"
