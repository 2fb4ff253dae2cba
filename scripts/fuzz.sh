#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Userspace fuzzing of the decisions of the pKVM SMMUv3 emulation
# (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-pkvm-emul.c of the tree, built
# unmodified for the build host with the shims in fuzz/include). TAP in
# build/logs/test-fuzz.log:
#   - the targets build (clang, libFuzzer, ASan, UBSan)
#   - per target: the committed corpus (fuzz/corpus/TARGET) passes, and
#     FUZZ_SECONDS of fuzzing on a scratch copy find no violation
#   - line and branch coverage of the emulation by the corpus
#   - per target: a build that forges one output on purpose is caught
# Crashing inputs are kept in build/fuzz/crashes/; replay one with
#   build/fuzz/bin/fuzz_TARGET FILE   (or build/fuzz/bin/run_TARGET FILE)
# Env: FUZZ_SECONDS   seconds of fuzzing per target (default 20; 0: replay only)
#      FUZZ_MERGE=1   merge new interesting inputs into fuzz/corpus (-merge=1)
#      FUZZ_SEEDS=1   regenerate the seed inputs (fuzz/gen_corpus.c) first
#      FUZZ_TARGETS   subset of: ste cmd regs queue strtab
#      FUZZ_MIN_LINES, FUZZ_MIN_BRANCHES   coverage floors in % (95, 90)
#      FUZZ_CFLAGS    extra flags for the fuzz builds, e.g.
#                     -fsanitize=implicit-conversion
#      FUZZ_SEED      libFuzzer -seed, to repeat a run
#      TREE           the kernel tree (default build/linux)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SRC=$TREE/drivers/iommu/arm/arm-smmu-v3
EMUL=$SRC/arm-smmu-v3-pkvm-emul.c
# The driver's STE/CD writer, which the emulation's STEs are installed with
ENTRY=$SRC/arm-smmu-v3-entry.c
FUZZ=$TOP/fuzz
CORPUS=$FUZZ/corpus
OUT=$BUILD/fuzz
BIN=$OUT/bin
WORK=$OUT/work
CRASHES=$OUT/crashes
COV=$OUT/cov
FLOGS=$OUT/logs
log=$LOGS/test-fuzz.log
all_targets="ste cmd regs queue strtab"
read -ra targets <<<"${FUZZ_TARGETS:-$all_targets}"
fuzz_seconds=${FUZZ_SECONDS:-20}
min_lines=${FUZZ_MIN_LINES:-95}
min_branches=${FUZZ_MIN_BRANCHES:-90}

# Self-tests: target, FUZZ_SELFTEST_BREAK value, what is forged, and the
# message the checks must print for it.
selftests=(
	"ste|1|a forged bypass STE|config bypass"
	"cmd|2|a forged TLBI VMID|TLBI forwarded with VMID"
	"regs|3|a leaked IDR0.S2P|hidden feature: S2P"
	"regs|6|a stream table base changed while SMMUEN is set|stream table changed while SMMUEN"
	"queue|4|a misaligned host queue|not aligned to its size"
	"strtab|5|an STE address outside the table|outside the table"
)

mkdir -p "$BIN" "$WORK" "$CRASHES" "$COV" "$FLOGS"
tap_begin fuzz "$log" "fuzz: "
finish() {
	tap_end
	say "done: fuzz ($((TAP_N - TAP_FAILED)) of $TAP_N passed; log: ${log#"$TOP"/})"
	[ "$TAP_FAILED" -eq 0 ]
	exit
}
# The toolchain or the tree is missing: one failed test, then stop.
setup_fail() {
	tap_notok "$1" "$2"
	tap_end
	die "$2"
}
say "step: fuzz the emulation decisions (log: ${log#"$TOP"/})"

# The toolchain: clang with libFuzzer, and LLVM's coverage tools of the
# same version, versioned (llvm-cov-14) or not.
cc=${FUZZ_CC:-}
for c in clang clang-14 $(compgen -c clang- 2>/dev/null | grep -E '^clang-[0-9]+$' | sort -t- -k2 -rn); do
	[ -z "$cc" ] && command -v "$c" >/dev/null 2>&1 && cc=$c
done
if [ -z "$cc" ] || ! command -v "$cc" >/dev/null 2>&1; then
	setup_fail "toolchain" "clang${cc:+ ($cc)} not found: run scripts/deps.sh (packages clang, llvm, libclang-rt-14-dev)"
fi
cc_major=$("$cc" -dumpversion 2>/dev/null | cut -d. -f1)
llvm_tool() { # llvm_tool NAME: the one matching clang's version first
	local c
	for c in "$1-$cc_major" "$1" "/usr/lib/llvm-$cc_major/bin/$1"; do
		if command -v "$c" >/dev/null 2>&1; then
			command -v "$c"
			return 0
		fi
	done
	return 1
}
profdata=$(llvm_tool llvm-profdata) ||
	setup_fail "toolchain" "llvm-profdata not found: run scripts/deps.sh (package llvm)"
llvmcov=$(llvm_tool llvm-cov) ||
	setup_fail "toolchain" "llvm-cov not found: run scripts/deps.sh (package llvm)"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' |
	"$cc" -fsanitize=fuzzer,address,undefined -x c - -o "$BIN/probe" >"$FLOGS/probe.log" 2>&1 ||
	setup_fail "toolchain" "$cc cannot link libFuzzer ($(tail -n 1 "$FLOGS/probe.log")): run scripts/deps.sh (package libclang-rt-$cc_major-dev)"
[ -f "$EMUL" ] || setup_fail "toolchain" "no $EMUL: run 'make tree' (or set TREE)"
cc_version=$("$cc" --version | head -n 1)

# Builds, redone when a source or the command line changed.
deps=("$FUZZ"/*.c "$FUZZ"/*.h "$FUZZ"/include/*/*.h "$SRC/arm-smmu-v3-hw.h" "$SRC/arm-smmu-v3-pkvm.h" "$EMUL" "$ENTRY")
# Warnings are counted, not fatal: the kernel source is not ours to fix here.
common_flags=(-g -std=gnu11 -Wall -Wextra -Wno-unused-parameter
	      -I "$FUZZ/include" -I "$SRC")
read -ra extra_flags <<<"${FUZZ_CFLAGS:-}"
fuzz_flags=(-O1 -fno-omit-frame-pointer "-fsanitize=fuzzer,address,undefined"
	    -fno-sanitize-recover=all "${extra_flags[@]}")
build() { # build OUT COMPILER-ARGS...
	local out=$1 dep
	shift
	if [ -x "$out" ] && [ "$(cat "$out.cmd" 2>/dev/null)" = "$cc $*" ]; then
		for dep in "${deps[@]}"; do
			[ "$dep" -nt "$out" ] && break
		done
		[ "$dep" -nt "$out" ] || return 0
	fi
	rm -f "$out" "$out.cmd"
	rebuilt=$((rebuilt + 1))
	echo "$cc $*" >>"$FLOGS/build.log"
	"$cc" "$@" >>"$FLOGS/build.log" 2>&1 || return 1
	echo "$cc $*" >"$out.cmd"
}
build_all() {
	local t s
	for t in "${targets[@]}"; do
		build "$BIN/fuzz_$t" "${common_flags[@]}" "${fuzz_flags[@]}" \
			"$FUZZ/fuzz_$t.c" "$EMUL" "$ENTRY" -o "$BIN/fuzz_$t" || return 1
		build "$BIN/run_$t" "${common_flags[@]}" -O0 -DFUZZ_STANDALONE \
			-fprofile-instr-generate -fcoverage-mapping \
			"$FUZZ/fuzz_$t.c" "$EMUL" "$ENTRY" "$FUZZ/standalone.c" -o "$BIN/run_$t" || return 1
	done
	for s in "${selftests[@]}"; do
		IFS='|' read -r t brk _ _ <<<"$s"
		[[ " ${targets[*]} " == *" $t "* ]] || continue
		build "$BIN/break_${t}_$brk" "${common_flags[@]}" "${fuzz_flags[@]}" \
			-DFUZZ_SELFTEST_BREAK="$brk" "$FUZZ/fuzz_$t.c" "$EMUL" "$ENTRY" \
			-o "$BIN/break_${t}_$brk" || return 1
	done
	if [ "${FUZZ_SEEDS:-0}" = 1 ]; then
		build "$BIN/gen_corpus" "${common_flags[@]}" -O1 "$FUZZ/gen_corpus.c" \
			-o "$BIN/gen_corpus" || return 1
	fi
}
: >"$FLOGS/build.log"
rebuilt=0
if build_all; then
	warnings=$(grep -c 'warning:' "$FLOGS/build.log")
	tap_ok "the fuzz targets build" "$cc_version; ${#targets[@]} targets with libFuzzer, ASan and UBSan (-fno-sanitize-recover=all); $rebuilt binaries rebuilt, $warnings compiler warnings"
else
	tap_notok "the fuzz targets build" "$(grep -m1 -E 'error' "$FLOGS/build.log") (log: ${FLOGS#"$TOP"/}/build.log)"
	finish
fi
if [ "${FUZZ_SEEDS:-0}" = 1 ]; then
	say "  regenerating the seeds in ${CORPUS#"$TOP"/}"
	"$BIN/gen_corpus" "$CORPUS" || die "gen_corpus failed"
fi

# violation LOG: the first line saying what went wrong
violation() {
	grep -m1 -E 'FUZZ PROPERTY VIOLATION|runtime error:|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|SUMMARY:' "$1" |
		sed -e 's/^FUZZ PROPERTY VIOLATION: //' -e 's/^==[0-9]*==//' -e 's/^[^ ]*: runtime error/runtime error/'
}
# artifact LOG: the input libFuzzer saved, relative to the top
artifact() {
	local a
	a=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -n 1)
	printf '%s' "${a#"$TOP"/}"
}
count() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

for t in "${targets[@]}"; do
	fz=$BIN/fuzz_$t
	committed=$CORPUS/$t
	ncommitted=$(count "$committed")

	# The committed corpus, every input once
	rlog=$FLOGS/$t-replay.log
	if [ "$ncommitted" -eq 0 ]; then
		tap_notok "$t: the committed corpus passes" "no inputs in ${committed#"$TOP"/}"
	elif timeout 300 "$fz" -runs=0 -timeout=10 -artifact_prefix="$CRASHES/$t-" "$committed" >"$rlog" 2>&1; then
		tap_ok "$t: the committed corpus passes" "$ncommitted inputs"
	else
		a=$(artifact "$rlog")
		src=""
		if [ -n "$a" ]; then
			sum=$(sha1sum <"$TOP/$a" | cut -d' ' -f1)
			for f in "$committed"/*; do
				[ "$(sha1sum <"$f" | cut -d' ' -f1)" = "$sum" ] && src=${f#"$TOP"/} && break
			done
		fi
		tap_notok "$t: the committed corpus passes" "${src:-an input} fails: $(violation "$rlog"); saved as ${a:-?} (log: ${rlog#"$TOP"/})"
	fi

	# Fuzzing, on a scratch copy of the corpus
	scratch=$WORK/$t
	rm -rf "$scratch"
	mkdir -p "$scratch"
	[ "$ncommitted" -gt 0 ] && cp "$committed"/* "$scratch"/
	if [ "$fuzz_seconds" -le 0 ]; then
		tap_skip "$t: fuzzing finds no violation" "FUZZ_SECONDS=0"
		continue
	fi
	say "  fuzzing $t for ${fuzz_seconds}s"
	flog=$FLOGS/$t-fuzz.log
	seed=()
	[ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
	timeout $((fuzz_seconds + 300)) "$fz" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
		-timeout=10 -max_len=2048 -rss_limit_mb=2048 "${seed[@]}" \
		-artifact_prefix="$CRASHES/$t-" "$scratch" >"$flog" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$flog" | tail -n 1)
	last=$(grep -E '^#[0-9]+.* cov: ' "$flog" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	rate=$(sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p' <<<"$last")
	useed=$(sed -n 's/.*Seed: \([0-9]*\).*/\1/p' "$flog" | head -n 1)
	nscratch=$(count "$scratch")
	stats="${execs:-?} execs in ${fuzz_seconds} s (${rate:-?}/s, seed ${useed:-?}), cov ${cov:-?}, ft ${ft:-?}, corpus $ncommitted -> $nscratch"
	[ "$rc" -eq 0 ] || stats="stopped after ${execs:-?} execs (seed ${useed:-?})"
	if [ "$rc" -eq 0 ] && [ -n "$execs" ]; then
		tap_ok "$t: fuzzing finds no violation" "$stats"
	else
		a=$(artifact "$flog")
		tap_notok "$t: fuzzing finds no violation" "$(violation "$flog"); input saved as ${a:-? (exit $rc, log: ${flog#"$TOP"/})}; replay: ${BIN#"$TOP"/}/fuzz_$t ${a:-FILE}; $stats"
	fi
	tap_report fuzz "$t: $stats"

	if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$rc" -eq 0 ]; then
		mkdir -p "$committed"
		# New edges only (no hit-count buckets): the corpus stays small.
		"$fz" -merge=1 -use_counters=0 -timeout=10 -max_len=2048 "$committed" "$scratch" \
			>"$FLOGS/$t-merge.log" 2>&1 ||
			die "merging into ${committed#"$TOP"/} failed (log: $FLOGS/$t-merge.log)"
		tap_report fuzz "$t: merged $(( $(count "$committed") - ncommitted )) new inputs into ${committed#"$TOP"/}"
	fi
done

# Coverage of the emulation by the corpus (after fuzzing: the scratch copies)
rm -f "$COV"/*.profraw "$COV"/all.profdata
objects=()
cov_runs_ok=1
for t in "${targets[@]}"; do
	LLVM_PROFILE_FILE=$COV/$t.profraw "$BIN/run_$t" "$WORK/$t" >"$FLOGS/$t-cov.log" 2>&1 || cov_runs_ok=0
	# llvm-cov: the first binary, then -object for each other one
	if [ "${#objects[@]}" -eq 0 ]; then
		objects=("$BIN/run_$t")
	else
		objects+=(-object "$BIN/run_$t")
	fi
done
summary=""
if "$profdata" merge -sparse "$COV"/*.profraw -o "$COV/all.profdata" >"$FLOGS/cov.log" 2>&1 &&
   "$llvmcov" export -summary-only -instr-profile="$COV/all.profdata" "${objects[@]}" "$EMUL" \
	>"$COV/summary.json" 2>>"$FLOGS/cov.log"; then
	"$llvmcov" show -instr-profile="$COV/all.profdata" "${objects[@]}" "$EMUL" \
		>"$COV/arm-smmu-v3-pkvm-emul.txt" 2>>"$FLOGS/cov.log"
	summary=$(python3 - "$COV/summary.json" "$(basename "$EMUL")" <<-'EOF'
	import json, sys
	data = json.load(open(sys.argv[1]))["data"][0]["files"]
	f = [f for f in data if f["filename"].endswith("/" + sys.argv[2])][0]["summary"]
	pct = lambda k: 100.0 * f[k]["covered"] / f[k]["count"] if f[k]["count"] else 100.0
	print("%.1f %.1f %d %d %d %d %.1f %d %d" % (pct("lines"), pct("branches"),
	      f["lines"]["covered"], f["lines"]["count"], f["branches"]["covered"],
	      f["branches"]["count"], pct("regions"), f["functions"]["covered"],
	      f["functions"]["count"]))
	EOF
	)
fi
if [ -n "$summary" ]; then
	read -r lines branches lc ln bc bn regions fc fn <<<"$summary"
	what="lines $lines% ($lc/$ln), branches $branches% ($bc/$bn), regions $regions%, functions $fc/$fn"
	tap_report fuzz "coverage of $(basename "$EMUL"): $what (annotated: ${COV#"$TOP"/}/arm-smmu-v3-pkvm-emul.txt)"
	[ "$cov_runs_ok" = 1 ] || what="$what; some corpus inputs violate properties (${FLOGS#"$TOP"/}/*-cov.log)"
	if [ "${targets[*]}" != "$all_targets" ]; then
		tap_ok "coverage of $(basename "$EMUL")" "$what; FUZZ_TARGETS is a subset: no floor"
	elif awk -v l="$lines" -v b="$branches" -v ml="$min_lines" -v mb="$min_branches" \
		'BEGIN { exit !(l >= ml && b >= mb) }'; then
		tap_ok "coverage of $(basename "$EMUL")" "$what"
	else
		tap_notok "coverage of $(basename "$EMUL")" "$what; below the floor of lines $min_lines%, branches $min_branches%"
	fi
else
	tap_notok "coverage of $(basename "$EMUL")" "no coverage data (log: ${FLOGS#"$TOP"/}/cov.log)"
fi

# The checks can fail: a build that forges one output must be caught by
# some committed input, with the message of that check.
stdir=$OUT/selftest
rm -rf "$stdir"
mkdir -p "$stdir"
for s in "${selftests[@]}"; do
	IFS='|' read -r t brk what expect <<<"$s"
	[[ " ${targets[*]} " == *" $t "* ]] || continue
	caught="" other=""
	for f in "$CORPUS/$t"/*; do
		[ -f "$f" ] || continue
		slog=$stdir/$t-$(basename "$f").log
		if ! "$BIN/break_${t}_$brk" -timeout=10 -artifact_prefix="$stdir/$t-" "$f" >"$slog" 2>&1; then
			if grep -q "FUZZ PROPERTY VIOLATION: .*$expect" "$slog"; then
				caught="${f#"$TOP"/}: $(violation "$slog")"
				break
			fi
			[ -n "$other" ] || other=$(violation "$slog")
		fi
	done
	if [ -n "$caught" ]; then
		tap_ok "assertions catch $what" "FUZZ_SELFTEST_BREAK=$brk caught on $caught"
	else
		tap_notok "assertions catch $what" "FUZZ_SELFTEST_BREAK=$brk: no committed input triggers '$expect'${other:+ (other failure: $other)}"
	fi
done

finish
