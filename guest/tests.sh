#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest-side tests, grouped. Usage: tests.sh GROUP... (boot io edu kunit
# selftests idmap probe vfio smmu attack stress). Prints TAP test lines and "# report: key:
# value" lines; the plan line comes last.
# shellcheck source=SCRIPTDIR/lib.sh
. /lib.sh
N=0
ok() { N=$((N + 1)); echo "ok $N - $1${2:+ # $2}"; }
notok() { N=$((N + 1)); echo "not ok $N - $1${2:+ # $2}"; }
skip() { N=$((N + 1)); echo "ok $N - $1 # SKIP $2"; }
report() { echo "# report: $1: $2"; }
config_has() { zcat /proc/config.gz 2>/dev/null | grep -qx "$1"; }
protected() { case "$(arg kvm)" in hvhe|nvhe) return 0 ;; esac; return 1; }

# What the scenario expects of the SMMU (pkvmtest.smmu= in its CMDLINE),
# decided by the scenario, never by what the kernel printed:
#   nested  pKVM owns the SMMU, the host's arm-smmu-v3 runs on the emulated one
#   s2only  pKVM owns the SMMU, the host has no stage 1: its arm-smmu-v3 binds
#           with identity and blocked domains only;
#           DMA is untranslated, isolated by pKVM's stage 2
#   s1only  pKVM refuses the SMMU (no stage 2): the host drives the hardware,
#           DMA is not isolated (the documented refusal path)
#   native  the host drives the hardware (no pKVM, or no pKVM SMMUv3 driver)
smmu_expect() {
	if ! config_has CONFIG_ARM_SMMU_V3_PKVM=y || ! protected; then
		echo native
		return
	fi
	e=$(arg smmu)
	echo "${e:-unset}"
}

# Kernel log lines that tell who owns the SMMU.
EMULATED="emulated by pKVM: DMA isolated by the hypervisor's stage 2"
STARTED="IOMMU driver started, DMA isolation enforced"
NO_S1="no stage 1 for the host: identity and blocked domains only, isolated by pKVM's stage 2"
REFUSED="refused by pKVM: no stage 2 with AArch64 tables"
NOT_STARTED="IOMMU driver failed to start: -19, DMA is not isolated"
LEFT="SMMUs left to the host driver, DMA is not isolated"
# kmsg PREFIX-REGEX TEXT: the kernel log has a line from PREFIX holding TEXT.
kmsg() { dmesg | grep -E "$1" | grep -qF "$2"; }
kmsg_line() { dmesg | grep -E "$1" | grep -F "$2" | head -n 1 | sed 's/^\[[^]]*\] //'; }
KVM_PFX='kvm \[[0-9]+\]: '
PKVM_PFX='arm-smmu-v3-pkvm: '
SMMU_PFX='arm-smmu-v3 [^ ]+: '
# The SMMUv3 nodes of the device tree.
smmu_nodes() {
	for c in /sys/firmware/devicetree/base/*/compatible; do
		[ -f "$c" ] && tr '\0' '\n' <"$c" | grep -qx 'arm,smmu-v3' && dirname "$c"
	done
}

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

	exp=$(smmu_expect)
	smmu=$(ls -d /sys/bus/platform/drivers/arm-smmu-v3/*smmuv3* 2>/dev/null | head -n 1)
	feat=$(dmesg | grep -m1 -o 'arm-smmu-v3 [^ ]*: .*features.*')
	[ -n "$feat" ] || feat=$(kmsg_line "$SMMU_PFX" "$NO_S1")
	report smmu "${feat:-none}"
	report smmu-expected "$exp"
	# Who owns the SMMU, as the kernel log and the driver binding tell.
	if kmsg "$SMMU_PFX" "$NO_S1"; then
		report smmu-owner "hypervisor (EL2); no stage 1 for the host: its arm-smmu-v3 driver runs on the emulated SMMU with identity and blocked domains only, DMA isolated by pKVM's stage 2"
	elif kmsg "$SMMU_PFX" "$EMULATED"; then
		report smmu-owner "hypervisor (EL2); the host arm-smmu-v3 driver runs on the emulated SMMU, DMA isolated by pKVM's stage 2"
	elif [ -n "$smmu" ] && kmsg "$PKVM_PFX" "$LEFT"; then
		report smmu-owner "host kernel: pKVM refused the SMMU, arm-smmu-v3 programs the hardware directly; DMA is not isolated"
	elif [ -n "$smmu" ]; then
		report smmu-owner "host kernel: arm-smmu-v3 programs the hardware directly (pKVM does not own the SMMU)"
	else
		report smmu-owner "nobody (no SMMU driver bound)"
	fi

	started=no emulated=no nos1=no refused=no notstarted=no left=no
	kmsg "$KVM_PFX" "$STARTED" && started=yes
	kmsg "$SMMU_PFX" "$EMULATED" && emulated=yes
	kmsg "$SMMU_PFX" "$NO_S1" && nos1=yes
	kmsg "$PKVM_PFX" "$REFUSED" && refused=yes
	kmsg "$KVM_PFX" "$NOT_STARTED" && notstarted=yes
	kmsg "$PKVM_PFX" "$LEFT" && left=yes
	seen="kernel log: driver started $started, emulated $emulated, no stage 1 $nos1, refused $refused, failed to start $notstarted, left to the host $left"
	bound=${smmu:+$(basename "$smmu")}
	case "$exp" in
	nested|s2only)
		name="boot: pKVM's IOMMU driver started (DMA isolation enforced)"
		if [ "$started" = yes ] && [ "$left" = no ]; then ok "$name"; else notok "$name" "$seen"; fi
		;;
	s1only)
		name="boot: s1only: pKVM refuses the SMMU (no stage 2), DMA is not isolated (documented refusal)"
		if [ "$refused/$notstarted/$left/$started" = yes/yes/yes/no ]; then
			ok "$name" "$(kmsg_line "$PKVM_PFX" "$REFUSED")"
		else
			notok "$name" "$seen"
		fi
		;;
	esac
	case "$exp" in
	nested)
		name="boot: arm-smmu-v3 bound to the SMMU emulated by pKVM"
		if [ -n "$bound" ] && [ "$emulated" = yes ]; then ok "$name" "$bound"
		else notok "$name" "bound to '${bound:-nothing}'; $seen"; fi
		;;
	s2only)
		# The host gets no stage 1: its driver binds to the emulated SMMU
		# with identity and blocked domains only, and the device tree is
		# left as the firmware wrote it.
		status="" other=""
		for n in $(smmu_nodes); do
			st=$(tr -d '\0' <"$n/status" 2>/dev/null)
			status="$status $(basename "$n"):${st:-okay}"
			[ "${st:-okay}" = okay ] || other="$other $(basename "$n")"
		done
		name="boot: s2only: no stage 1 for the host, arm-smmu-v3 bound with identity and blocked domains only, device tree untouched"
		if [ "$nos1" = yes ] && [ "$emulated" = yes ] && [ -n "$bound" ] &&
		   [ -n "$status" ] && [ -z "$other" ]; then
			ok "$name" "$bound; SMMU node status:$status"
		else
			notok "$name" "bound to '${bound:-nothing}', SMMU node status:${status:- no SMMU node}; $seen"
		fi
		;;
	s1only|native)
		name="boot: arm-smmu-v3 bound to the hardware"
		if [ -n "$bound" ] && [ "$emulated" = no ]; then ok "$name" "$bound"
		else notok "$name" "bound to '${bound:-nothing}', emulated by pKVM: $emulated"; fi
		;;
	*)
		notok "boot: SMMU expectation of the scenario" "pkvmtest.smmu is '$exp', not nested, s2only, s1only or native"
		;;
	esac

	missing="" grouped="" total=0 notid=""
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d" ] || continue
		total=$((total + 1))
		id="$(basename "$d") $(cat "$d/vendor"):$(cat "$d/device")"
		if [ -e "$d/iommu_group" ]; then
			type=$(cat "$d/iommu_group/type" 2>/dev/null)
			report pci-device "$id iommu_group $(basename "$(readlink "$d/iommu_group")") ${type:-?}"
			grouped="$grouped $(basename "$d")"
			[ "$type" = identity ] || notid="$notid $(basename "$d"):${type:-?}"
		else
			report pci-device "$id no iommu_group"
			missing="$missing $(basename "$d")"
		fi
	done
	if [ "$exp" = s2only ]; then
		name="boot: s2only: every PCI device in an identity IOMMU group (expected: DMA untranslated, isolated by pKVM's stage 2)"
		if [ "$total" -gt 0 ] && [ -z "$missing" ] && [ -z "$notid" ]; then ok "$name" "$total devices"
		else notok "$name" "$total devices, without a group:${missing:- none}, not identity:${notid:- none}"; fi
	elif [ "$total" -gt 0 ] && [ -z "$missing" ]; then ok "boot: all $total PCI devices in an IOMMU group"
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

# Load pkvm_edu; on failure EDU_ERR says why.
edu_load() {
	[ -d /sys/kernel/debug/pkvm_edu ] && return 0
	if [ ! -d /sys/module/pkvm_edu ] && ! insmod /lib/modules/pkvm_edu.ko 2>/tmp/insmod.out; then
		EDU_ERR="insmod: $(cat /tmp/insmod.out)"
		return 1
	fi
	[ -d /sys/kernel/debug/pkvm_edu ] && return 0
	EDU_ERR="pkvm_edu is loaded but bound no device: $(dmesg | grep -E 'pkvm_edu|0000:00:0[0-9]\.0' | tail -n 3 | tr '\n' ' ')"
	return 1
}

edu_dev() { basename "$(readlink /sys/bus/pci/drivers/pkvm_edu/0000:* 2>/dev/null | head -n 1)"; }

group_edu() {
	exp=$(smmu_expect)
	if ! edu_load; then notok "edu: driver bound" "$EDU_ERR"; return; fi
	dev=$(edu_dev)
	if [ "$exp" = s2only ]; then
		type=$(cat "/sys/bus/pci/devices/$dev/iommu_group/type" 2>/dev/null)
		if [ "$type" = identity ]; then
			ok "edu: s2only: driver bound to $dev, in an identity IOMMU group (expected: no stage 1 for the host)"
		else
			notok "edu: s2only: driver bound, device in an identity IOMMU group" "device '$dev', group type '${type:-none}'"
		fi
	elif [ -e "/sys/bus/pci/devices/$dev/iommu_group" ]; then ok "edu: driver bound to $dev behind the SMMU"
	else notok "edu: driver bound behind the SMMU" "device '$dev' has no IOMMU group"; fi
	res=$(cat /sys/kernel/debug/pkvm_edu/roundtrip)
	report edu-dma "$res"
	case "$res" in pass*) ok "edu: DMA round trip through the SMMU" "$res" ;; *) notok "edu: DMA round trip through the SMMU" "$res" ;; esac
	if [ "$exp" = s2only ]; then
		# With an identity domain the DMA API is dma-direct: the device
		# is given physical addresses, which pKVM's stage 2 checks.
		dma=$(echo "$res" | sed -n 's/.* dma \(0x[0-9a-f]*\) -> \(0x[0-9a-f]*\),.*/\1 \2/p')
		phys=$(echo "$res" | sed -n 's/.* phys \(0x[0-9a-f]*\) -> \(0x[0-9a-f]*\)[,;].*/\1 \2/p')
		name="edu: s2only: the DMA API gives the device physical addresses (dma-direct)"
		case "$res" in
		*"identity domain (dma-direct)"*)
			if [ -n "$dma" ] && [ "$dma" = "$phys" ]; then ok "$name" "dma $dma, phys $phys"
			else notok "$name" "dma '$dma', phys '$phys'"; fi
			;;
		*) notok "$name" "$res" ;;
		esac
	fi
}

group_kunit() {
	# A suite passes only if it ran a non-empty plan of cases and every
	# case is "ok" (at the case indentation: 4 spaces, KUNIT_SUBTEST_INDENT).
	suites="arm-smmu-v3-kunit-test io-pgtable-arm-test"
	config_has CONFIG_ARM_SMMU_V3_PKVM_KUNIT_TEST=y && suites="$suites arm-smmu-v3-pkvm-emul"
	for s in $suites; do
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
	# pkvmtest.selftests=A,B,...: the scenario runs only these of the list.
	sel=$(arg selftests)
	if [ -n "$sel" ]; then
		for t in $(echo "$sel" | tr ',' ' '); do
			grep -q "^$t " /tmp/st.list ||
				notok "kvm selftest: $t" "in pkvmtest.selftests but not in $list"
		done
		awk -v sel=",$sel," 'index(sel, "," $1 ",")' /tmp/st.list >/tmp/st.sel
		mv /tmp/st.sel /tmp/st.list
		report selftests "pkvmtest.selftests: $sel"
	fi
	# The hypervisor's SMMU invalidations before the VMs run (smmu group).
	for f in /sys/kernel/debug/iommu/pkvm/smmuv3-*; do
		[ -f "$f" ] && [ ! -f "/tmp/smmu-inv0.${f##*/}" ] &&
			sed -n 's/^invalidations \([0-9][0-9]*\)$/\1/p' "$f" >"/tmp/smmu-inv0.${f##*/}"
	done
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
	f=/sys/kernel/debug/iommu/pkvm/idmap_check
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

# The isolation probe. Two attacks on hypervisor memory by the edu device,
# through an identity IOMMU domain chosen by the host when the device is
# behind the host's IOMMU, else (s2only) straight at physical addresses:
# (1) peek: DMA-read the hypervisor's hyp_memory[0].base (hyp .bss), whose
# value the host knows (its first RAM base): reading exactly that value
# proves a leak, where zeros prove nothing; (2) probe: DMA-read 32 pages of
# the hypervisor's carve-out and DMA-write a canary page there.
PROBE_RESULT=""
group_probe() {
	name="isolation: device DMA to hypervisor memory is blocked"
	exp=$(smmu_expect)
	if ! protected; then
		skip "$name" "no pKVM in this scenario (pkvmtest.kvm=$(arg kvm)): no hypervisor carve-out to attack"
		return
	fi
	line=$(dmesg | grep -m1 -o 'Reserved [0-9]* MiB at 0x[0-9a-f]*')
	va=$(sed -n 's/^hyp_memory //p' /hyp-symbols 2>/dev/null)
	ram=$(sed -n 's/^\([0-9a-f]*\)-[0-9a-f]* : System RAM$/\1/p' /proc/iomem | head -n 1)
	if [ -z "$line" ] || [ -z "$va" ] || [ -z "$ram" ]; then
		notok "$name" "missing input: reserved '${line}', hyp_memory va '${va}', first RAM '${ram}'"
		return
	fi
	mib=$(echo "$line" | cut -d' ' -f2) base=$(echo "$line" | cut -d' ' -f5)
	if ! edu_load; then notok "$name" "edu driver: $EDU_ERR"; return; fi
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
	# How the device was pointed at hypervisor memory: an identity domain
	# when it is behind the host's IOMMU, physical addresses otherwise.
	how=physical
	grep -q '^control: .*identity domain' /tmp/peek.out && how=identity
	PROBE_RESULT="$peek/$probe" PROBE_PEEK=0 PROBE_BASE=$base PROBE_SIZE=$((mib << 20))
	case "$pa" in 0x[0-9a-f]*) PROBE_PEEK=$(printf '0x%x' $((pa & ~0xfff))) ;; esac
	hyp="hyp_memory[0].base at $pa read as $val (the host's first RAM base is 0x$ram)"
	carve="$pages sampled pages of the $mib MiB carve-out at $base ($nz bytes non-zero)"
	via="through an identity IOMMU domain"
	[ "$how" = physical ] && via="at physical addresses (no paging domain)"
	if [ "$peek/$probe" = blocked/blocked ]; then
		summary="BLOCKED: DMA $via: $hyp; $carve; canary page not written"
	else
		bytes=0
		[ "$peek" = leaked ] && bytes=4096
		# A canary read back proves that reads of the carve-out got through.
		[ "$written" = yes ] && bytes=$((bytes + (pages + 1) * 4096))
		summary="NOT ENFORCED: DMA $via: a device read $bytes bytes of hypervisor memory ($hyp; $carve)"
		[ "$written" = yes ] && summary="$summary and wrote a canary page there"
	fi
	report isolation "$summary"
	want=identity
	[ "$exp" = s2only ] && want=physical
	if [ "$how" != "$want" ]; then
		notok "$name" "the probe attacked $via, expected $want for pkvmtest.smmu=$exp: $summary"
		return
	fi
	case "$exp" in
	nested|s2only)
		if [ "$peek/$probe" = blocked/blocked ]; then ok "$name" "$summary"; else notok "$name" "$summary"; fi
		;;
	s1only)
		# The documented refusal path: pKVM refused the SMMU, the host
		# drives it, and nothing stops a device.
		name="isolation: s1only: pKVM refused the SMMU, device DMA is not isolated (documented refusal)"
		missing=""
		kmsg "$PKVM_PFX" "$REFUSED" || missing="$missing '$REFUSED'"
		kmsg "$KVM_PFX" "$NOT_STARTED" || missing="$missing '$NOT_STARTED'"
		kmsg "$PKVM_PFX" "$LEFT" || missing="$missing '$LEFT'"
		if [ -n "$missing" ]; then
			notok "$name" "refusal not in the kernel log (missing$missing): $summary"
		elif [ "$peek" = leaked ] && [ "$written" = yes ]; then
			ok "$name" "as documented: pKVM still isolates CPU accesses to its memory, but devices can reach all memory, including the hypervisor's: $summary"
		else
			notok "$name" "unexpected: the probe was not let through although pKVM refused the SMMU: $summary"
		fi
		;;
	native)
		if [ "$peek" = leaked ] && [ "$written" = yes ]; then
			if config_has CONFIG_ARM_SMMU_V3_PKVM=y; then
				skip "$name" "pKVM's SMMUv3 driver does not own the SMMU here, nothing isolates DMA; $summary"
			else
				skip "$name" "CONFIG_ARM_SMMU_V3_PKVM is not set; $summary"
			fi
		else
			# Without pKVM's driver nothing stops the device: a probe
			# that does not see the leak here is broken and would
			# report a false BLOCKED.
			notok "$name" "the probe did not reproduce the known leak without DMA isolation: $summary"
		fi
		;;
	*)
		notok "$name" "pkvmtest.smmu is '$exp', not nested, s2only, s1only or native: $summary"
		;;
	esac
}

# The edu device handed to userspace through VFIO: the protected-VM DMA test
# (KVM selftest arm64/pvm_dma_isolation), then the VFIO selftests, which
# drive edu with the VFIO library's edu driver. Afterwards edu goes back to
# pkvm_edu for the groups that follow.
EDU_ID="0x1234 0x11e8"
edu_bdf() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor") $(cat "$d/device")" = "$EDU_ID" ] && basename "$d" && return
	done
}
pci_driver() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null; }
# pci_rebind BDF DRIVER: move the device to DRIVER ("" = whichever matches).
pci_rebind() {
	d=/sys/bus/pci/devices/$1
	[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
	echo "$2" >"$d/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ -n "$2" ] || return 0
	[ "$(pci_driver "$1")" = "$2" ]
}

# kselftest SECS TEST [VAR=VALUE...]: run one installed kselftest (TEST is
# COLLECTION:NAME as in kselftest-list.txt) through run_kselftest.sh, with
# the environment given, under a timeout of SECS. The test's own output,
# without the runner's "# " prefix and lines, goes to /tmp/vfio.out, the
# runner's output to /tmp/kst.out. Returns the test's exit status as the
# runner reports it (0 ok, 4 skip, N for "exit=N"), or the timeout's.
kselftest() {
	ks_secs=$1 ks_t=$2
	shift 2
	# Appending: the runner reopens /dev/stdout for the test's output.
	: >/tmp/kst.out
	(cd /kselftest && env "$@" timeout "$ks_secs" ./run_kselftest.sh -t "$ks_t") >>/tmp/kst.out 2>&1
	ks_rc=$?
	grep -v '^# selftests: \|^# timeout set to' /tmp/kst.out | sed -n 's/^# //p' >/tmp/vfio.out
	ks_v=$(grep -E "^(not )?ok [0-9]+ selftests: ${ks_t%%:*}: ${ks_t#*:}( |\$)" /tmp/kst.out | tail -n 1)
	case $ks_v in
	"") return "$ks_rc" ;;
	"ok "*"# SKIP"*) return 4 ;;
	"ok "*) return 0 ;;
	*"# exit="*) return "${ks_v##*# exit=}" ;;
	*) return 1 ;;
	esac
}

# vfio_tap NAME: run the TAP output in /tmp/vfio.out through as our own
# results, "vfio: NAME: <description>".
vfio_tap() {
	sed -n 's/^\(not ok\|ok\) [0-9]* \(.*\)$/\1|\2/p' /tmp/vfio.out >/tmp/vfio.tap
	while IFS='|' read -r res desc; do
		case "$res/$desc" in
		*"# SKIP"*) skip "vfio: $1: ${desc%% # SKIP*}" "${desc#*# SKIP }" ;;
		ok/*) ok "vfio: $1: $desc" ;;
		*) notok "vfio: $1: $desc" ;;
		esac
	done </tmp/vfio.tap
}

group_vfio() {
	exp=$(smmu_expect)
	dev=$(edu_bdf)
	if [ -z "$dev" ]; then notok "vfio: edu device present" "no PCI device $EDU_ID"; return; fi
	if [ "$exp" = s2only ]; then
		skip "vfio: edu through VFIO" "s2only: no stage 1 for the host, whose SMMU offers identity and blocked domains only; VFIO needs a paging domain"
		return
	fi
	if ! pci_rebind "$dev" vfio-pci; then
		notok "vfio: edu bound to vfio-pci" "bound to '$(pci_driver "$dev")': $(dmesg | grep -E 'vfio' | tail -n 2 | tr '\n' ' ')"
		pci_rebind "$dev" ""
		return
	fi
	ok "vfio: edu ($dev) bound to vfio-pci"

	# First the protected VM: arm-smmu-v3 rate-limits its fault reports (10
	# per 5 s), and the probe's or the VFIO tests' faults would use them
	# up; the scenarios run this group before the probe.
	kselftest 150 kvm:pvm_dma_isolation VFIO_SELFTESTS_BDF="$dev"
	rc=$?
	sed 's/^/# pvm_dma_isolation: /' /tmp/vfio.out
	case "$exp/$rc" in
	*/4)
		skip "vfio: pvm_dma_isolation" "$(grep -m1 -iE 'skip|requirement|no protected' /tmp/vfio.out | cut -c1-160)"
		;;
	s1only/*)
		# The documented refusal path: nothing stops the device.
		name="vfio: s1only: pKVM refused the SMMU, a device reaches a protected VM's memory (documented refusal)"
		leaks=$(grep -cE '^not ok [0-9]+ private page' /tmp/vfio.out)
		works=$(grep -cE '^ok [0-9]+ (shared page|device reaches)' /tmp/vfio.out)
		if [ "$leaks" -eq 3 ] && [ "$works" -eq 3 ]; then
			ok "$name" "as documented: pKVM still keeps the host's CPUs out of the VM's memory, but not devices"
		else
			notok "$name" "exit $rc, private-page checks failed $leaks of 3, device checks passed $works of 3"
		fi
		;;
	*)
		vfio_tap pvm_dma_isolation
		[ "$rc" = 0 ] || grep -q '^ok\|^not ok' /tmp/vfio.out ||
			notok "vfio: pvm_dma_isolation" "exit $rc: $(tail -n 3 /tmp/vfio.out | tr '\n' ' ' | cut -c1-200)"
		[ "$rc" = 0 ] || [ "$rc" = 1 ] ||
			notok "vfio: pvm_dma_isolation ran to the end" "exit $rc"
		;;
	esac

	# The VFIO selftests, one result per program with the harness totals.
	# The driver test sets up a 1 GiB buffer per case (4-5 s under TCG):
	# run its cases (a copy, copies from and to an IOVA that is not mapped,
	# the device's MSI, a burst of copies) in the one IOMMU interface the
	# scenario names (pkvmtest.vfio, a variant: iommufd,
	# vfio_type1v2_iommu, ...), and not at all in scenarios that do not
	# name one.
	mode=$(arg vfio)
	if [ -z "$mode" ]; then
		pci_rebind "$dev" ""
		return
	fi
	driver_cases=""
	for c in memcpy_success memcpy_from_unmapped_iova memcpy_to_unmapped_iova send_msi memcpy_storm; do
		driver_cases="$driver_cases -r vfio_pci_driver_test.$mode.$c"
	done
	for t in vfio_pci_driver_test vfio_dma_mapping_test vfio_pci_device_test; do
		start=$(date +%s)
		kselftest 300 "vfio:$t" VFIO_SELFTESTS_BDF="$dev" \
			KSELFTEST_VFIO_PCI_DRIVER_TEST_ARGS="$driver_cases"
		rc=$?
		d="$(( $(date +%s) - start ))s"
		tot=$(sed -n 's/^# Totals: //p' /tmp/vfio.out | tail -n 1)
		report "vfio-$t" "exit $rc in $d: ${tot:-no totals}"
		case $rc in
		0) ok "vfio: $t" "$tot, $d" ;;
		4) skip "vfio: $t" "$(grep -m1 -iE 'skip' /tmp/vfio.out | cut -c1-160)" ;;
		*)
			sed 's/^/# '"$t"': /' /tmp/vfio.out | grep -E 'not ok|Assertion|FAIL|Expression|Observed' | head -n 20
			notok "vfio: $t" "exit $rc in $d: ${tot:-no totals}; $(grep -m3 '^not ok' /tmp/vfio.out | tr '\n' ' ' | cut -c1-200)"
			;;
		esac
	done

	pci_rebind "$dev" ""
	# A fresh fault-report window for the groups that follow (see above).
	sleep 5
	drv=$(pci_driver "$dev")
	if [ -d /sys/module/pkvm_edu ] && [ "$drv" != pkvm_edu ]; then
		notok "vfio: edu returned to pkvm_edu" "bound to '${drv:-nothing}'"
	fi
}

# The hypervisor's SMMUv3 counters (debugfs iommu/pkvm/smmuv3-<MMIO address>, one
# "name value" per line), after the traffic of the earlier groups.
SMMU_COUNTERS="traps bad_accesses cmds cmds_forwarded cmds_rewritten cmds_dropped cmds_rejected cmd_failures cmds_issued syncs stes_shadowed stes_unchanged stes_rejected invalidations events events_lost gerrors"
cnt() { sed -n "s/^$1 \([0-9][0-9]*\)$/\1/p" /tmp/smmu.out | head -n 1; }
# cnt_gt0 ADDR NAME WHAT: one test, NAME > 0.
cnt_gt0() {
	v=$(cnt "$2")
	if [ -n "$v" ] && [ "$v" -gt 0 ]; then ok "smmu: $1: $2 > 0: $3" "$2 $v"
	else notok "smmu: $1: $2 > 0: $3" "$2 ${v:-missing}"; fi
}

# The blocked probe's DMA as the host sees it: stage-2 F_TRANSLATION events
# from SMMU ADDR for the edu device, at an address the probe attacked.
smmu_faults() {
	addr=$1
	name="smmu: $addr: the probe's blocked DMA is reported as stage-2 F_TRANSLATION events"
	if [ "$PROBE_RESULT" != blocked/blocked ]; then
		skip "$name" "the probe did not run before this group, or was not blocked (${PROBE_RESULT:-not run})"
		return
	fi
	edu=$(edu_dev)
	dmesg | awk -v s="arm-smmu-v3 $addr." -v c="client: $edu " '
		pend { if (index($0, " s2 ")) print iova; pend = 0 }
		index($0, s) && index($0, "event: F_TRANSLATION") && index($0, c) {
			iova = $0; sub(/.* iova: /, "", iova); sub(/ .*/, "", iova)
			if (iova !~ /^0x[0-9a-f]+$/) next
			if (index($0, " s2 ")) print iova; else pend = 1
		}' >/tmp/faults
	all=$(dmesg | grep -c "event: F_TRANSLATION")
	hits=0 first=""
	while read -r a; do
		p=$((a & ~0xfff))
		if [ "$p" -eq $((PROBE_PEEK)) ] || { [ "$p" -ge $((PROBE_BASE)) ] && [ "$p" -lt $((PROBE_BASE + PROBE_SIZE)) ]; }; then
			hits=$((hits + 1))
			[ -n "$first" ] || first=$a
		fi
	done </tmp/faults
	if [ "$hits" -gt 0 ]; then
		ok "$name" "$hits stage-2 events for $edu at attacked addresses, first iova $first"
	else
		notok "$name" "$(wc -l </tmp/faults) stage-2 events for '$edu', none at the attacked addresses ($PROBE_PEEK, $PROBE_BASE+$PROBE_SIZE); $all F_TRANSLATION lines in all"
	fi
}

group_smmu() {
	exp=$(smmu_expect)
	if ! config_has CONFIG_ARM_SMMU_V3_PKVM=y; then
		skip "smmu: hypervisor SMMU counters" "needs CONFIG_ARM_SMMU_V3_PKVM=y"
		return
	fi
	if ! protected; then
		skip "smmu: hypervisor SMMU counters" "no pKVM in this scenario (pkvmtest.kvm=$(arg kvm)): the host drives the SMMU"
		return
	fi
	case "$exp" in
	s1only)
		skip "smmu: hypervisor SMMU counters" "pKVM refused the SMMU (no stage 2 with AArch64 tables): the host drives it, the hypervisor counts nothing"
		return
		;;
	nested|s2only) ;;
	*) notok "smmu: hypervisor SMMU counters" "pkvmtest.smmu is '$exp', not nested, s2only or s1only"; return ;;
	esac

	# The hypervisor is alive (we are running) and never reported a panic
	# or BUG that the host survived; with the debug checker, a hypercall
	# to it also answers.
	panic=$(dmesg | grep -m1 -iE 'hyp panic|hyp BUG|HYP panic' | cut -c1-160)
	alive=""
	if [ -f /sys/kernel/debug/iommu/pkvm/idmap_check ]; then
		if cat /sys/kernel/debug/iommu/pkvm/idmap_check >/dev/null 2>&1; then alive="; a hypercall (idmap_check) answers"
		else panic="${panic:+$panic; }idmap_check hypercall failed"; fi
	fi
	if [ -z "$panic" ]; then ok "smmu: no hypervisor panic" "none in the kernel log$alive"
	else notok "smmu: no hypervisor panic" "$panic"; fi

	nodes=$(smmu_nodes)
	if [ -z "$nodes" ]; then notok "smmu: hypervisor SMMU counters" "no SMMUv3 in the device tree"; return; fi
	for n in $nodes; do
		addr=${n##*@}
		f=/sys/kernel/debug/iommu/pkvm/smmuv3-$addr
		if [ ! -f "$f" ]; then
			notok "smmu: $addr: counters readable" "no $f ($(ls /sys/kernel/debug/iommu/pkvm 2>&1 | tr '\n' ' '))"
			continue
		fi
		if ! cat "$f" >/tmp/smmu.out 2>&1; then notok "smmu: $addr: counters readable" "reading $f: $(cat /tmp/smmu.out)"; continue; fi
		while read -r l; do report smmu-counter "$addr $l"; done </tmp/smmu.out
		missing="" bad=""
		for c in $SMMU_COUNTERS; do [ -n "$(cnt "$c")" ] || missing="$missing $c"; done
		bad=$(grep -cvE '^[a-z_0-9]+ [0-9]+$' /tmp/smmu.out)
		if [ -z "$missing" ] && [ "$bad" -eq 0 ]; then ok "smmu: $addr: counters readable" "$(wc -l </tmp/smmu.out) counters"
		else notok "smmu: $addr: counters readable" "missing:${missing:- none}; $bad malformed lines"; fi
		name="smmu: $addr: no rejected command and no bad access from the unmodified host driver"
		r=$(cnt cmds_rejected) b=$(cnt bad_accesses)
		if [ "$r" = 0 ] && [ "$b" = 0 ]; then ok "$name"; else notok "$name" "cmds_rejected ${r:-missing}, bad_accesses ${b:-missing}"; fi
		cnt_gt0 "$addr" traps "the host driver's register accesses trap to the hypervisor"
		cnt_gt0 "$addr" cmds "the host driver's commands reach the hypervisor"
		cnt_gt0 "$addr" cmds_forwarded "commands are forwarded to the hardware"
		cnt_gt0 "$addr" syncs "CMD_SYNCs are completed"
		cnt_gt0 "$addr" stes_shadowed "the host's stream table entries are shadowed"
		if [ "$PROBE_RESULT" = blocked/blocked ]; then
			cnt_gt0 "$addr" events "the probe's blocked DMA raised stage-2 faults"
		else
			skip "smmu: $addr: events > 0" "the probe did not run before this group, or was not blocked (${PROBE_RESULT:-not run})"
		fi
		inv0=$(cat "/tmp/smmu-inv0.$addr" 2>/dev/null)
		inv=$(cnt invalidations)
		name="smmu: $addr: invalidations grew during the KVM selftests (VMs' page donations invalidate the SMMU's stage 2)"
		if [ "${ST_RUN:-0}" -gt 0 ] && [ -n "$inv0" ]; then
			if [ -n "$inv" ] && [ "$inv" -gt "$inv0" ]; then ok "$name" "$inv0 before ${ST_RUN} selftests, $inv after"
			else notok "$name" "$inv0 before ${ST_RUN} selftests, ${inv:-missing} after"; fi
		elif [ "${ST_RUN:-0}" -gt 0 ]; then
			cnt_gt0 "$addr" invalidations "KVM VMs' page donations invalidate the SMMU's stage 2"
		else
			skip "smmu: $addr: invalidations > 0" "no KVM selftest ran before this group"
		fi
		smmu_faults "$addr"
	done
}

# The malicious host (tests/attack/pkvm_attack.c): it takes the emulated
# SMMU away from the host's driver by writing its registers, installs its
# own stream table, command queue, context descriptors and page tables,
# forges what a compromised kernel would, and points edu at hypervisor
# memory. One result per scenario, "attack: <scenario>". Then the command
# queue held in error while KVM VMs (page donations) need the hypervisor to
# invalidate, then random register writes, STEs and command streams
# (pkvmtest.attack_fuzz=<iterations>, default 2000), then the host driver
# must work again. The probe group after this one checks isolation again.
# s1only (pKVM refused the SMMU, the host drives it): the four read-only attacks
# that need no more than a host with its own SMMU must get through.
ATTACK_LEAKS="ste-bypass ste-s1-pgtable-to-hyp ste-s1-forged-s2-fields gbpa-bypass"
attack_smmu_counter() {
	f=$(ls /sys/kernel/debug/iommu/pkvm/smmuv3-* 2>/dev/null | head -n 1)
	[ -n "$f" ] && sed -n "s/^$1 \([0-9]*\)$/\1/p" "$f"
}
group_attack() {
	exp=$(smmu_expect)
	if ! protected; then
		skip "attack: hostile host scenarios" "no pKVM in this scenario (pkvmtest.kvm=$(arg kvm)): nothing to attack"
		return
	fi
	va=$(sed -n 's/^hyp_memory //p' /hyp-symbols 2>/dev/null)
	ram=$(sed -n 's/^\([0-9a-f]*\)-[0-9a-f]* : System RAM$/\1/p' /proc/iomem | head -n 1)
	base=$(dmesg | grep -m1 -o 'Reserved [0-9]* MiB at 0x[0-9a-f]*' | cut -d' ' -f5)
	dev=$(edu_bdf)
	if [ -z "$va" ] || [ -z "$ram" ] || [ -z "$base" ] || [ -z "$dev" ]; then
		notok "attack: set-up" "missing input: hyp_memory va '$va', first RAM '$ram', carve-out '$base', edu '$dev'"
		return
	fi
	old=$(pci_driver "$dev")
	pci_rebind "$dev" pkvm_attack
	# pkvmtest.hostile_cmds=N: CFGI_ALLs in hostile-cmdq (make bench)
	hc=$(arg hostile_cmds)
	if ! insmod /lib/modules/pkvm_attack.ko ${hc:+hostile_cmds=$hc} 2>/tmp/insmod.out ||
	   [ ! -d /sys/kernel/debug/pkvm_attack ]; then
		notok "attack: set-up" "pkvm_attack: $(cat /tmp/insmod.out) $(dmesg | grep -E 'pkvm_attack' | tail -n 2 | tr '\n' ' ')"
		return
	fi
	A=/sys/kernel/debug/pkvm_attack
	echo "$va 0x$ram $base" >$A/target
	list=all
	[ "$exp" = s1only ] && list=$(echo $ATTACK_LEAKS | tr ' ' ',')
	# pkvmtest.attack_list=a,b: only those (for debugging)
	[ -n "$(arg attack_list)" ] && list=$(arg attack_list)
	echo "$list" >$A/run
	cat $A/run >/tmp/attack.out
	sed -n 's/^# /# attack: /p' /tmp/attack.out
	sed -n 's/^\(ok\|not ok\|skip\) attack: \([^ ]*\) # \(.*\)$/\1|\2|\3/p' /tmp/attack.out >/tmp/attack.tap
	[ -s /tmp/attack.tap ] || notok "attack: scenarios ran" "no result: $(head -c 300 /tmp/attack.out)"
	while IFS='|' read -r res name detail; do
		if [ "$exp" = s1only ]; then
			# The documented refusal: the attack must get through.
			case "$res/$detail" in
			"not ok/LEAKED"*) ok "attack: s1only: $name gets through (pKVM refused the SMMU, documented)" "$detail" ;;
			*) notok "attack: s1only: $name gets through (pKVM refused the SMMU, documented)" "$res: $detail" ;;
			esac
			continue
		fi
		case "$res" in
		ok) ok "attack: $name" "$detail" ;;
		skip) skip "attack: $name" "$detail" ;;
		*) notok "attack: $name" "$detail" ;;
		esac
		# hostile-cmdq's trap times, for make bench
		case "$name/$detail" in
		"hostile-cmdq/"*"[cmds "*"]") echo "# bench: hostile_cmdq $(echo "$detail" | sed 's/.*\[\(cmds [^]]*\)\]$/\1/')" ;;
		esac
	done </tmp/attack.tap
	if [ "$exp" != s1only ]; then
		# The command queue held in error while VMs are created: their
		# page donations need the hypervisor's own invalidations.
		name="attack: cmdq-held-in-error-during-donations"
		inv0=$(attack_smmu_counter invalidations)
		if echo 1 >$A/hold 2>/tmp/hold.out; then
			t=/selftests/kvm/arm64/psci_test
			if [ -x "$t" ]; then timeout 120 "$t" >/tmp/hold-vm.out 2>&1; vm=$?; else vm=none; fi
			inv1=$(attack_smmu_counter invalidations)
			echo 0 >$A/hold
			res=$(sed -n 's/^\(ok\|not ok\) attack: cmdq-held-in-error # //p' $A/hold)
			detail="VM test (arm64/psci_test) exit $vm; invalidations ${inv0:-?} -> ${inv1:-?}; $res"
			if [ "$vm" = 0 ] && grep -q '^ok attack: cmdq-held-in-error' $A/hold &&
			   [ -n "$inv0" ] && [ -n "$inv1" ] && [ "$inv1" -gt "$inv0" ]; then
				ok "$name" "$detail"
			else
				notok "$name" "$detail"
			fi
		else
			notok "$name" "hold: $(cat /tmp/hold.out)"
		fi
		# A valid STE in each of the 256 ranges of 256 StreamIDs that
		# the firmware gives the PCI host bridge: none may be rejected.
		name="attack: every-sid-range shadowed"
		rej0=$(attack_smmu_counter stes_rejected)
		sh0=$(attack_smmu_counter stes_shadowed)
		echo every-sid-range >$A/run
		res=$(sed -n 's/^\(ok\|not ok\|skip\) attack: every-sid-range # //p' $A/run)
		rej1=$(attack_smmu_counter stes_rejected)
		sh1=$(attack_smmu_counter stes_shadowed)
		detail="$res; stes_rejected ${rej0:-?} -> ${rej1:-?}, stes_shadowed ${sh0:-?} -> ${sh1:-?}, hyp_pages $(attack_smmu_counter hyp_pages)"
		if grep -q '^ok attack: every-sid-range' $A/run && [ -n "$rej0" ] &&
		   [ "$rej1" = "$rej0" ] && [ -n "$sh1" ] && [ "$sh1" -gt "$sh0" ]; then
			ok "$name" "$detail"
		else
			notok "$name" "$detail"
		fi
		# The host's share hypercalls race the hypervisor's pinning of
		# the queue pages, while protected VMs are created and destroyed.
		name="attack: queue-share-race while protected VMs come and go"
		/bin/pvm_churn 4 64 >/tmp/race-churn.out 2>&1 &
		churn=$!
		echo queue-share-race >$A/run
		res=$(sed -n 's/^\(ok\|not ok\|skip\) attack: queue-share-race # //p' $A/run)
		wait $churn
		vm=$?
		detail="$res; pvm_churn exit $vm: $(tail -n 1 /tmp/race-churn.out)"
		if grep -q '^ok attack: queue-share-race' $A/run && [ "$vm" = 0 ]; then
			ok "$name" "$detail"
		elif grep -q '^skip attack: queue-share-race' $A/run; then
			skip "$name" "$detail"
		else
			notok "$name" "$detail"
		fi
		iters=$(arg attack_fuzz)
		iters=${iters:-2000}
		seed=$(date +%s)
		name="attack: in-guest fuzz (random registers, STEs, command streams)"
		if echo "$seed $iters" >$A/fuzz 2>/tmp/fuzz.out; then
			res=$(cat $A/fuzz)
			report attack-fuzz "$res"
			ok "$name" "$res"
		else
			notok "$name" "seed $seed: $(cat /tmp/fuzz.out) $(cat $A/fuzz)"
		fi
	fi
	rmmod pkvm_attack
	# The host's driver must work as before.
	pci_rebind "$dev" "$old" >/dev/null
	name="attack: the host's driver works again afterwards"
	if [ "$old" = pkvm_edu ] && [ -f /sys/kernel/debug/pkvm_edu/roundtrip ]; then
		res=$(cat /sys/kernel/debug/pkvm_edu/roundtrip)
		case "$res" in pass*) ok "$name" "edu back on pkvm_edu, $res" ;; *) notok "$name" "$res" ;; esac
	else
		notok "$name" "edu was bound to '${old:-nothing}', now '$(pci_driver "$dev")'"
	fi
}

# Stress (pkvmtest.stress_secs=S, default 15), all at once for S seconds:
# DMA map/unmap threads on every CPU with DMA round trips (pkvm_edu),
# virtio-blk writes read back and compared, and protected VMs created and
# destroyed (guest/pvm_churn.c: their pages are donated, then reclaimed).
# Afterwards no legitimate DMA may have failed, the identity map's pool is
# back where it was (no table leaked), and the identity map check finds no
# violation. The probe group after this one checks blocked DMA again.
idmap_field() { sed -n "s/^$1 \([0-9]*\)$/\1/p" "$2"; }
blk_stress() { # blk_stress SECONDS: rounds and failures on stdout
	end=$(( $(date +%s) + $1 )) rounds=0 bad=0
	while [ "$(date +%s)" -lt "$end" ]; do
		dd if=/dev/urandom of=/tmp/stress.blk bs=1M count=4 2>/dev/null
		w=$(sha256sum </tmp/stress.blk | cut -d' ' -f1)
		dd if=/tmp/stress.blk of=/dev/vda bs=1M seek=16 conv=fsync 2>/dev/null
		echo 3 >/proc/sys/vm/drop_caches
		r=$(dd if=/dev/vda bs=1M skip=16 count=4 2>/dev/null | sha256sum | cut -d' ' -f1)
		rounds=$((rounds + 1))
		[ "$w" = "$r" ] || bad=$((bad + 1))
	done
	rm -f /tmp/stress.blk
	echo "$rounds $bad"
}
group_stress() {
	secs=$(arg stress_secs)
	secs=${secs:-15}
	if ! edu_load; then notok "stress: set-up" "edu driver: $EDU_ERR"; return; fi
	chk=/sys/kernel/debug/iommu/pkvm/idmap_check
	have_chk=no
	[ -f $chk ] && cat $chk >/tmp/idmap0.out 2>/dev/null && have_chk=yes
	blk_stress "$secs" >/tmp/blk.out &
	bpid=$!
	/bin/pvm_churn "$secs" 64 >/tmp/churn.out 2>&1 &
	cpid=$!
	echo "$secs" >/sys/kernel/debug/pkvm_edu/stress
	cat /sys/kernel/debug/pkvm_edu/stress >/tmp/stress.out
	wait $bpid
	wait $cpid
	crc=$?
	res=$(cat /tmp/stress.out)
	report stress-dma "$res"
	case "$res" in pass*) ok "stress: DMA map/unmap on every CPU and DMA round trips" "$res" ;;
	*) notok "stress: DMA map/unmap on every CPU and DMA round trips" "$res" ;; esac
	read -r rounds bad </tmp/blk.out
	report stress-blk "$rounds rounds of 4 MiB, $bad mismatches"
	if [ "${rounds:-0}" -gt 0 ] && [ "$bad" = 0 ]; then ok "stress: virtio-blk writes read back intact meanwhile" "$rounds rounds of 4 MiB"
	else notok "stress: virtio-blk writes read back intact meanwhile" "${rounds:-0} rounds, ${bad:-?} mismatches"; fi
	churn=$(cat /tmp/churn.out)
	report stress-pvm "$churn"
	name="stress: protected VMs created and destroyed meanwhile (pages donated and reclaimed)"
	case "$crc" in
	0) ok "$name" "$churn" ;;
	4) if protected; then notok "$name" "$churn"; else skip "$name" "$churn"; fi ;;
	*) notok "$name" "exit $crc: $churn" ;;
	esac
	name="stress: the identity map's pool is back at its level, no violation"
	if [ "$have_chk" = no ]; then
		skip "$name" "no $chk (needs pKVM's IOMMU driver and CONFIG_NVHE_EL2_DEBUG)"
	elif ! cat $chk >/tmp/idmap1.out 2>&1; then
		notok "$name" "reading $chk: $(cat /tmp/idmap1.out)"
	else
		p0=$(idmap_field pool_used_pages /tmp/idmap0.out) p1=$(idmap_field pool_used_pages /tmp/idmap1.out)
		v1=$(idmap_field violations /tmp/idmap1.out)
		m1=$(idmap_field mapped_pages /tmp/idmap1.out) a1=$(idmap_field host_accessible_pages /tmp/idmap1.out)
		detail="pool pages ${p0:-?} before, ${p1:-?} after; $v1 violations; $m1 of $a1 host pages mapped"
		if [ -n "$p0" ] && [ "$p0" = "$p1" ] && [ "$v1" = 0 ] && [ "$m1" = "$a1" ]; then ok "$name" "$detail"
		else notok "$name" "$detail"; fi
	fi
}

# Benchmark (make bench; not in make check): "# bench: CASE KEY VALUE..."
# lines that scripts/bench.sh turns into build/bench/results.csv.
#  - Exact emulation cost: pkvm_edu maps pkvmtest.bench_ops buffers of 1,
#    16 and 256 pages, then unmaps them; the SMMU counters read around each
#    step give traps, host commands and CMD_SYNCs, and commands and
#    CMD_SYNCs issued to the SMMU.
#  - Latency: the kernel's DMA map benchmark bound to edu, 1 thread and one
#    per CPU, granules of 4 KiB, 64 KiB and 1 MiB, pkvmtest.bench_secs each.
#  - Register reads: IDR0 and CMDQ_CONS, read 20000 times each (under pKVM,
#    each read is a trap to the hypervisor).
#  - virtio-blk: 256 MiB written (16 MiB at a time, synced) and read (64 MiB
#    at a time, from a dropped page cache), MiB/s.
#  - Isolation changes (pKVM only; also the benchdonate group alone):
#    guest/pvm_churn for pkvmtest.bench_secs, protected VMs of 256 pages:
#    time and identity-map invalidations per page donated and reclaimed.
#  - Memory (also the benchmem group alone): hypervisor pages holding the
#    IOMMU identity map's tables, and donated to each SMMU's driver.
bench_counter() { # sum over the SMMUs
	cat /sys/kernel/debug/iommu/pkvm/smmuv3-* 2>/dev/null | awk -v k="$1" '$1 == k { s += $2; n++ } END { if (n) print s }'
}
bench_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
group_benchmem() {
	chk=/sys/kernel/debug/iommu/pkvm/idmap_check
	if [ ! -f $chk ] || ! cat $chk >/tmp/bench.chk 2>/dev/null; then
		skip "bench: memory" "no $chk (needs pKVM's IOMMU driver and CONFIG_NVHE_EL2_DEBUG)"
		return
	fi
	echo "# bench: mem table_pages $(idmap_field pool_used_pages /tmp/bench.chk) smmu_pages $(bench_counter hyp_pages)"
	ok "bench: memory" "$(idmap_field pool_used_pages /tmp/bench.chk) pages of identity-map tables"
}
group_benchdonate() {
	secs=$(arg bench_secs)
	secs=${secs:-3}
	type=
	protected || type=0
	i0=$(bench_counter invalidations)
	# shellcheck disable=SC2086 # no VM type: protected
	out=$(/bin/pvm_churn "$secs" 256 $type 2>&1)
	i1=$(bench_counter invalidations)
	p=$(echo "$out" | sed -n 's/^pvm_churn: [0-9]* VMs, \([0-9]*\) pages donated and reclaimed in \([0-9]*\) us$/\1 \2/p')
	if [ -n "$p" ]; then
		echo "# bench: donate pages ${p% *} us ${p#* }${i0:+ invalidations $((i1 - i0))}"
	else
		notok "bench: pvm_churn" "$out"
		return
	fi
	ok "bench: donation" "$out"
}
group_bench() {
	n=$(arg bench_ops)
	n=${n:-2000}
	secs=$(arg bench_secs)
	secs=${secs:-3}
	if ! edu_load; then notok "bench: set-up" "edu driver: $EDU_ERR"; return; fi
	E=/sys/kernel/debug/pkvm_edu/ops
	for pages in 1 16 256; do
		t0=$(bench_counter traps) c0=$(bench_counter cmds) h0=$(bench_counter host_syncs)
		s0=$(bench_counter syncs) i0=$(bench_counter cmds_issued)
		echo "map $n $pages" >$E || { notok "bench: $n maps of $pages pages" "$(cat $E)"; return; }
		t1=$(bench_counter traps) c1=$(bench_counter cmds)
		echo unmap >$E
		t2=$(bench_counter traps) c2=$(bench_counter cmds) h2=$(bench_counter host_syncs)
		s2=$(bench_counter syncs) i2=$(bench_counter cmds_issued)
		if [ -n "$t0" ]; then
			echo "# bench: ops_$((pages * 4))k ops $n traps_map $((t1 - t0)) traps_unmap $((t2 - t1)) cmds_unmap $((c2 - c1)) host_syncs $((h2 - h0)) issued $((i2 - i0)) hw_syncs $((s2 - s0))"
		fi
	done
	for r in 0:idr0 9c:cmdq_cons; do
		echo "mmio 20000 ${r%:*}" >$E 2>/dev/null &&
			echo "# bench: mmio_${r#*:} ns_per_read $(sed -n 's/.* ns \([0-9]*\)$/\1/p' $E | awk '{ print $1 / 20000 }')"
	done
	dev=$(edu_bdf)
	if pci_rebind "$dev" dma_map_benchmark; then
		for t in 1 $(nproc); do
			for g in 1 16 256; do
				out=$(/bin/dma_map_benchmark -t "$t" -s "$secs" -g "$g" -b 64 2>&1)
				m=$(echo "$out" | sed -n 's/^average map latency(us):\([0-9.]*\).*/\1/p')
				u=$(echo "$out" | sed -n 's/^average unmap latency(us):\([0-9.]*\).*/\1/p')
				if [ -n "$m" ] && [ -n "$u" ]; then
					echo "# bench: lat_$((g * 4))k_${t}t map_us $m unmap_us $u"
				else
					notok "bench: dma_map_benchmark -t $t -g $g" "$(echo "$out" | tail -n 2 | tr '\n' ' ')"
				fi
			done
		done
	else
		notok "bench: edu bound to dma_map_benchmark" "bound to '$(pci_driver "$dev")'"
	fi
	pci_rebind "$dev" pkvm_edu >/dev/null
	if [ -b /dev/vda ]; then
		dd if=/dev/urandom of=/tmp/bench.blk bs=1M count=16 2>/dev/null
		a=$(bench_ms)
		for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
			dd if=/tmp/bench.blk of=/dev/vda bs=1M seek=$((i % 4 * 16)) conv=fsync 2>/dev/null
		done
		b=$(bench_ms)
		for i in 0 1 2 3; do
			echo 3 >/proc/sys/vm/drop_caches
			dd if=/dev/vda of=/dev/null bs=1M count=64 2>/dev/null
		done
		c=$(bench_ms)
		rm -f /tmp/bench.blk
		echo "# bench: blk write_mibs $((256 * 1000 / (b - a + 1))) read_mibs $((256 * 1000 / (c - b + 1)))"
	fi
	protected && group_benchdonate
	group_benchmem
	ok "bench: ran" "results in the # bench lines"
}

for g in "$@"; do
	case "$g" in
	boot|io|edu|kunit|selftests|idmap|probe|vfio|smmu|attack|stress|bench|benchmem|benchdonate) "group_$g" ;;
	*) notok "unknown test group '$g'" ;;
	esac
done
echo "1..$N"
