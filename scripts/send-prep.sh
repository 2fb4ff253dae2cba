#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make send-prep: the series as its submitter would send it, in build/send/
# (made afresh each run), checked as git send-email and b4 would.
#
# Sender: SENDER="Name <email>", else git's global user.name and user.email;
# never the project identity. build/linux must be in sync with patches/
# (series.sh status). In a scratch clone of build/linux (build/send-work:
# shared objects, no checkout; build/linux and patches/ are only read), the
# commits base..master are made again with the sender as committer and in
# place of the project identity as author, in the Signed-off-by trailers and
# on MAINTAINERS' M: line. Then git format-patch -v2 --cover-letter
# --thread=shallow --base=base, the cover letter filled by write_cover
# (lib.sh) from patches/cover-letter.txt, with a note on what the
# base-commit is (from base.pin).
#
# Checks, one PASS/FAIL line each; exit 1 if one fails:
#   (a) send-email  git send-email --dry-run, the sendmail program /bin/true
#                   and, where unshare works, no network namespace: one
#                   message per file, from the sender, to SEND_TO only
#   (b) identity    every file From: the sender, every patch's last
#                   Signed-off-by: the sender, the M: line the sender's,
#                   "[PATCH v2 n/N]", no project address left anywhere
#   (c) git am      the patches apply onto base (sparse worktree of the
#                   scratch clone); the tree is build/linux master's but for
#                   the M: line
#   (d) checkpatch  --strict on every patch, run from build/linux
#   (e) b4          b4 shazam -H on the mbox, offline: what a maintainer
#                   runs on the series from the list (b4's checks, then git
#                   am onto the cover letter's base-commit in a worktree of
#                   b4's own, fetched into FETCH_HEAD); same tree as (c).
#                   b4 0.12 (bookworm) has no "b4 prep --check". Without an
#                   installable b4 package: SKIP, (c) stands in for it.
# git-email (with libmailtools-perl, a Recommends that send-email needs)
# and b4, Debian packages, are installed when missing and the machine's apt
# sources offer them, as deps.sh installs its packages.
# Env: SENDER, SEND_TO (default kvmarm@lists.linux.dev).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/base.pin"

PATCHES=${PATCHES:-$TOP/patches} # as series.sh
SEND=$BUILD/send
W=$BUILD/send-work
TO=${SEND_TO:-kvmarm@lists.linux.dev}
VERSION=2
PROJECT="$IDENT_NAME <$IDENT_EMAIL>"

# The sender, as "Name <email>".
sender=${SENDER:-}
if [ -z "$sender" ]; then
	name=$(git config --global user.name || true)
	email=$(git config --global user.email || true)
	[ -z "$name" ] || [ -z "$email" ] || sender="$name <$email>"
fi
[ -n "$sender" ] || die 'no sender: set SENDER="Your Name <you@example.org>" (or git config --global user.name and user.email)'
[[ $sender =~ ^([^\<\>]*[^\<\>\ ])\ +\<([^\<\>@\ ]+@[^\<\>@\ ]+)\>$ ]] ||
	die "SENDER must look like \"Your Name <you@example.org>\", not: $sender"
SNAME=${BASH_REMATCH[1]}
SEMAIL=${BASH_REMATCH[2]}
sender="$SNAME <$SEMAIL>"
if [ "${SEMAIL,,}" = "$IDENT_EMAIL" ] || [ "$SNAME" = "$IDENT_NAME" ]; then
	die "the sender is the project identity ($PROJECT): set SENDER=\"Your Name <you@example.org>\""
fi

# git-email and b4, when missing and offered by the machine's apt sources.
missing=()
for p in git-email libmailtools-perl b4; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' && continue
	if [ "$(id -u)" -ne 0 ]; then
		say "$p is not installed (as root: apt-get install $p)"
	elif apt-cache policy "$p" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null; then
		missing+=("$p")
	else
		say "$p: no installation candidate in this machine's apt sources (apt-cache policy $p)"
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	run_step "install ${missing[*]}" "$LOGS/send-prep-install.log" \
		"run 'apt-get update' (stale lists?), then re-run" \
		apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ ! -x "$(git --exec-path)/git-send-email" ] || ! perl -MMail::Address -e 1 2>/dev/null; then
	die "git send-email is missing: apt-get install git-email libmailtools-perl"
fi

# Only a tree in sync with patches/, at master, is sent.
[ -d "$TREE/.git" ] || die "no tree at $TREE: run 'make tree'"
status=$("$TOP/scripts/series.sh" status 2>&1) ||
	die "build/linux and patches/ are out of sync, not preparing a copy:"$'\n'"$status"
[ "$(git -C "$TREE" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse master)" ] ||
	die "build/linux is not at master (git -C build/linux checkout master)"

rm -rf "$SEND" "$W"
mkdir -p "$SEND"
run_step "scratch clone of build/linux" "$LOGS/send-prep-clone.log" "free disk space under build/" \
	git clone -q --shared --no-checkout "$TREE" "$W"
w() { git -C "$W" "$@"; }
w config gc.auto 0
w config core.abbrev 12 # as in build/linux (series.sh tree)
w config user.name "$SNAME"
w config user.email "$SEMAIL"

# subst PREFIX: copy stdin to stdout, the line PREFIX<project identity>
# becoming PREFIX<sender> (literal strings, whatever the name holds).
subst() { P="$1$PROJECT" S="$1$sender" awk '$0 == ENVIRON["P"] { $0 = ENVIRON["S"] } { print }'; }

# The commits base..master made again on base with plumbing (no checkout):
# same trees but MAINTAINERS' M: line (changed wherever a tree has it, so
# that each patch still applies on the one before), same messages but the
# Signed-off-by trailers, same author dates.
rewrite() {
	local parent c tree blob an ae ad cd n=0
	parent=$(w rev-parse 'base^{commit}')
	for c in $(w rev-list --reverse base..origin/master); do
		tree=$(w rev-parse "$c^{tree}")
		# (grep reads it all: with -q, cat-file's SIGPIPE would fail the pipe)
		if w cat-file blob "$c:MAINTAINERS" | grep -xF "M:	$PROJECT" >/dev/null; then
			blob=$(w cat-file blob "$c:MAINTAINERS" | subst "M:	" | w hash-object -w --stdin)
			export GIT_INDEX_FILE=$W/.git/send-prep.index
			w read-tree "$tree"
			w update-index --cacheinfo "100644,$blob,MAINTAINERS"
			tree=$(w write-tree)
			unset GIT_INDEX_FILE
		fi
		IFS=$'\t' read -r an ae ad cd < <(w log -1 --date=raw --format='%an%x09%ae%x09%ad%x09%cd' "$c")
		[ "$an <$ae>" != "$PROJECT" ] || { an=$SNAME; ae=$SEMAIL; }
		parent=$(w cat-file commit "$c" | sed '1,/^$/d' | subst "Signed-off-by: " |
			GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad \
			GIT_COMMITTER_NAME=$SNAME GIT_COMMITTER_EMAIL=$SEMAIL GIT_COMMITTER_DATE=$cd \
			w commit-tree "$tree" -p "$parent")
		n=$((n + 1))
	done
	w update-ref refs/heads/send "$parent"
	echo "$n commits rewritten: send = $(w rev-parse --short send)"
}
run_step "commits with the sender's identity" "$LOGS/send-prep-rewrite.log" "see the log" rewrite

run_step "format-patch v$VERSION into ${SEND#"$TOP"/}" "$LOGS/send-prep-format.log" "see the log" \
	w format-patch -q -v "$VERSION" --cover-letter --thread=shallow --base=base --no-signature \
		--from="$sender" --no-to --no-cc -o "$SEND" base..send
cover=$SEND/v$VERSION-0000-cover-letter.patch
PATCH_FILES=()
for f in "$SEND"/v"$VERSION"-[0-9][0-9][0-9][0-9]-*.patch; do
	[ "$f" = "$cover" ] || PATCH_FILES+=("$f")
done
N=${#PATCH_FILES[@]}
# The base commit exists only where the harness made it: say what it is.
note="Note: base-commit is Debian's $BASE_PKG $BASE_VERSION (upstream tag v$BASE_KERNELVERSION plus Debian's patches), committed as one commit by the series' harness (scripts/series.sh)."
write_cover "$cover" "$PATCHES/cover-letter.txt" "$(w log -1 --format=%aD send)" |
	NOTE=$(fold -s -w 72 <<<"$note" | sed 's/ *$//') awk '/^base-commit: / { print ENVIRON["NOTE"] } { print }' >"$cover.new"
mv "$cover.new" "$cover"
say "build/send: $((N + 1)) files, [PATCH v$VERSION n/$N], from $sender"

# check NAME FUNCTION: run FUNCTION with its output in build/logs/
# send-prep-FUNCTION.log and print one line: PASS or FAIL (or SKIP when it
# returns 77) and the log's last line. FUNCTION runs as a background job:
# in a "||" list, set -e would not apply inside it.
passed=0 failed=0
check() {
	local name=$1 fn=$2 log=$LOGS/send-prep-$2.log rc=0 pid
	"$fn" >"$log" 2>&1 &
	pid=$!
	wait "$pid" || rc=$?
	case $rc in
	0) printf 'PASS  %s: %s\n' "$name" "$(tail -n 1 "$log")"; passed=$((passed + 1)) ;;
	77) printf 'SKIP  %s: %s\n' "$name" "$(tail -n 1 "$log")" ;;
	*)
		printf 'FAIL  %s: %s (log: %s)\n' "$name" "$(tail -n 1 "$log")" "${log#"$TOP"/}"
		failed=$((failed + 1))
		;;
	esac
}

# Without a network namespace when this machine allows one (root).
NONET=()
if unshare -n true 2>/dev/null; then NONET=(unshare -n); fi

# only REGEX END FILE: every line of FILE matching REGEX ends with END.
only() {
	E=$2 awk -v re="$1" '$0 ~ re && substr($0, length($0) - length(ENVIRON["E"]) + 1) != ENVIRON["E"] {
		print "unexpected: " $0; bad = 1 } END { exit bad }' "$3"
}

chk_send_email() {
	local out=$W/send-email.out n
	cd "$W"
	"${NONET[@]}" git send-email --dry-run --confirm=never --smtp-server=/bin/true \
		--suppress-cc=all --no-to --no-cc --no-bcc --to="$TO" --from="$sender" \
		"$SEND"/*.patch </dev/null | tee "$out"
	n=$(grep -c '^Dry-OK' "$out" || true)
	[ "$n" -eq $((N + 1)) ] || { echo "$n messages, expected $((N + 1))"; return 1; }
	only "^Sendmail: " "Sendmail: /bin/true -i $TO" "$out" || { echo "a message went to more than $TO"; return 1; }
	# (the name may be RFC 2047-encoded here; (b) compares it decoded)
	only "^From: " " <$SEMAIL>" "$out" || { echo "a message is not from $sender"; return 1; }
	! grep -Eq '^(Cc|Bcc): ' "$out" || { echo "a message has a Cc or Bcc"; return 1; }
	echo "$n messages$([ "${#NONET[@]}" -eq 0 ] || echo ' (unshare -n: no network)'), from $sender, to $TO only, nothing sent (--dry-run, sendmail /bin/true)"
}

chk_identity() {
	local f sob from left bad=()
	for f in "$SEND"/*.patch; do
		git mailinfo "$W/mi.msg" "$W/mi.patch" <"$f" >"$W/mi.info"
		from="$(sed -n 's/^Author: //p' "$W/mi.info") <$(sed -n 's/^Email: //p' "$W/mi.info")>"
		[ "$from" = "$sender" ] || bad+=("${f##*/}: From: $from")
		grep -q "^Subject: \[PATCH v$VERSION [0-9]*/$N\] " "$f" || bad+=("${f##*/}: subject not [PATCH v$VERSION n/$N]")
		[ "$f" != "$cover" ] || continue
		sob=$({ grep '^Signed-off-by: ' "$W/mi.msg" || true; } | tail -n 1)
		[ "$sob" = "Signed-off-by: $sender" ] || bad+=("${f##*/}: last $sob")
	done
	grep -qxF "+M:	$sender" "$SEND"/*.patch || bad+=("no MAINTAINERS M: line naming $sender")
	left=$({ grep -rlF "$IDENT_EMAIL" "$SEND" || true; } | xargs -r -n 1 basename | tr '\n' ' ')
	[ -z "$left" ] || bad+=("$IDENT_EMAIL still in: $left")
	if [ "${#bad[@]}" -gt 0 ]; then
		printf '%s\n' "${bad[@]}"
		echo "${#bad[@]} problem(s), the first: ${bad[0]}"
		return 1
	fi
	echo "$((N + 1)) files From: $sender, $N last Signed-off-by: $sender, M: line, [PATCH v$VERSION n/$N], no $IDENT_EMAIL left"
}

chk_am() {
	local wt=$W/am diff
	w worktree add -q --detach --no-checkout "$wt" base
	git -C "$wt" sparse-checkout init # top-level files only: git am checks out what it patches
	git -C "$wt" checkout -q
	git -C "$wt" am -q --keep-cr "${PATCH_FILES[@]}"
	[ "$(git -C "$wt" rev-list --count base..HEAD)" -eq "$N" ] || { echo "not $N commits"; return 1; }
	[ "$(git -C "$wt" rev-parse 'HEAD^{tree}')" = "$(w rev-parse 'send^{tree}')" ] ||
		{ echo "the applied tree differs from the rewritten commits'"; return 1; }
	diff=$(w diff -U0 origin/master "$(git -C "$wt" rev-parse HEAD)" | grep '^[-+][^-+]' || true)
	printf '%s\n' "$diff"
	[ "$diff" = "$(printf -- '-M:\t%s\n+M:\t%s' "$PROJECT" "$sender")" ] ||
		{ echo "the applied tree and build/linux master differ in other than the M: line (above)"; return 1; }
	echo "$N patches apply onto base $(w rev-parse --short base); tree = build/linux master's but MAINTAINERS' M: line"
}

chk_checkpatch() {
	local f bad=()
	cd "$TREE"
	for f in "${PATCH_FILES[@]}"; do
		PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict --terse --ignore FILE_PATH_CHANGES "$f" ||
			bad+=("${f##*/}")
	done
	[ "${#bad[@]}" -eq 0 ] || { echo "checkpatch --strict findings in: ${bad[*]}"; return 1; }
	echo "$N patches clean (--strict, FILE_PATH_CHANGES aside)"
}

chk_b4() {
	local out=$W/b4.out base
	command -v b4 >/dev/null || { echo "b4 not installable here: (c) git am onto base stands in for b4 shazam"; return 77; }
	base=$(w rev-parse 'base^{commit}')
	cat "$SEND"/*.patch >"$W/series.mbox"
	cd "$W"
	# On stdin (-m -), as b4 reads a thread from lore (mailsplit, its own
	# email policy): a file given to -m goes through Python's mailbox module,
	# whose folded Subject: b4 0.12 cannot copy ("Header values may not
	# contain linefeed").
	"${NONET[@]}" b4 --offline-mode shazam -H -C -m - <"$W/series.mbox" 2>&1 | tee "$out"
	grep -q "Total patches: $N\$" "$out" || { echo "b4 did not find $N patches"; return 1; }
	grep -q "Base: using specified base-commit $base" "$out" || { echo "b4 did not use base-commit $base"; return 1; }
	! grep -q 'WARNING\|CRITICAL\|ERROR\|Unable' "$out" || { echo "b4 warned (above)"; return 1; }
	[ "$(w rev-parse 'FETCH_HEAD^{tree}')" = "$(w rev-parse 'send^{tree}')" ] ||
		{ echo "b4's FETCH_HEAD tree differs from the rewritten commits'"; return 1; }
	echo "b4 $(b4 --version), shazam -H offline: $N patches onto base-commit $(w rev-parse --short base), FETCH_HEAD = (c)'s tree"
}

say "checks (logs: build/logs/send-prep-*.log)"
check "(a) git send-email --dry-run" chk_send_email
check "(b) sender identity" chk_identity
check "(c) git am onto base" chk_am
check "(d) checkpatch --strict" chk_checkpatch
check "(e) b4 shazam" chk_b4
if [ "$failed" -ne 0 ]; then
	say "send-prep: $failed check(s) failed; build/send/ is not ready to send (scratch clone kept: ${W#"$TOP"/})"
	exit 1
fi
rm -rf "$W"
say "send-prep: $passed checks passed: ${SEND#"$TOP"/}/*.patch is ready for git send-email"
