#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the default scenario (or $SCENARIO) and print the short report.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

s=${SCENARIO:-nested-hvhe}
"$TOP/scripts/boot.sh" "$s" || die "could not boot scenario $s"
echo
python3 "$TOP/scripts/results.py" report "$s"
