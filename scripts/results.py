#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the serial logs of booted scenarios into test results.

  results.py summary SCENARIO...   every result, per-scenario counts, and the
                                   closing "N passed, N failed, N skipped";
                                   exit 1 when anything failed
  results.py report SCENARIO       the short human report of one boot

A SCENARIO may also be the TAG of a boot (TAG=... scripts/boot.sh): its log
build/logs/boot-TAG.log names the scenario it booted.

Guest TAP comes from between the "# pkvm-smmuv3-tests begin/end" markers.
Host-side checks are added per scenario: the plan ran to the end, nothing
on the console looks like a kernel or hypervisor crash, and the disk image
holds what the guest wrote through the SMMU.
"""
import hashlib
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(TOP, "build"))
TAP = re.compile(r"^(ok|not ok) (\d+) - (.*?)(?: # (.*))?$")
CRASH = re.compile(r"WARNING:|BUG:|Oops|Kernel panic|Unable to handle kernel|"
                   r"hyp panic|Internal error:|Call trace:|qemu-system-aarch64: .*(assert|Abort)")


def conf(name):
    vals = {}
    with open(os.path.join(TOP, "scenarios", name + ".conf")) as f:
        for line in f:
            m = re.match(r'^([A-Z_]+)=(.*)$', line.strip())
            if m:
                vals[m.group(1)] = m.group(2).strip('"')
    return vals


def parse(name):
    """Return (results, report, lines): results are (status, name, detail)."""
    scenario = (os.path.exists(os.path.join(TOP, "scenarios", name + ".conf")) or
                os.path.exists(os.path.join(BUILD, "logs", "boot-%s.log" % name)))
    path = os.path.join(BUILD, "logs", ("boot-%s.log" if scenario else "test-%s.log") % name)
    results, report = [], {}
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip("\r\n") for l in f]
    except OSError:
        return [("fail", "boot: test plan ran to completion", "no serial log at %s" % path)], report, []
    state, plan, count, shas = None, None, 0, []
    for line in lines:
        if line.startswith("# pkvm-smmuv3-tests begin"):
            state = "tests"
            continue
        if line.startswith("# pkvm-smmuv3-tests end"):
            state = "done"
            continue
        if state != "tests":
            continue
        m = TAP.match(line)
        if m:
            count += 1
            ok, _, tname, directive = m.groups()
            directive = directive or ""
            if directive.upper().startswith("SKIP"):
                results.append(("skip", tname, directive[4:].strip()))
            else:
                results.append(("pass" if ok == "ok" else "fail", tname, directive))
            continue
        m = re.match(r"^1\.\.(\d+)$", line)
        if m:
            plan = int(m.group(1))
        m = re.match(r"^# report: ([^:]+): (.*)$", line)
        if m:
            report.setdefault(m.group(1), []).append(m.group(2))
        m = re.match(r"^# blk-sha256: (\d+) ([0-9a-f]{64})$", line)
        if m:
            shas.append((int(m.group(1)), m.group(2)))

    if not scenario:
        if state != "done" or plan != count:
            results.append(("fail", "%s: all tests ran" % name, "TAP plan %s, %d results" % (plan, count)))
        return results, report, lines
    try:
        with open(os.path.join(BUILD, "run", name, "qemu-exit")) as f:
            qemu_rc = f.read().strip()
    except OSError:
        qemu_rc = "?"
    if state == "done" and plan == count:
        results.insert(0, ("pass", "boot: test plan ran to completion", "%d guest tests" % count))
    else:
        why = {None: "the guest never started the tests", "tests": "the guest stopped mid-plan"}.get(state, "TAP plan %s but %d results" % (plan, count))
        if qemu_rc == "124":
            why += " (QEMU timed out)"
        results.insert(0, ("fail", "boot: test plan ran to completion", "%s; QEMU exit %s; last line: %s" % (why, qemu_rc, lines[-1][:100] if lines else "")))
    crash = [l for l in lines if CRASH.search(l)]
    if crash:
        results.insert(1, ("fail", "boot: no WARN/BUG/Oops/panic on the console", " | ".join(crash[:3])[:300]))
    else:
        results.insert(1, ("pass", "boot: no WARN/BUG/Oops/panic on the console", "%d console lines" % len(lines)))
    for mib, sha in shas:
        tname = "io: host disk image holds the %d MiB the guest wrote" % mib
        try:
            with open(os.path.join(BUILD, "run", name, "disk.img"), "rb") as f:
                got = hashlib.sha256(f.read(mib << 20)).hexdigest()
            results.append(("pass" if got == sha else "fail", tname, "" if got == sha else "guest %s, image %s" % (sha, got)))
        except OSError as e:
            results.append(("fail", tname, str(e)))
    return results, report, lines


def summary(names):
    total = {"pass": 0, "fail": 0, "skip": 0}
    out, table = [], []
    for name in names:
        results, _, _ = parse(name)
        c = {"pass": 0, "fail": 0, "skip": 0}
        for status, tname, detail in results:
            c[status] += 1
            tag = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[status]
            out.append("%s  [%s] %s%s" % (tag, name, tname, "  (%s)" % detail if detail else ""))
        for k in c:
            total[k] += c[k]
        table.append("  %-12s %3d passed, %3d failed, %3d skipped" % (name, c["pass"], c["fail"], c["skip"]))
    text = "\n".join(out + ["", "per scenario:"] + table + [""])
    text += "%d passed, %d failed, %d skipped\n" % (total["pass"], total["fail"], total["skip"])
    os.makedirs(os.path.join(BUILD, "results"), exist_ok=True)
    with open(os.path.join(BUILD, "results", "summary.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 1 if total["fail"] or not sum(total.values()) else 0


def booted_scenario(name, lines):
    """The scenario a boot log (possibly of a TAG) booted."""
    for line in lines:
        m = re.match(r"^# pkvm-smmuv3-tests begin scenario=(\S+)", line)
        if m and os.path.exists(os.path.join(TOP, "scenarios", m.group(1) + ".conf")):
            return m.group(1)
    return name


def report(name):
    results, rep, lines = parse(name)
    c = conf(booted_scenario(name, lines))
    pin = {}
    with open(os.path.join(TOP, "base.pin")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                pin[k] = v
    npatch = len([p for p in os.listdir(os.path.join(TOP, "patches"))
                  if re.match(r"^\d{4}-.*\.patch$", p) and not p.startswith("0000-cover")])
    first = lambda k, d="(not reported)": rep.get(k, [d])[0]
    failed = [r for r in results if r[0] == "fail"]
    print("pKVM SMMUv3 -- scenario %s: %s" % (name, c.get("DESC", "")))
    print("  kernel:     %s" % first("kernel"))
    print("  base:       Linux %s (%s %s) + %d patches of the series" % (pin.get("BASE_KERNELVERSION"), pin.get("BASE_PKG"), pin.get("BASE_VERSION"), npatch))
    print("  KVM:        %s" % first("kvm"))
    print("  SMMU:       %s" % first("smmu"))
    print("  SMMU owner: %s" % first("smmu-owner"))
    counters = {}
    for line in rep.get("smmu-counter", []):
        f = line.split()
        if len(f) == 3:
            counters.setdefault(f[0], []).append("%s %s" % (f[1], f[2]))
    for addr, vals in counters.items():
        print("  counters:   %s: %s" % (addr, ", ".join(vals)))
    for line in rep.get("smmu-counters", []):
        print("  counters:   %s" % line)
    status = {r[1]: r[0] for r in results}
    blk = next((st for n, st in status.items() if n.startswith("io: virtio-blk")), None)
    edu = status.get("edu: DMA round trip through the SMMU")
    dma = lambda st: {"pass": "DMA works", "fail": "DMA FAILED", None: "DMA not tested"}[st]
    known = {"0x1b36:0x0008": ("PCIe host bridge", "no DMA"),
             "0x1af4:0x1042": ("virtio-blk", dma(blk)),
             "0x1234:0x11e8": ("edu DMA engine", dma(edu))}
    for d in rep.get("pci-device", ["(none)"]):
        f = d.split()
        what = known.get(f[1], ("", "")) if len(f) > 1 else ("", "")
        print("  device:     %s%s" % (d, " -- %s, %s" % what if what[0] else ""))
    print("  edu DMA:    %s" % first("edu-dma"))
    print("  virtio-blk: %s" % next((("ok: " if r[0] == "pass" else "FAILED: ") + r[1] for r in results if r[1].startswith("io: virtio-blk")), "(not run)"))
    print("  isolation:  %s" % first("isolation", "(probe not run in this scenario)"))
    c = {s: sum(1 for r in results if r[0] == s) for s in ("pass", "fail", "skip")}
    print("  tests:      %d passed, %d failed, %d skipped" % (c["pass"], c["fail"], c["skip"]))
    for r in failed:
        print("  FAIL: %s (%s)" % (r[1], r[2]))
    print("  serial log: %s" % os.path.relpath(os.path.join(BUILD, "logs", "boot-%s.log" % name), os.getcwd()))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("summary", "report"):
        sys.exit(__doc__)
    sys.exit(summary(sys.argv[2:]) if sys.argv[1] == "summary" else report(sys.argv[2]))
