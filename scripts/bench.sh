#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the cost of DMA isolation, pKVM (nested-hvhe) against the
# native driver (the native scenario: same kernel, kvm-arm.mode=nvhe), in
# the same run, with the same RAM (1 GiB), BENCH_REPEAT boots of each side
# (default 3) in strict and in lazy invalidation. The cost per page donated
# to a protected VM is compared with pKVM without its IOMMU driver
# (kvm-arm.iommu_pool_size=0), as the native kernel has no protected VMs.
# One more pKVM boot with 4 GiB gives the memory row at 4 GiB. Writes build/bench/results.csv
# ("metric,native,pkvm,ratio", medians), build/bench/spread.csv (min and max
# of each side) and build/bench/ratios.png.
# Times under TCG mean something only as ratios within one run.
# A last pKVM boot times the traps of a hostile command queue (255
# CFGI_ALLs while another CPU rewrites the STEs they cover): the longest
# time at EL2 in one trap, which the hypervisor bounds by its work per trap.
# Env: BENCH_REPEAT, BENCH_SECS (seconds per latency case, default 2),
#      BENCH_MODES (default "strict lazy"), BENCH_ONLY=hostile (that boot
#      alone).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

repeat=${BENCH_REPEAT:-3}
secs=${BENCH_SECS:-2}
modes=${BENCH_MODES:-strict lazy}
out=$BUILD/bench
mkdir -p "$out"
rm -f "$out"/raw-*.txt "$out"/results.csv "$out"/spread.csv "$out"/ratios.png

# bench_boot TAG SIDE MEM PLAN APPEND: boot, keep the "# bench:" lines and
# when the SMMU became usable (the first device added to an IOMMU group).
bench_boot() {
	local tag=$1 side=$2 mem=$3 plan=$4 append=$5 log raw
	log=$LOGS/boot-$tag.log raw=$out/raw-$tag.txt
	PLAN=$plan TAG=$tag MEM=$mem TIMEOUT=900 APPEND="$append" \
		"$TOP/scripts/boot.sh" "$side" >/dev/null 2>&1 ||
		die "bench: boot $side failed (log: ${log#"$TOP"/})"
	grep -a '^not ok ' "$log" >&2 && die "bench: a step failed on $side (log: ${log#"$TOP"/})"
	grep -a '^# bench: ' "$log" | sed 's/^# bench: //' >"$raw"
	sed -n 's/^\[ *\([0-9.]*\)\] .*Adding to iommu group .*/boot smmu_ready_ms \1/p' "$log" |
		head -n 1 | awk '{ print $1, $2, $3 * 1000 }' >>"$raw"
	sed -n 's/.*IOMMU pool: \([0-9]*\) pages.*/pool pages \1/p' "$log" | head -n 1 >>"$raw"
	grep -q '^ops_\|^lat_\|^mem \|^donate \|^hostile_cmdq ' "$raw" || die "bench: no results from $side (log: ${log#"$TOP"/})"
}

start=$(date +%s)
# BENCH_ONLY=hostile: the hostile command queue alone
[ "${BENCH_ONLY:-}" = hostile ] && repeat=0
for r in $(seq 1 "$repeat"); do
	for mode in $modes; do
		s=1
		[ "$mode" = lazy ] && s=0
		for side in native nested-hvhe; do
			say "bench: run $r of $repeat, $side, $mode invalidation ($(( $(date +%s) - start ))s so far)"
			bench_boot "bench-$side-$mode-$r" "$side" 1G boot,bench \
				"iommu.strict=$s pkvmtest.bench_secs=$secs"
		done
	done
	say "bench: run $r of $repeat, pKVM without its IOMMU driver, protected VM donations"
	bench_boot "bench-noiommu-$r" nested-hvhe 1G benchdonate \
		"kvm-arm.iommu_pool_size=0 pkvmtest.bench_secs=$secs"
done
if [ "${BENCH_ONLY:-}" != hostile ]; then
	say "bench: pKVM with 4 GiB of RAM, memory only"
	bench_boot bench-nested-hvhe-mem4g nested-hvhe 4G boot,benchmem ""
fi
# The longest time at EL2 in one trap, for a queue of 255 CFGI_ALLs while
# another CPU rewrites the STEs they cover (pkvm_attack's hostile-cmdq)
say "bench: pKVM, a hostile command queue"
bench_boot bench-nested-hvhe-hostile nested-hvhe 1G boot,edu,attack \
	"pkvmtest.attack_list=hostile-cmdq pkvmtest.hostile_cmds=255"

/usr/bin/python3 - "$out" <<'PY'
import collections, glob, os, re, statistics, sys

out = sys.argv[1]
vals = collections.defaultdict(lambda: {"native": [], "pkvm": []})
PAGE = 4096
RAM = {"1g": 1 << 30, "4g": 4 << 30}


def put(metric, side, v):
    vals[metric][side].append(v)


for path in sorted(glob.glob(os.path.join(out, "raw-bench-*.txt"))):
    name = os.path.basename(path)[len("raw-bench-"):-len(".txt")]
    # noiommu: pKVM without its IOMMU driver, the reference for donations
    side = "native" if name.startswith(("native-", "noiommu-")) else "pkvm"
    m = re.match(r"(?:native|nested-hvhe)-(strict|lazy)-\d+$", name)
    mode = m.group(1) if m else "strict" if name.startswith("noiommu-") else None
    ram = "4g" if name.endswith("mem4g") else "1g"
    sfx = "" if mode in ("strict", None) else "_" + mode
    kv = {}
    for line in open(path):
        f = line.split()
        case, d = f[0], dict(zip(f[1::2], map(float, f[2::2])))
        kv[case] = d
        if case.startswith("lat_"):
            size = case[4:]
            put("map_%s_us%s" % (size, sfx), side, d["map_us"])
            put("unmap_%s_us%s" % (size, sfx), side, d["unmap_us"])
        elif case.startswith("ops_"):
            size = "" if case == "ops_4k" else "_" + case[4:]
            n = d["ops"]
            put("traps_per_map%s%s" % (size, sfx), side, d["traps_map"] / n)
            put("traps_per_unmap%s%s" % (size, sfx), side, d["traps_unmap"] / n)
            if d["host_syncs"]:
                put("traps_per_sync%s%s" % (size, sfx), side,
                    d["traps_unmap"] / d["host_syncs"])
                put("hw_syncs_per_sync%s%s" % (size, sfx), side,
                    d["hw_syncs"] / d["host_syncs"])
            if d["cmds_unmap"]:
                put("issued_per_host_cmd%s%s" % (size, sfx), side,
                    d["issued"] / d["cmds_unmap"])
        elif case.startswith("mmio_"):
            put("%s_read_ns%s" % (case, sfx), side, d["ns_per_read"])
        elif case == "blk":
            put("blk_write_mibs" + sfx, side, d["write_mibs"])
            put("blk_read_mibs" + sfx, side, d["read_mibs"])
        elif case == "donate" and mode == "strict":
            put("donate_us_per_page", side, d["us"] / d["pages"])
            if "invalidations" in d:
                put("invalidations_per_donated_page", side,
                    d["invalidations"] / d["pages"])
        elif case == "hostile_cmdq":
            put("hostile_cmdq_max_trap_us", side, d["max_trap_us"])
            put("hostile_cmdq_mean_trap_us", side, d["mean_trap_us"])
            put("hostile_cmdq_traps", side, d["traps"])
            put("hostile_cmdq_traps_over_1ms", side, d.get("traps_over_1ms", 0))
            # The same clock on a trap that does nothing: the noise floor
            put("idle_trap_max_us", side, d.get("idle_max_trap_us", 0))
        elif case == "boot" and name.startswith(("native-strict", "nested-hvhe-strict")):
            put("smmu_ready_ms", side, d["smmu_ready_ms"])
    if "mem" in kv and mode in ("strict", None):
        d = kv["mem"]
        used = d["table_pages"] + d["smmu_pages"]
        put("iommu_table_pages_%s" % ram, side, d["table_pages"])
        put("iommu_mem_pct_%s" % ram, side, 100.0 * used * PAGE / RAM[ram])
        if "pool" in kv:
            put("iommu_pool_pct_%s" % ram, side,
                100.0 * kv["pool"]["pages"] * PAGE / RAM[ram])

rows = []
for metric in sorted(vals):
    n, p = vals[metric]["native"], vals[metric]["pkvm"]
    mn = statistics.median(n) if n else None
    mp = statistics.median(p) if p else None
    ratio = mp / mn if mn and mp is not None else None
    rows.append((metric, mn, mp, ratio, n, p))


def fmt(x):
    return "" if x is None else "%.3g" % x


with open(os.path.join(out, "results.csv"), "w") as f:
    f.write("metric,native,pkvm,ratio\n")
    for m, mn, mp, r, _, _ in rows:
        f.write("%s,%s,%s,%s\n" % (m, fmt(mn), fmt(mp), "" if r is None else "%.2f" % r))
with open(os.path.join(out, "spread.csv"), "w") as f:
    f.write("metric,native_min,native_max,pkvm_min,pkvm_max,runs\n")
    for m, _, _, _, n, p in rows:
        f.write("%s,%s,%s,%s,%s,%d\n" % (m, fmt(min(n)) if n else "", fmt(max(n)) if n else "",
                                         fmt(min(p)) if p else "", fmt(max(p)) if p else "",
                                         max(len(n), len(p))))


def spread(v):
    if len(v) < 2 or not statistics.median(v):
        return ""
    return "+-%.0f%%" % (50.0 * (max(v) - min(v)) / statistics.median(v))


print("%-34s %10s %7s %10s %7s %7s" % ("metric (median of runs)", "native", "spread",
                                       "pkvm", "spread", "ratio"))
for m, mn, mp, r, n, p in rows:
    print("%-34s %10s %7s %10s %7s %7s" % (m, fmt(mn) or "-", spread(n), fmt(mp) or "-",
                                           spread(p), "" if r is None else "%.2f" % r))
print("Times under TCG (QEMU without KVM) are meaningful only as ratios within this run;")
print("counts (traps, commands, pages) are exact. Spread: half the range, relative to the median.")
print("donate_*: native is pKVM without its IOMMU driver (kvm-arm.iommu_pool_size=0).")

get = {m: (mn, mp, r) for m, mn, mp, r, _, _ in rows}


def target(what, metric, ok):
    v = get.get(metric)
    if not v or v[1] is None:
        print("target %-44s %s" % (what, "not measured"))
        return
    val = v[2] if v[2] is not None else v[1]
    print("target %-44s %-8s (%s %.3g)" % (what, "met" if ok(val) else "NOT MET",
                                          "ratio" if v[2] is not None else "value", val))


print()
target("map 4K: no trap", "traps_per_map", lambda v: v == 0)
target("map 4K, 1 thread: ratio <= 1.1", "map_4k_1t_us", lambda v: v <= 1.1)
target("unmap: <= 2 traps per CMD_SYNC", "traps_per_sync", lambda v: v <= 2)
target("unmap 4K strict, 1 thread: ratio <= 1.5", "unmap_4k_1t_us", lambda v: v <= 1.5)
target("virtio-blk read >= 90% of native", "blk_read_mibs", lambda v: v >= 0.9)
target("virtio-blk write >= 90% of native", "blk_write_mibs", lambda v: v >= 0.9)
target("IOMMU memory <= 0.05% of 1 GiB", "iommu_mem_pct_1g", lambda v: v <= 0.05)
target("IOMMU memory <= 0.05% of 4 GiB", "iommu_mem_pct_4g", lambda v: v <= 0.05)

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("no PNG: python3-matplotlib is missing (scripts/deps.sh installs it)")
    sys.exit(0)
pr = [(m, r, statistics.median(p) / min(n) if n and min(n) else None,
       statistics.median(p) / max(n) if n and max(n) else None)
      for m, _, _, r, n, p in rows if r is not None]
fig, ax = plt.subplots(figsize=(10, 0.28 * len(pr) + 1.5))
ys = range(len(pr))
ax.barh(ys, [r for _, r, _, _ in pr],
        color=["#c0392b" if r > 1.5 else "#e67e22" if r > 1.1 else "#27ae60" for _, r, _, _ in pr])
for y, (_, r, hi, lo) in zip(ys, pr):
    if hi is not None and lo is not None:
        ax.plot([lo, hi], [y, y], color="black", linewidth=1)
    ax.text(r, y, " %.2f" % r, va="center", fontsize=7)
ax.set_yticks(list(ys))
ax.set_yticklabels([m for m, _, _, _ in pr], fontsize=7)
ax.invert_yaxis()
ax.axvline(1.0, color="black", linewidth=0.8)
ax.set_xlabel("pKVM / native (median of runs; line: range against the native runs)")
ax.set_title("Cost of pKVM DMA isolation (QEMU TCG: ratios only)")
fig.tight_layout()
fig.savefig(os.path.join(out, "ratios.png"), dpi=100)
PY
say "bench: build/bench/results.csv, build/bench/spread.csv, build/bench/ratios.png ($(( $(date +%s) - start ))s)"
