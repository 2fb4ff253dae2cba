# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts: paths, scenarios, logging, step
# progress and TAP.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LOGS=$BUILD/logs
CACHE=${PKVM_SMMUV3_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pkvm-smmuv3}
TREE=${TREE:-$BUILD/linux}
KOUT=${KOUT:-$BUILD/kout}
CROSS=aarch64-linux-gnu-
# arm64 headers and static libraries the guest-side programs link (deps.sh).
ARM64_SYSROOT=$CACHE/arm64-sysroot
JOBS=${JOBS:-$(( $(nproc) + 1 ))}
mkdir -p "$LOGS" "$CACHE"

# The scenario that make run, make shell and make stress boot unless
# SCENARIO names another.
DEFAULT_SCENARIO=nested-hvhe

# scenarios: every scenario, scenarios/NAME.conf, one name a line, in the
# order make check runs and reports them: by the number in the .conf's
# ORDER= line, then those without one, by name (a new .conf is always
# checked).
scenarios() {
	local f order
	for f in "$TOP"/scenarios/*.conf; do
		[ -f "$f" ] || continue
		order=$(sed -n 's/^ORDER=\([0-9][0-9]*\)[[:space:]]*$/\1/p' "$f" | tail -n 1)
		printf '%s %s\n' "${order:-999999}" "$(basename "$f" .conf)"
	done | LC_ALL=C sort -k1,1n -k2,2 | cut -d' ' -f2
}

_t0=${PKVM_T0:-$(date +%s)}
elapsed() { local s=$(( $(date +%s) - _t0 )); printf '%d:%02d' $((s / 60)) $((s % 60)); }
say() { printf '[%s] %s\n' "$(elapsed)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(elapsed)" "$*" >&2; exit 1; }

# wait_heartbeat PID LABEL CMD...: wait for PID (a background job of this
# shell) and return its exit status; every 30 s while it runs, say
# "  ... LABEL <seconds>s: " followed by what CMD prints (the latest line of
# its log, say).
wait_heartbeat() {
	local pid=$1 label=$2 start last now
	shift 2
	start=$(date +%s)
	last=$start
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		now=$(date +%s)
		if [ $((now - last)) -ge 30 ] && kill -0 "$pid" 2>/dev/null; then
			last=$now
			say "  ... $label $((now - start))s: $("$@")"
		fi
	done
	wait "$pid"
}

# last_line LOG: the latest line of LOG, cut to 100 columns.
last_line() { tail -n 1 "$1" | cut -c1-100; }

# run_step NAME LOG FIX CMD...: run CMD with its output in LOG, print a
# heartbeat while it runs, and on failure name the step, the log and the
# likely fix.
run_step() {
	local name=$1 log=$2 fix=$3 rc=0 start
	shift 3
	start=$(date +%s)
	say "step: $name (log: ${log#"$TOP"/})"
	"$@" >"$log" 2>&1 &
	wait_heartbeat "$!" "$name running for" last_line "$log" || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '\n[%s] FAILED step: %s (exit %d)\n  log: %s\n  last lines:\n' \
			"$(elapsed)" "$name" "$rc" "$log" >&2
		tail -n 15 "$log" | sed 's/^/    /' >&2
		printf '  likely fix: %s\n' "$fix" >&2
		exit "$rc"
	fi
	say "done: $name in $(( $(date +%s) - start ))s"
}

# TAP from the tests that run on the build host (test-harness.sh, fuzz.sh,
# kunit.sh, fault-check.sh), in the format the guest prints (guest/tests.sh)
# and results.py reads, from build/logs/test-NAME.log:
#   # pkvm-smmuv3-tests begin scenario=NAME
#   ok N - TEST[ # DETAIL]  /  not ok N - TEST[ # DETAIL]  /  ok N - TEST # SKIP WHY
#   # report: KEY: VALUE
#   1..N
#   # pkvm-smmuv3-tests end
# tap_begin NAME LOG [PREFIX]  start LOG (emptied); PREFIX begins every TEST
# tap_ok TEST [DETAIL], tap_notok TEST [DETAIL], tap_skip TEST WHY
# tap_report KEY VALUE
# tap_end                      the plan and the end marker
# TAP_N counts the results, TAP_FAILED the "not ok" ones. A DETAIL is made
# one line (newlines become spaces) of at most 300 characters. Every
# function returns 0 (safe under set -e).
tap_begin() {
	TAP_LOG=$2 TAP_PREFIX=${3:-} TAP_N=0 TAP_FAILED=0
	: >"$TAP_LOG"
	tap_emit "# pkvm-smmuv3-tests begin scenario=$1"
}
tap_emit() { printf '%s\n' "$*" >>"$TAP_LOG"; }
tap_detail() { printf '%s' "$1" | tr '\n' ' ' | cut -c1-300; }
tap_result() { # tap_result ok|not-ok TEST DETAIL
	local res=ok
	TAP_N=$((TAP_N + 1))
	if [ "$1" != ok ]; then
		res="not ok"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
	tap_emit "$res $TAP_N - $TAP_PREFIX$2${3:+ # $(tap_detail "$3")}"
}
tap_ok() { tap_result ok "$1" "${2:-}"; }
tap_notok() { tap_result not-ok "$1" "${2:-}"; }
tap_skip() { tap_result ok "$1" "SKIP $2"; }
tap_report() { tap_emit "# report: $1: $2"; }
tap_end() {
	tap_emit "1..$TAP_N"
	tap_emit "# pkvm-smmuv3-tests end"
}

# The Debian mirror this machine already uses, read from its apt
# configuration so that no archive host name lives in this repository.
apt_mirror() {
	local uri
	uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v -- '-security' | head -n 1)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n 1)
	[ -n "$uri" ] || die "cannot find a Debian mirror in /etc/apt (sources.list or sources.list.d/*.sources)"
	printf '%s\n' "${uri%/}"
}

# apt_private NAME ARCH SUITE...: set APT_PRIVATE to an apt configuration of
# its own (lists and cache under $CACHE/apt-NAME) that does not touch the
# system's, for downloading packages of another suite or architecture. Then
# run "apt-get "${APT_PRIVATE[@]}" update" (a step) before using it.
apt_private() {
	local name=$1 arch=$2 dir suite mirror
	shift 2
	dir=$CACHE/apt-$name
	mirror=$(apt_mirror)
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	: >"$dir/sources.list"
	for suite in "$@"; do
		echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >>"$dir/sources.list"
	done
	APT_PRIVATE=(-o "Dir::Etc::SourceList=$dir/sources.list" -o "Dir::Etc::SourceParts=-"
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
		-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
		-o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
		-o "Debug::NoLocking=1")
}

# The git repository holding the base commit (series.sh), made once from a
# verified base; call after sourcing base.pin.
base_git() { printf '%s\n' "$CACHE/linux-$BASE_VERSION.git"; }

# Kernel builds (build.sh, bisect-check.sh, fault-check.sh): ccache, a fixed
# build timestamp, and KMAKE=(make ... for tree $1 into output directory $2).
kbuild_setup() {
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	export CCACHE_BASEDIR=$TOP/build CCACHE_NOHASHDIR=true CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export KBUILD_BUILD_TIMESTAMP="2026-11-25" KBUILD_BUILD_USER=pkvm KBUILD_BUILD_HOST=smmuv3
	KMAKE=(make -C "$1" O="$2" ARCH=arm64 CROSS_COMPILE="$CROSS" CC="ccache ${CROSS}gcc" LOCALVERSION= -j"$JOBS")
}

# The series' own identity: series.sh commits with it in build/linux,
# send-prep.sh replaces it with the submitter's.
IDENT_NAME="pKVM SMMUv3 series"
IDENT_EMAIL="pkvm-smmuv3@example.org"

# write_cover TEMPLATE TEXT DATE: the cover letter git format-patch
# generated (TEMPLATE) filled from TEXT (patches/cover-letter.txt; first
# line: the subject, the rest: the body), dated DATE (the series' last
# commit, not now), on stdout (series.sh export, send-prep.sh). The
# diffstat's " create mode ..." summary lines are dropped: the diffstat
# names the files already, and a long path makes them exceed 75 columns.
write_cover() {
	local subj
	subj=$(head -n 1 "$2")
	awk -v subj="$subj" -v date="$3" -v body="$2" '
		/^Date: / && !d { print "Date: " date; d = 1; next }
		/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
		/^\*\*\* BLURB HERE \*\*\*$/ {
			getline line < body
			while ((getline line < body) > 0) print line
			next
		}
		/^ (create|delete) mode [0-9]+ / { next }
		{ print }' "$1"
}
