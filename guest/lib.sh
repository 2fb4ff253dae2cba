# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Shared by the guest's init and tests.sh (busybox sh), installed next to
# them at the root of the initramfs (scripts/payload.sh).

# arg NAME: the value of pkvmtest.NAME= on the kernel command line (the
# last one wins), empty if absent.
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^pkvmtest\.$1=//p" | tail -n 1; }
