#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot one scenario (scenarios/NAME.conf) under QEMU.
#   boot.sh NAME           run its test plan; serial log in build/logs/boot-NAME.log
#   boot.sh NAME shell     interactive shell in the same machine
# An empty NAME is the default scenario (DEFAULT_SCENARIO, lib.sh).
# Env: PLAN=... overrides the scenario's test plan, TIMEOUT=seconds (default 900),
#      APPEND=... extra kernel command line, TAG=... names the run and its
#      log (default: the scenario name), KOUT=... another kernel build,
#      MEM=... the guest RAM instead of the scenario's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1?usage: boot.sh SCENARIO [shell]}
name=${name:-$DEFAULT_SCENARIO}
mode=${2:-test}
conf=$TOP/scenarios/$name.conf
[ -f "$conf" ] || die "no scenario '$name' (have: $(scenarios | paste -sd ' '))"
plan_env=${PLAN:-} mem_env=${MEM:-}
DESC= MACHINE= QEMU_EXTRA= CMDLINE= KVM= PLAN= PROTECTED=0 MEM=
. "$conf"
plan=${plan_env:-$PLAN}
mem=${mem_env:-${MEM:-1G}}
[ "$mode" = shell ] && plan=shell
timeout=${TIMEOUT:-900}
# Shell boots get their own disk, so they never clobber a test run's.
tag=${TAG:-$name}
run=$BUILD/run/$tag
[ "$mode" = test ] || run=$BUILD/run/$tag-$mode
mkdir -p "$run"
image=$KOUT/arch/arm64/boot/Image
initrd=$BUILD/initramfs.cpio.gz
[ -f "$image" ] && [ -f "$initrd" ] || die "kernel or initramfs missing (make build payload)"

# A fresh disk for virtio-blk each boot.
rm -f "$run/disk.img"
truncate -s 64M "$run/disk.img"

append="console=ttyAMA0 log_buf_len=4M panic=-1 $CMDLINE pkvmtest.scenario=$name pkvmtest.plan=$plan pkvmtest.kvm=$KVM"
# Built-in KUnit suites run at every boot; spend the time only where asked.
case ",$plan," in *,kunit,*|*,shell,*) ;; *) append="$append kunit.enable=0" ;; esac
append="$append ${APPEND:-}"

qemu=(qemu-system-aarch64 -M "$MACHINE" -cpu max -smp 2 -m "$mem"
	-kernel "$image" -initrd "$initrd" -append "$append" -no-reboot
	-drive "file=$run/disk.img,if=none,format=raw,id=d0"
	-device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on
	-device edu,dma_mask=0xffffffffffffffff -nic none)
# shellcheck disable=SC2206
qemu+=($QEMU_EXTRA)
printf '%q ' "${qemu[@]}" >"$run/qemu-cmdline"

if [ "$mode" = shell ]; then
	say "boot $name ($DESC): interactive shell; 'poweroff -f' or Ctrl-A x to leave"
	exec "${qemu[@]}" -nographic
fi

log=$LOGS/boot-$tag.log
say "boot $name: $DESC; plan $plan (timeout ${timeout}s, log ${log#"$TOP"/})"
start=$(date +%s)
timeout --foreground -k 10 "$timeout" "${qemu[@]}" -display none -serial stdio -monitor none \
	</dev/null >"$log" 2>&1 &
# The heartbeat shows the latest TAP line.
last_tap() { grep -aE '^(not )?ok [0-9]+ - ' "$1" | tail -n 1 | cut -c1-90; }
rc=0
wait_heartbeat "$!" "$name running" last_tap "$log" || rc=$?
echo "$rc" >"$run/qemu-exit"
[ "$rc" -ne 124 ] || say "  $name: TIMED OUT after ${timeout}s (log $log)"
say "  $name: QEMU exit $rc after $(( $(date +%s) - start ))s"
