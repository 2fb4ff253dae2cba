# SPDX-License-Identifier: GPL-2.0
# pKVM SMMUv3 series: harness entry points. See README.md.
#
#   make run      build and boot the default scenario, print the report
#   make check    build, then run every test; ends with "N passed, N failed, N skipped"
#   make shell    interactive shell in a scenario (SCENARIO=name, default: DEFAULT_SCENARIO in scripts/lib.sh)
#   make tree / export / status   the series workflow (README, HACKING)
#   make bisect-check   every patch on its own: builds (QEMU config with W=1
#                 and sparse, arm64 defconfig + pKVM), checkpatch, kernel-doc
#   make fault-check   test-only fault injections: caught, or recovered from
#   make strict-check  nested-hvhe on an SMMUv3 model with the architecture's
#                      alignment rules (../shared/strict-qemu; not in make check)
#   make fresh-check   .ci/run from a fresh clone in a clean bookworm root
#   make fresh-bench   make bench from a fresh clone in a clean bookworm root
#   make fuzz     fuzz the emulation's decisions on the build host (FUZZ_SECONDS
#                 per target, default 60; make check runs 5)
#   make kunit    the KUnit suites through kunit.py under pKVM (build/kunit)
#   make stress   the stress group for STRESS_SECS (default 300) under pKVM
#   make bench    pKVM against the native driver, build/bench/results.csv
#   make send-prep   build/send: the series as SENDER="Name <email>" sends it, checked

S := scripts
# One clock for every step of a make run, so progress lines show total time.
export PKVM_T0 := $(shell date +%s)
.PHONY: all deps base tree export status build payload run shell check bisect-check bisect fault-check strict-check fresh-check fresh-bench fuzz kunit stress bench send-prep clean distclean

all: run

deps:
	@$(S)/deps.sh
base: deps
	@$(S)/base.sh
tree: base
	@$(S)/series.sh tree
export:
	@$(S)/series.sh export
status:
	@$(S)/series.sh status
build: tree
	@$(S)/build.sh
payload: build
	@$(S)/payload.sh
run: payload
	@$(S)/run.sh
shell: payload
	@$(S)/boot.sh "$(SCENARIO)" shell
check: payload
	@$(S)/check.sh
bisect-check: build
	@$(S)/bisect-check.sh
bisect: bisect-check
fault-check: payload
	@$(S)/fault-check.sh
strict-check: payload
	@$(S)/strict-check.sh
fresh-check:
	@$(S)/fresh-check.sh
fresh-bench:
	@FRESH_TARGET=bench $(S)/fresh-check.sh
fuzz: tree
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} $(S)/fuzz.sh
kunit: tree
	@$(S)/kunit.sh
stress: payload
	@$(S)/stress.sh
bench: payload
	@$(S)/bench.sh
send-prep:
	@$(S)/send-prep.sh
clean:
	rm -rf build/kout build/kunit build/run build/initramfs* build/kselftest build/tests build/results build/fuzz
distclean:
	@$(S)/series.sh status
	rm -rf build
