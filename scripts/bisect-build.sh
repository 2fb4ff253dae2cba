#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build every patch of the series on its own, in order, so that the series
# is bisectable: a detached worktree of build/linux at each commit of
# base..HEAD, built incrementally into build/kout-bisect with the final
# configuration (options an earlier patch does not know yet are dropped by
# olddefconfig). Also runs checkpatch --strict on every patch in patches/.
# Not part of "make check" (about 1-2 minutes per patch with a warm ccache).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WT=$BUILD/bisect-tree
KO=$BUILD/kout-bisect
kbuild_setup "$WT" "$KO"

[ -f "$KOUT/.config" ] || die "no $KOUT/.config: run 'make build' first"
[ -d "$WT" ] || git -C "$TREE" worktree add -q --detach "$WT" base
mkdir -p "$KO"

fail=0 n=0
for c in $(git -C "$TREE" rev-list --reverse base..HEAD); do
	n=$((n + 1))
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	git -C "$WT" checkout -q --detach "$c"
	cp "$KOUT/.config" "$KO/.config"
	if run_step "patch $n: $subj" "$LOGS/bisect-$n.log" \
		"the patch does not build on its own; see the log" \
		bash -c '"$@" olddefconfig && "$@" Image modules' _ "${KMAKE[@]}"; then
		echo "PASS  [bisect] patch $n builds: $subj"
	else
		echo "FAIL  [bisect] patch $n builds: $subj  (see ${LOGS#"$TOP"/}/bisect-$n.log)"
		fail=$((fail + 1))
	fi
done

for p in "$TOP"/patches/[0-9]*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	# Debian's python3 (for spdxcheck.py's ply), not a python3 on PATH.
	out=$(cd "$TREE" && PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict --terse "$p" 2>&1 || true)
	total=$(echo "$out" | grep '^total:' || echo "clean")
	echo "INFO  [checkpatch] $(basename "$p"): $total"
done
say "bisect: $n patches, $fail failed to build"
[ "$fail" -eq 0 ]
