#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the cost of DMA isolation, pKVM (nested-hvhe) against the
# native driver (the native scenario: same kernel, kvm-arm.mode=nvhe), in
# the same run, strict and lazy invalidation, BENCH_REPEAT boots of each
# (default 3). Writes build/bench/results.csv ("metric,native,pkvm,ratio",
# medians) and build/bench/spread.csv (min and max of each side).
# Times under TCG mean something only as ratios within one run.
# Env: BENCH_REPEAT, BENCH_SECS (seconds per latency case, default 2).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

repeat=${BENCH_REPEAT:-3}
secs=${BENCH_SECS:-2}
out=$BUILD/bench
mkdir -p "$out"
rm -f "$out"/raw-*.txt
for r in $(seq 1 "$repeat"); do
	for mode in strict lazy; do
		s=1
		[ "$mode" = lazy ] && s=0
		for side in native nested-hvhe; do
			tag=bench-$side-$mode-$r
			say "bench: run $r of $repeat, $side, $mode invalidation"
			PLAN=boot,bench TAG=$tag TIMEOUT=600 \
				APPEND="iommu.strict=$s pkvmtest.bench_secs=$secs" \
				"$TOP/scripts/boot.sh" "$side" >/dev/null 2>&1 ||
				die "bench: boot $side failed (log: build/logs/boot-$tag.log)"
			grep -a '^# bench: ' "$LOGS/boot-$tag.log" | sed "s/^# bench: /$mode /" \
				>"$out/raw-$side-$mode-$r.txt"
			[ -s "$out/raw-$side-$mode-$r.txt" ] ||
				die "bench: no results from $side (log: build/logs/boot-$tag.log)"
		done
	done
done
python3 - "$out" <<'PY'
import collections, glob, os, statistics, sys

out = sys.argv[1]
vals = collections.defaultdict(lambda: {"native": [], "pkvm": []})
for path in glob.glob(os.path.join(out, "raw-*.txt")):
    side = "native" if "/raw-native-" in path else "pkvm"
    for line in open(path):
        f = line.split()
        mode, case, kv = f[0], f[1], f[2:]
        for k, v in zip(kv[0::2], kv[1::2]):
            if case.startswith("ops_"):
                # exact counts: per operation
                n = float(dict(zip(kv[0::2], kv[1::2]))["maps"])
                if k == "maps":
                    continue
                metric = "%s_per_%s_%s" % (k.replace("_map", "").replace("_unmap", ""),
                                           "unmap" if k.endswith("unmap") or k in ("syncs", "issued") else "map",
                                           case[4:])
                vals["%s_%s" % (metric, mode)][side].append(float(v) / n)
            elif case.startswith("lat_"):
                vals["%s_%s_%s" % (k.replace("_us", ""), case[4:], mode)][side].append(float(v))
            else:
                vals["%s_%s_%s" % (case.replace("_mib_s", ""), k, mode)][side].append(float(v))
rows = []
for metric in sorted(vals):
    n, p = vals[metric]["native"], vals[metric]["pkvm"]
    mn = statistics.median(n) if n else None
    mp = statistics.median(p) if p else None
    ratio = "%.2f" % (mp / mn) if mn and mp is not None else ""
    rows.append((metric, mn, mp, ratio, n, p))
fmt = lambda x: "" if x is None else "%.3g" % x
with open(os.path.join(out, "results.csv"), "w") as f:
    f.write("metric,native,pkvm,ratio\n")
    for m, mn, mp, r, _, _ in rows:
        f.write("%s,%s,%s,%s\n" % (m, fmt(mn), fmt(mp), r))
with open(os.path.join(out, "spread.csv"), "w") as f:
    f.write("metric,native_min,native_max,pkvm_min,pkvm_max,runs\n")
    for m, _, _, _, n, p in rows:
        f.write("%s,%s,%s,%s,%s,%d\n" % (m, fmt(min(n)) if n else "", fmt(max(n)) if n else "",
                                         fmt(min(p)) if p else "", fmt(max(p)) if p else "", max(len(n), len(p))))
print("%-34s %10s %10s %7s" % ("metric (medians)", "native", "pkvm", "ratio"))
for m, mn, mp, r, _, _ in rows:
    print("%-34s %10s %10s %7s" % (m, fmt(mn), fmt(mp), r))
print("Times under TCG are meaningful only as ratios within this run.")
PY
say "bench: build/bench/results.csv, build/bench/spread.csv"
