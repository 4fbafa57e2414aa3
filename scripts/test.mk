# `make test` runs every layer and ends with one line "N passed, N failed".
.PHONY: test test-unit test-fuzz test-qemu fuzz

# tests/qemu/test_trace.py boots the traced kernel of make trace too.
test test-qemu: export RIVET_TRACE_BUILD = $(abspath $(TRACE_O))
# tests/qemu/test_fastpath.py boots the kernel with the fast paths off.
test test-qemu: export RIVET_SLOW_BUILD = $(abspath $(SLOW_O))
# tests/qemu/test_smp_revoke.py shows its check fails without remote fences.
test test-qemu: export RIVET_NOFENCE_KERNEL = $(abspath $(NOFENCE_O))/rivet.elf

test: check-deps all build-unit build-fuzz dtbs trace-kernel slow-kernel nofence-kernel format-check
	$(Q)$(PYTHON) scripts/run-tests --build $(O) unit fuzz qemu

test-unit: build-unit dtbs
	$(Q)$(PYTHON) scripts/run-tests --build $(O) unit

test-fuzz: build-fuzz dtbs
	$(Q)$(PYTHON) scripts/run-tests --build $(O) fuzz

test-qemu: all trace-kernel slow-kernel nofence-kernel
	$(Q)$(PYTHON) scripts/run-tests --build $(O) qemu

# FUZZ_TIME bounds each target's run in seconds; FUZZ_RUNS, when set, stops
# each after that many inputs instead (FUZZ_TIME then defaults to no bound).
# FUZZ_SEED is libFuzzer's seed: a campaign continued later takes another
# one so it does not replay the inputs already run.
FUZZ_RUNS ?=
FUZZ_SEED ?= 1
FUZZ_TIME ?= $(if $(FUZZ_RUNS),0,60)
fuzz: build-fuzz dtbs
	$(Q)$(PYTHON) scripts/run-tests --build $(O) --fuzz-time $(FUZZ_TIME) \
		$(if $(FUZZ_RUNS),--fuzz-runs $(FUZZ_RUNS)) --fuzz-seed $(FUZZ_SEED) fuzz

# Long runs of the run-time domain soak and the system call fuzzer
# (docs/testing.md); make test runs shorter ones of both.
SOAK_CYCLES ?= 1000000
FUZZ_SYS_CALLS ?= 10000000
FUZZ_SYS_SEED ?= 1
.PHONY: soak fuzz-sys
soak: all
	$(Q)RIVET_BUILD=$(abspath $(O)) RIVET_SOAK_CYCLES=$(SOAK_CYCLES) \
		$(PYTHON) -m pytest -q -s -p no:cacheprovider \
		tests/qemu/test_spawn.py -k soak

fuzz-sys: all
	$(Q)RIVET_BUILD=$(abspath $(O)) RIVET_FUZZ_CALLS=$(FUZZ_SYS_CALLS) \
		RIVET_FUZZ_SEED=$(FUZZ_SYS_SEED) \
		$(PYTHON) -m pytest -q -s -p no:cacheprovider \
		tests/qemu/test_sysfuzz.py -k long

# The C files of the kernel, arch, libOSes, headers and tests as the
# project's .clang-format has them (tracked files only: lwIP is fetched).
.PHONY: format-check
FORMAT_FILES = $(shell git ls-files 'kernel/*.[ch]' 'arch/*.[ch]' \
	'libos/*.[ch]' 'include/*.h' 'tests/*.[ch]')
format-check:
	@$(if $(Q),echo "  FORMAT  $(words $(FORMAT_FILES)) files")
	$(Q)clang-format --dry-run -Werror $(FORMAT_FILES)
