#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bisect-check: check every patch of the series on its own, in order.
#
# For the base and then each commit of base..HEAD in build/linux, checked
# out in a worktree (build/bisect-tree) and built incrementally with ccache:
#
#   qemu       the harness's configuration (build/kout/.config), Image and
#              modules with W=1 and sparse (C=1; at the base, sparse on the
#              files the series touches only); the warnings of W=1 and
#              sparse in the files the patch touches are findings, unless
#              the same warning (line numbers aside) is already in the base
#   defconfig  arm64 defconfig + config/defconfig/pkvm.config: every object
#              of arch/arm64/ and of the directories holding the series'
#              code, built-in and modular (BISECT_DEFCONFIG_TARGETS="Image
#              modules" for the whole kernel: about an hour more on 2 cores)
#   checkpatch --strict on the patch file in patches/ (FILE_PATH_CHANGES
#              aside: MAINTAINERS is checked once, at the end, by coverage)
#   kernel-doc -Wall on the C files and headers the patch touches (new
#              warnings only, as above)
#
# Prints one line per patch and names the first patch that breaks. Logs:
# build/logs/bisect-N-CONFIG.log. Env: BISECT_CONFIGS (default
# "qemu defconfig"), BISECT_DEFCONFIG_TARGETS, BISECT_FROM=N to check
# patches N and later only (after a change to patch N; the lines of the
# patches before it say SKIP).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

WT=$BUILD/bisect-tree
CONFIGS=${BISECT_CONFIGS:-qemu defconfig}
DEFCONFIG_TARGETS=${BISECT_DEFCONFIG_TARGETS:-arch/arm64/ drivers/iommu/ virt/kvm/}
FRAG=$TOP/config/defconfig/pkvm.config
REPORT=$BUILD/results/bisect-check.txt
SPARSE=$CACHE/sparse/bin/sparse

[ -f "$KOUT/.config" ] || die "no $KOUT/.config: run 'make build' first"
git -C "$TREE" rev-parse -q --verify base >/dev/null || die "no base tag in $TREE: run 'make tree'"
if [ ! -d "$WT" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$WT" base
fi
mkdir -p "$(dirname "$REPORT")"
: >"$REPORT"

# Warnings of W=1, sparse and the compiler, as "path: message" with the
# line and column numbers dropped, for the files named in $touched.
findings() {
	local log=$1
	sed -E -n "s#^[^ :]*bisect-tree/##; s#^(\.\./)+##; s#^\./##; s#^([^ :]+):[0-9]+(:[0-9]+)?: (warning|error): (.*)#\1: \3: \4#p" "$log" |
		{ if [ "$n" -eq 0 ]; then cat; else grep -F -f <(printf '%s:\n' $touched); fi; } | sort -u || true
}

kerneldoc() {
	local f out=""
	for f in $touched; do
		case $f in *.c | *.h) ;; *) continue ;; esac
		[ -f "$WT/$f" ] || continue
		(cd "$WT" && ./scripts/kernel-doc -none -Wall "$f" 2>&1) |
			sed -E 's#^(Warning|warning|error): ##; s#^([^ :]+):[0-9]+:? #\1: #' || true
	done | sort -u
}

configure() {
	local cfg=$1
	case $cfg in
	qemu) cp "$KOUT/.config" "$KO/.config" ;;
	defconfig)
		"${KMAKE[@]}" defconfig
		cat "$FRAG" >>"$KO/.config"
		;;
	esac
	"${KMAKE[@]}" olddefconfig
}

# The objects of the C files in $touched that exist in the worktree (at the
# base: those the series changes, for the base's own warnings in them).
base_objs() {
	local f
	for f in $touched; do
		case $f in *.c) ;; *) continue ;; esac
		[ -f "$WT/$f" ] || continue
		case $f in
		arch/arm64/kvm/hyp/nvhe/*) echo "${f%.c}.nvhe.o" ;;
		tools/*) ;;
		*) echo "${f%.c}.o" ;;
		esac
	done
}

build() {
	local cfg=$1
	configure "$cfg"
	case $cfg in
	qemu)
		if [ "$n" -eq 0 ]; then
			# Sparse on every file of the base costs more than the
			# rest: run it on the files the series touches only.
			"${KMAKE[@]}" W=1 Image modules
			# Rebuilt (from ccache) for their W=1 warnings too.
			(cd "$KO" && rm -f $(base_objs))
			# shellcheck disable=SC2046
			"${KMAKE[@]}" W=1 C=2 CHECK="$SPARSE" $(base_objs)
		else
			# The patch's own C files are always compiled (from
			# ccache) and checked, even if an earlier run built them.
			(cd "$KO" && rm -f $(base_objs))
			"${KMAKE[@]}" W=1 C=1 CHECK="$SPARSE" Image modules
		fi
		;;
	# shellcheck disable=SC2086
	defconfig) "${KMAKE[@]}" $DEFCONFIG_TARGETS ;;
	esac
}

declare -A base_find
commits=$(git -C "$TREE" rev-list --reverse base..HEAD)
total=$(echo "$commits" | wc -w)
n=0 bad=0 first_bad=""
# The base's own warnings (all of them), kept per base commit: a later run
# starts at patch 1.
base_sha=$(git -C "$TREE" rev-parse base)
base_cache=$BUILD/results/bisect-base-$(echo "$base_sha $CONFIGS" | sha1sum | cut -c1-12)
first=$base_sha
if [ -f "$base_cache.qemu" ] && [ -f "$base_cache.doc" ]; then
	base_find[qemu]=$(cat "$base_cache.qemu")
	base_find[doc]=$(cat "$base_cache.doc")
	echo "INFO  [bisect-check] base: warnings from an earlier run (${base_cache#"$TOP"/}.*)"
	first="" n=1
fi
from=${BISECT_FROM:-1}
for c in $first $commits; do
	if [ "$n" -ge 1 ] && [ "$n" -lt "$from" ]; then
		echo "SKIP  [bisect-check] patch $n: $(git -C "$TREE" log -1 --format=%s "$c"): BISECT_FROM=$from"
		n=$((n + 1))
		continue
	fi
	git -C "$WT" checkout -q --detach "$c"
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	if [ "$n" -eq 0 ]; then
		touched=$(git -C "$TREE" diff --name-only base HEAD)
	else
		touched=$(git -C "$TREE" diff-tree --no-commit-id --name-only -r "$c")
	fi
	line="" problems=""
	for cfg in $CONFIGS; do
		KO=$BUILD/kout-bisect-$cfg
		mkdir -p "$KO"
		kbuild_setup "$WT" "$KO"
		log=$LOGS/bisect-$n-$cfg.log
		if ( run_step "patch $n/$total, $cfg: $subj" "$log" \
			"patch $n does not build on its own with the $cfg configuration: fix it in build/linux (git rebase -i base), then make export" \
			build "$cfg" ); then
			line="$line $cfg: builds;"
		else
			line="$line $cfg: BUILD FAILS;"
			problems="$problems $cfg-build"
		fi
		if [ "$cfg" = qemu ]; then
			if [ ! -x "$SPARSE" ] || grep -q 'not available or not up to date' "$log"; then
				line="$line NO SPARSE;"
				problems="$problems sparse-missing"
			fi
			f=$(findings "$log")
			if [ "$n" -eq 0 ]; then
				base_find[qemu]=$f
			else
				f=$(comm -23 <(echo "$f") <(echo "${base_find[qemu]}") | sed '/^$/d')
				nf=$(echo -n "$f" | grep -c . || true)
				line="$line W=1+sparse: $nf;"
				if [ "$nf" -gt 0 ]; then
					problems="$problems warnings"
					echo "$f" | sed "s/^/  patch $n: /" >>"$REPORT"
				fi
			fi
		fi
	done
	if [ "$n" -eq 0 ]; then
		base_find[doc]=$(kerneldoc)
		if [ -z "$problems" ]; then
			echo "${base_find[qemu]:-}" >"$base_cache.qemu"
			echo "${base_find[doc]}" >"$base_cache.doc"
			echo "PASS  [bisect-check] base builds:$line"
		else
			echo "FAIL  [bisect-check] base does not build:$line"
			die "the base does not build: see $LOGS/bisect-0-*.log"
		fi
		n=1
		continue
	fi
	d=$(comm -23 <(kerneldoc) <(echo "${base_find[doc]}") | sed '/^$/d')
	nd=$(echo -n "$d" | grep -c . || true)
	[ "$nd" -eq 0 ] || { problems="$problems kernel-doc"; echo "$d" | sed "s/^/  patch $n: kernel-doc: /" >>"$REPORT"; }
	p=$(find "$TOP/patches" -maxdepth 1 -name "$(printf '%04d' "$n")-*.patch" | head -n 1)
	if [ -n "$p" ]; then
		# The MAINTAINERS entry comes once, in its own patch: the patches
		# before it add files without touching MAINTAINERS, which
		# checkpatch's FILE_PATH_CHANGES flags. The coverage check after
		# the loop replaces that heuristic.
		cp=$(cd "$TREE" && PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict --terse \
			--ignore FILE_PATH_CHANGES "$p" 2>&1 || true)
		# --terse: one line per finding, nothing for a clean patch.
		ncp=$(echo "$cp" | grep -c -E ': (ERROR|WARNING|CHECK):' || true)
		[ -z "$cp" ] || [ "$ncp" -gt 0 ] || ncp=1
		[ "$ncp" -eq 0 ] || { problems="$problems checkpatch"; echo "$cp" | grep -v '^total:' | sed "s/^/  patch $n: checkpatch: /" >>"$REPORT"; }
	else
		ncp="no patch file"
		problems="$problems checkpatch"
	fi
	line="$line kernel-doc: $nd; checkpatch: $ncp"
	if [ -z "$problems" ]; then
		echo "PASS  [bisect-check] patch $n: $subj:$line"
	else
		echo "FAIL  [bisect-check] patch $n: $subj:$line"
		bad=$((bad + 1))
		[ -n "$first_bad" ] || first_bad="patch $n ($subj):$problems"
	fi
	n=$((n + 1))
done

# Every file the series adds reaches both the kvmarm and the iommu lists,
# but the VFIO selftests' library (its edu driver), which stays with the
# VFIO selftests' entry (get_maintainer.pl on the last commit's tree).
uncovered=$(cd "$WT" && git diff --diff-filter=A --name-only base HEAD | while IFS= read -r f; do
	lists=$(./scripts/get_maintainer.pl --no-git --no-git-fallback --no-rolestats -f "$f" 2>/dev/null)
	case $f in
	tools/testing/selftests/vfio/*) want="kvm@vger.kernel.org" ;;
	*) want="kvmarm@lists.linux.dev iommu@lists.linux.dev" ;;
	esac
	for l in $want; do grep -qF "$l" <<<"$lists" || { echo "$f ($l)"; break; }; done
done)
if [ -n "$uncovered" ]; then
	bad=$((bad + 1))
	echo "FAIL  [bisect-check] files the series adds that MAINTAINERS does not send to their lists: $uncovered"
	echo "$uncovered" | sed 's/^/  MAINTAINERS: not covered: /' >>"$REPORT"
else
	echo "PASS  [bisect-check] MAINTAINERS sends every file the series adds to its lists"
fi

# The defconfig options must all be set at the end of the series, or the
# defconfig builds did not build the series.
if [[ " $CONFIGS " == *" defconfig "* ]]; then
	miss=$(grep -E '^CONFIG_' "$FRAG" | while IFS= read -r l; do
		grep -qxF "$l" "$BUILD/kout-bisect-defconfig/.config" || echo "$l"
	done)
	[ -z "$miss" ] || { bad=$((bad + 1)); echo "FAIL  [bisect-check] defconfig options not set at the end of the series: $miss"; }
fi
[ ! -s "$REPORT" ] || { echo "Findings (also in ${REPORT#"$TOP"/}):"; cat "$REPORT"; }
say "bisect-check: $((n - 1)) patches, $bad with problems${first_bad:+; first: $first_bad}"
[ "$bad" -eq 0 ]
