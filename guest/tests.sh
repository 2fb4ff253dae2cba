#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest-side tests, grouped. Usage: tests.sh GROUP... (boot io edu kunit
# selftests probe). Prints TAP test lines and "# report: key: value" lines;
# the plan line comes last.
N=0
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^pkvmtest\.$1=//p" | tail -n 1; }
ok() { N=$((N + 1)); echo "ok $N - $1${2:+ # $2}"; }
notok() { N=$((N + 1)); echo "not ok $N - $1${2:+ # $2}"; }
skip() { N=$((N + 1)); echo "ok $N - $1 # SKIP $2"; }
report() { echo "# report: $1: $2"; }
config_has() { zcat /proc/config.gz 2>/dev/null | grep -qx "$1"; }

group_boot() {
	expect=$(arg kvm)
	case "$expect" in
	hvhe) want="Protected hVHE mode initialized successfully" ;;
	nvhe) want="Protected nVHE mode initialized successfully" ;;
	native) want="Hyp nVHE mode initialized successfully" ;;
	none) want="HYP mode not available" ;;
	*) want="(unknown expectation '$expect')" ;;
	esac
	got=$(dmesg | sed -n 's/.*kvm \[[0-9]*\]: \(.*mode initialized successfully\|HYP mode not available\).*/\1/p' | head -n 1)
	report kernel "$(uname -r) ($(uname -v))"
	report kvm "${got:-KVM did not initialise}"
	if [ "$got" = "$want" ]; then ok "boot: kvm: $want"; else notok "boot: kvm: $want" "got '${got:-nothing}'"; fi

	smmu=$(ls -d /sys/bus/platform/drivers/arm-smmu-v3/*smmuv3* 2>/dev/null | head -n 1)
	report smmu "$(dmesg | grep -m1 -o 'arm-smmu-v3 [^ ]*: .*features.*' || echo none)"
	if config_has CONFIG_ARM_SMMU_V3_PKVM=y && dmesg | grep -q 'pkvm.*smmu'; then
		report smmu-owner "hypervisor (EL2); the host arm-smmu-v3 driver runs on the emulated SMMU"
	elif [ -n "$smmu" ]; then
		report smmu-owner "host kernel: arm-smmu-v3 programs the hardware directly (no pKVM SMMUv3 driver)"
	else
		report smmu-owner "nobody (no SMMU driver bound)"
	fi
	if [ -n "$smmu" ]; then ok "boot: arm-smmu-v3 bound to $(basename "$smmu")"; else notok "boot: arm-smmu-v3 bound" "no device under /sys/bus/platform/drivers/arm-smmu-v3"; fi

	missing="" total=0
	for d in /sys/bus/pci/devices/*; do
		total=$((total + 1))
		if [ -e "$d/iommu_group" ]; then
			report pci-device "$(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") iommu_group $(basename "$(readlink "$d/iommu_group")")"
		else
			missing="$missing $(basename "$d")"
		fi
	done
	if [ "$total" -gt 0 ] && [ -z "$missing" ]; then ok "boot: all $total PCI devices in an IOMMU group"
	else notok "boot: all PCI devices in an IOMMU group" "$total devices, without group:${missing:- none}"; fi

}

group_io() {
	mib=${1:-4}
	if [ ! -b /dev/vda ]; then notok "io: virtio-blk $mib MiB write/read checksum" "no /dev/vda"; return; fi
	dd if=/dev/urandom of=/tmp/blk bs=1M count="$mib" 2>/dev/null
	w=$(sha256sum </tmp/blk | cut -d' ' -f1)
	dd if=/tmp/blk of=/dev/vda bs=1M conv=fsync 2>/dev/null
	rm -f /tmp/blk
	echo 3 >/proc/sys/vm/drop_caches
	r=$(dd if=/dev/vda bs=1M count="$mib" 2>/dev/null | sha256sum | cut -d' ' -f1)
	echo "# blk-sha256: $mib $w"
	if [ "$w" = "$r" ]; then ok "io: virtio-blk $mib MiB write/read checksum"
	else notok "io: virtio-blk $mib MiB write/read checksum" "wrote $w read $r"; fi
}

edu_load() {
	[ -d /sys/kernel/debug/pkvm_edu ] && return 0
	insmod /lib/modules/pkvm_edu.ko 2>/tmp/insmod.out || { cat /tmp/insmod.out; return 1; }
	[ -d /sys/kernel/debug/pkvm_edu ]
}

group_edu() {
	if ! edu_load; then notok "edu: driver bound" "$(cat /tmp/insmod.out 2>/dev/null)"; return; fi
	dev=$(basename "$(readlink /sys/bus/pci/drivers/pkvm_edu/0000:* 2>/dev/null | head -n 1)")
	if [ -e "/sys/bus/pci/devices/$dev/iommu_group" ]; then ok "edu: driver bound to $dev behind the SMMU"
	else notok "edu: driver bound behind the SMMU" "device '$dev' has no IOMMU group"; fi
	res=$(cat /sys/kernel/debug/pkvm_edu/roundtrip)
	report edu-dma "$res"
	case "$res" in pass*) ok "edu: DMA round trip through the SMMU" "$res" ;; *) notok "edu: DMA round trip through the SMMU" "$res" ;; esac
}

group_kunit() {
	# A suite passes only if it ran a non-empty plan of cases and every
	# case is "ok" (at the case indentation: 4 spaces, KUNIT_SUBTEST_INDENT).
	for s in arm-smmu-v3-kunit-test io-pgtable-arm-test; do
		f=/sys/kernel/debug/kunit/$s/results
		if [ ! -f "$f" ]; then notok "kunit: $s" "suite not built (no $f)"; continue; fi
		plan=$(sed -n 's/^    1\.\.\([0-9]*\)$/\1/p' "$f" | head -n 1)
		pass=$(grep -cE '^    ok [0-9]+ [^#]*$' "$f")
		skipped=$(grep -cE '^    ok [0-9]+ .*# SKIP' "$f")
		fail=$(grep -cE '^    not ok [0-9]+ ' "$f")
		if [ "${plan:-0}" -gt 0 ] && [ "$fail" -eq 0 ] && [ $((pass + skipped)) -eq "$plan" ] &&
		   grep -qE "^ok [0-9]+ $s" "$f"; then
			ok "kunit: $s" "$pass of $plan cases passed, $skipped skipped"
		else
			notok "kunit: $s" "plan ${plan:-none}: $pass passed, $skipped skipped, $fail failed: $(grep -E '^    not ok' "$f" | head -n 3 | tr '\n' ' ')"
		fi
	done
}

group_selftests() {
	list=/selftests/kvm/curated.list
	[ -f "$list" ] || { notok "kvm selftests" "no $list in the initramfs"; return; }
	grep -vE '^[[:space:]]*(#|$)' "$list" >/tmp/st.list
	while read -r t secs args; do
		bin=/selftests/kvm/$t
		if [ ! -x "$bin" ]; then notok "kvm selftest: $t" "not built"; continue; fi
		start=$(date +%s)
		# shellcheck disable=SC2086
		timeout "$secs" "$bin" $args >/tmp/st.out 2>&1
		rc=$?
		ST_RUN=$((${ST_RUN:-0} + 1))
		d="$(( $(date +%s) - start ))s"
		case $rc in
		0) ok "kvm selftest: $t" "$d" ;;
		4) skip "kvm selftest: $t" "$(grep -m1 -i skip /tmp/st.out | cut -c1-120)" ;;
		124|143) notok "kvm selftest: $t" "timed out after ${secs}s" ;;
		*) notok "kvm selftest: $t" "exit $rc: $(tail -n 2 /tmp/st.out | tr '\n' ' ' | cut -c1-160)" ;;
		esac
	done </tmp/st.list
}

# The hypervisor's IOMMU identity map, checked against the host ownership:
# at boot by the hypervisor (after its ownership selftest), then on demand
# through debugfs (after the KVM selftests have donated, shared and
# reclaimed pages for their VMs when run after the selftests group).
IDMAP_RUN=0
group_idmap() {
	IDMAP_RUN=$((IDMAP_RUN + 1))
	if ! config_has CONFIG_PKVM_IOMMU=y || ! config_has CONFIG_NVHE_EL2_DEBUG=y; then
		skip "idmap: identity map check (run $IDMAP_RUN)" "needs CONFIG_PKVM_IOMMU=y and CONFIG_NVHE_EL2_DEBUG=y"
		return
	fi
	if [ "$IDMAP_RUN" -eq 1 ]; then
		line=$(dmesg | grep -m1 'IOMMU identity map check (boot)')
		pool=$(dmesg | grep -m1 -o 'IOMMU pool: .*')
		used=$(dmesg | grep -m1 -o 'IOMMU identity map: .*')
		report idmap-pool "${pool:-none}; ${used:-none}"
		case "$line" in
		*": 0 violations, "*) ok "idmap: boot-time check by the hypervisor" "${line#*: }" ;;
		"") notok "idmap: boot-time check by the hypervisor" "no check reported at boot" ;;
		*) notok "idmap: boot-time check by the hypervisor" "${line#*: }" ;;
		esac
	fi
	f=/sys/kernel/debug/pkvm_iommu/idmap_check
	name="idmap: check after ${ST_RUN:-0} KVM selftests (run $IDMAP_RUN)"
	if ! cat "$f" >/tmp/idmap.out 2>&1; then
		notok "$name" "reading $f: $(cat /tmp/idmap.out)"
		return
	fi
	v=$(sed -n 's/^violations //p' /tmp/idmap.out)
	acc=$(sed -n 's/^host_accessible_pages //p' /tmp/idmap.out)
	map=$(sed -n 's/^mapped_pages //p' /tmp/idmap.out)
	first=$(sed -n 's/^first_violation //p' /tmp/idmap.out)
	res="$v violations, $map of $acc host-accessible memory pages mapped"
	report "idmap-run$IDMAP_RUN" "$res"
	if [ "$v" = 0 ] && [ -n "$acc" ] && [ "$acc" -gt 0 ] && [ "$acc" = "$map" ]; then
		ok "$name" "$res"
	else
		notok "$name" "$res (first violation at $first)"
	fi
}

# The isolation probe. Two attacks through an identity IOMMU domain chosen
# by the host: (1) peek: DMA-read the hypervisor's hyp_memory[0].base (hyp
# .bss), whose value the host knows (its first RAM base): reading exactly
# that value proves a leak, where zeros prove nothing; (2) probe: DMA-read 32
# pages of the hypervisor's carve-out and DMA-write a canary page there.
group_probe() {
	name="isolation: device DMA to hypervisor memory is blocked"
	line=$(dmesg | grep -m1 -o 'Reserved [0-9]* MiB at 0x[0-9a-f]*')
	va=$(sed -n 's/^hyp_memory //p' /hyp-symbols 2>/dev/null)
	ram=$(sed -n 's/^\([0-9a-f]*\)-[0-9a-f]* : System RAM$/\1/p' /proc/iomem | head -n 1)
	if [ -z "$line" ] || [ -z "$va" ] || [ -z "$ram" ]; then
		notok "$name" "missing input: reserved '${line}', hyp_memory va '${va}', first RAM '${ram}'"
		return
	fi
	mib=$(echo "$line" | cut -d' ' -f2) base=$(echo "$line" | cut -d' ' -f5)
	if ! edu_load; then notok "$name" "edu driver: $(cat /tmp/insmod.out)"; return; fi
	echo "$va 0x$ram" >/sys/kernel/debug/pkvm_edu/peek
	cat /sys/kernel/debug/pkvm_edu/peek >/tmp/peek.out
	echo "$base $(printf '%x' $((mib << 20)))" >/sys/kernel/debug/pkvm_edu/probe
	cat /sys/kernel/debug/pkvm_edu/probe >/tmp/probe.out
	sed 's/^/# probe: /' /tmp/peek.out /tmp/probe.out
	peek=$(sed -n 's/^result: //p' /tmp/peek.out)
	probe=$(sed -n 's/^result: //p' /tmp/probe.out)
	pa=$(sed -n 's/^peek: \(0x[0-9a-f]*\) .*/\1/p' /tmp/peek.out)
	val=$(sed -n 's/^peek: .*: read \(0x[0-9a-f]*\),.*/\1/p' /tmp/peek.out)
	pages=$(sed -n 's/^read: \([0-9]*\) of .*/\1/p' /tmp/probe.out)
	nz=$(sed -n 's/^read: .*: \([0-9]*\) non-zero bytes.*/\1/p' /tmp/probe.out)
	written=no
	grep -q '^write: .*: written' /tmp/probe.out && written=yes
	case "$peek/$probe" in
	leaked/*|*/leaked) ;;
	blocked/blocked) ;;
	*) notok "$name" "probe failed: $(cat /tmp/peek.out /tmp/probe.out | tr '\n' ' ')"; return ;;
	esac
	hyp="hyp_memory[0].base at $pa read as $val (the host's first RAM base is 0x$ram)"
	carve="$pages sampled pages of the $mib MiB carve-out at $base ($nz bytes non-zero)"
	if [ "$peek/$probe" = blocked/blocked ]; then
		summary="BLOCKED: $hyp; $carve; canary page not written"
	else
		bytes=0
		[ "$peek" = leaked ] && bytes=4096
		# A canary read back proves that reads of the carve-out got through.
		[ "$written" = yes ] && bytes=$((bytes + (pages + 1) * 4096))
		summary="NOT ENFORCED: a device read $bytes bytes of hypervisor memory ($hyp; $carve)"
		[ "$written" = yes ] && summary="$summary and wrote a canary page there"
	fi
	report isolation "$summary"
	if config_has CONFIG_ARM_SMMU_V3_PKVM=y; then
		if [ "$peek/$probe" = blocked/blocked ]; then ok "$name" "$summary"; else notok "$name" "$summary"; fi
	elif [ "$peek" = leaked ] && [ "$written" = yes ]; then
		skip "$name" "CONFIG_ARM_SMMU_V3_PKVM is not set; $summary"
	else
		# Without the driver nothing stops the device: a probe that does
		# not see the leak here is broken and would report a false BLOCKED.
		notok "$name" "the probe did not reproduce the known leak on a kernel without DMA isolation: $summary"
	fi
}

for g in "$@"; do
	case "$g" in
	boot|io|edu|kunit|selftests|idmap|probe) "group_$g" ;;
	*) notok "unknown test group '$g'" ;;
	esac
done
echo "1..$N"
