#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configure (config/*.config merged onto allnoconfig) and build build/linux
# out of tree into build/kout, with ccache.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kbuild_setup "$TREE" "$KOUT"

[ -f "$TREE/Makefile" ] || die "no kernel tree at $TREE (make tree)"
mkdir -p "$KOUT"
frag=$KOUT/pkvm-smmuv3.config
cat "$TOP"/config/*.config >"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$KOUT/.config" ]; then
	mv "$frag.new" "$frag"
	run_step "configure (allnoconfig + config/*.config)" "$LOGS/build-config.log" \
		"fix the fragment under config/ named in the log" \
		"${KMAKE[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig
	# Kconfig silently drops options whose dependencies are unmet: fail
	# instead, naming them.
	bad=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while IFS= read -r l; do
		grep -qxF "$l" "$KOUT/.config" || echo "$l"
	done)
	[ -z "$bad" ] || die "config options not set as asked (unmet dependencies?):"$'\n'"$bad"$'\n'"  fix: config/*.config (see $LOGS/build-config.log)"
else
	rm -f "$frag.new"
fi
run_step "build the kernel (Image, modules)" "$LOGS/build-kernel.log" \
	"read the first error in the log; 'make -C build/linux O=build/kout ARCH=arm64 ...' reproduces it" \
	"${KMAKE[@]}" Image modules
say "kernel: $(cat "$KOUT/include/config/kernel.release") ($KOUT/arch/arm64/boot/Image)"
