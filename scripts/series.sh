#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The series workflow between patches/ and the kernel tree build/linux.
#
#   series.sh tree    materialise build/linux: the pinned base as a git
#                     commit tagged "base", then patches/ applied with git am.
#                     Refuses to touch a tree holding unexported work
#                     (FORCE=1 overrides). A tree already in sync is kept.
#   series.sh export  write the commits base..HEAD back to patches/.
#   series.sh status  say whether build/linux and patches/ agree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/base.pin"

PATCHES=${PATCHES:-$TOP/patches}
COVER_SRC=$PATCHES/cover-letter.txt
BASE_GIT=$(base_git)
# A fixed date keeps the base commit id stable across machines.
BASE_DATE="2026-11-25T00:00:00Z"

g() { git -C "$TREE" "$@"; }

series_files() { find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort; }
file_ids() { local p; for p in $(series_files); do git patch-id --stable <"$p" | cut -d' ' -f1; done; }
tree_ids() { local c; for c in $(g rev-list --reverse base..HEAD); do g show "$c" | git patch-id --stable | cut -d' ' -f1; done; }

# Work in the tree that exists nowhere in patches/: uncommitted or untracked
# files, and commits whose patch-id no patch file has.
unexported() {
	local ids c id
	g status --porcelain | head -n 5
	ids=$(file_ids)
	for c in $(g rev-list --reverse base..HEAD); do
		id=$(g show "$c" | git patch-id --stable | cut -d' ' -f1)
		grep -qx "$id" <<<"$ids" || echo "commit $(g log -1 --format='%h %s' "$c")"
	done
}

make_base_git() {
	local tmp=$CACHE/linux-base.tmp n src
	[ -d "$BASE_GIT" ] && git -C "$BASE_GIT" rev-parse -q --verify refs/tags/base >/dev/null && return 0
	"$TOP/scripts/base.sh"
	src=$("$TOP/scripts/base.sh" --where)
	rm -rf "$tmp" "$BASE_GIT"
	if [ -d "$src" ]; then
		# The rebuilt tree: used once, moved rather than copied.
		mv "$src" "$tmp"
		rm -f "$tmp/.pkvm-base-tree"
	else
		mkdir -p "$tmp"
		run_step "extract $BASE_TAR" "$LOGS/tree-extract.log" "free disk space under $CACHE" \
			tar -xJf "$src" -C "$tmp" --strip-components=1
	fi
	# Debian's .gitignore ends with a block that ignores everything at the
	# top level ("/*", "!/debian/"): with it, git add silently skips every
	# file, new files of the series included. Drop that block.
	n=$(grep -n '^# Debian packaging' "$tmp/.gitignore" | cut -d: -f1)
	if [ -n "$n" ]; then
		[ "$(sed -n "$((n - 1))p" "$tmp/.gitignore")" = "#" ] && n=$((n - 1))
		head -n "$((n - 1))" "$tmp/.gitignore" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$tmp/.gitignore.new"
		mv "$tmp/.gitignore.new" "$tmp/.gitignore"
	fi
	grep -qx '/\*' "$tmp/.gitignore" && die "could not drop Debian's top-level ignore block from .gitignore"
	# 80,000 loose objects would start "git gc --auto" (minutes of CPU) on
	# the commit and on every later git am: gc.auto=0 in each repository.
	run_step "create the base commit" "$LOGS/tree-base-commit.log" "free disk space under $CACHE" \
		bash -c "cd '$tmp' && git init -q -b master && git config gc.auto 0 && git add -A && \
			GIT_AUTHOR_DATE='$BASE_DATE' GIT_COMMITTER_DATE='$BASE_DATE' \
			git -c user.name='$IDENT_NAME' -c user.email='$IDENT_EMAIL' commit -q \
			-m 'Linux $BASE_KERNELVERSION ($BASE_PKG $BASE_VERSION)' \
			-m 'Debian $BASE_PKG $BASE_VERSION, /usr/src/$BASE_TAR, without the Debian packaging block of the top-level .gitignore.' && \
			git tag base && git clone -q --bare . '$BASE_GIT' && git -C '$BASE_GIT' config gc.auto 0"
	rm -rf "$tmp"
}

apply_series() {
	local p n=0
	for p in $(series_files); do
		n=$((n + 1))
		if ! g am -q --keep-cr "$p" >>"$LOGS/tree-am.log" 2>&1; then
			g am --abort >/dev/null 2>&1 || true
			die "patch $n does not apply: ${p#"$TOP"/} (log: $LOGS/tree-am.log). Fix it in build/linux on top of the patches before it, then 'make export'"
		fi
	done
	say "tree: base + $n patches applied ($(g rev-parse --short HEAD))"
}

# Build output that tools/ writes into the source tree even with OUTPUT=
# (the KVM selftests' generated sysreg headers) is not work.
exclude_generated() {
	grep -qsx '/tools/arch/arm64/include/generated/' "$TREE/.git/info/exclude" ||
		echo '/tools/arch/arm64/include/generated/' >>"$TREE/.git/info/exclude"
}

cmd_tree() {
	local left
	: >"$LOGS/tree-am.log"
	if [ -d "$TREE/.git" ]; then
		exclude_generated
		left=$(unexported)
		if [ -n "$left" ] && [ "${FORCE:-0}" != 1 ]; then
			printf 'ERROR: %s holds work that is not in patches/:\n%s\n' "$TREE" "$left" >&2
			printf 'Commit it and run "make export", or discard it with FORCE=1 make tree.\n' >&2
			exit 1
		fi
		if [ -z "$left" ] && [ "$(tree_ids)" = "$(file_ids)" ]; then
			say "tree: $TREE already matches patches/ ($(series_files | wc -l) patches)"
			return 0
		fi
		# Reset in place: only files the series touches change, so the
		# out-of-tree build stays warm.
		g am --abort >/dev/null 2>&1 || true
		g checkout -q -f -B master base
		g clean -q -fd
	else
		make_base_git
		rm -rf "$TREE"
		run_step "check out the base into ${TREE#"$TOP"/}" "$LOGS/tree-clone.log" \
			"free disk space under $BUILD" git clone -q -b master "$BASE_GIT" "$TREE"
		g remote remove origin
		g config user.name "$IDENT_NAME"
		g config user.email "$IDENT_EMAIL"
		g config core.abbrev 12
		g config gc.auto 0
		exclude_generated
	fi
	apply_series
}

cmd_export() {
	local tmp n changed=0 f dirty
	[ -d "$TREE/.git" ] || die "no tree at $TREE (make tree)"
	dirty=$(g status --porcelain --untracked-files=no)
	[ -z "$dirty" ] || say "warning: uncommitted changes in $TREE are not exported:"$'\n'"$dirty"
	tmp=$(mktemp -d)
	n=$(g rev-list --count base..HEAD)
	if [ "$n" -gt 0 ]; then
		g format-patch -q --zero-commit --no-signature --base=base -o "$tmp" base..HEAD
		if [ -f "$COVER_SRC" ]; then
			g format-patch -q --zero-commit --no-signature --base=base --cover-letter -o "$tmp/cover" base..HEAD
			write_cover "$tmp/cover/0000-cover-letter.patch" "$COVER_SRC" "$(g log -1 --format=%aD HEAD)" \
				>"$tmp/0000-cover-letter.patch"
		fi
	fi
	# Replace only what changed, so that an unchanged series is no churn.
	for f in "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -e "$f" ] || continue
		[ -e "$tmp/$(basename "$f")" ] || { rm -f "$f"; changed=$((changed + 1)); }
	done
	for f in "$tmp"/*.patch; do
		[ -e "$f" ] || continue
		cmp -s "$f" "$PATCHES/$(basename "$f")" || { cp "$f" "$PATCHES/"; changed=$((changed + 1)); }
	done
	rm -rf "$tmp"
	say "export: $n patches, $changed files changed in patches/"
}

cmd_status() {
	local left t f
	[ -d "$TREE/.git" ] || { echo "status: no tree at $TREE (make tree)"; return 0; }
	exclude_generated
	left=$(unexported)
	t=$(tree_ids | wc -w)
	f=$(series_files | wc -l)
	if [ -z "$left" ] && [ "$(tree_ids)" = "$(file_ids)" ]; then
		echo "status: in sync: build/linux = base + $t commits = patches/ ($f patches)"
		return 0
	fi
	echo "status: OUT OF SYNC: build/linux has $t commits on base, patches/ has $f patches"
	[ -z "$left" ] || printf 'not exported (commit and "make export"):\n%s\n' "$left"
	[ -n "$left" ] || echo "patches/ differs from the tree: \"make tree\" re-applies patches/"
	return 1
}

case "${1:-}" in
tree) cmd_tree ;;
export) cmd_export ;;
status) cmd_status ;;
*) echo "usage: $0 tree|export|status" >&2; exit 2 ;;
esac
