# The C twins of the fast paths: a kernel built with every CONFIG_FAST_*
# switch off (Kconfig, menu "Fast paths") in its own directory
# ($(SLOW_O), default $(O)-slow, so $(O) keeps the fast kernel). make test
# builds it and tests/qemu/test_fastpath.py runs the domain, capability
# and interrupt suites on it and compares the bookkeeping both kernels
# leave after the same deterministic (-icount) run. Only the kernel is
# built there; the libOSes and initramfs are $(O)'s.
.PHONY: slow-kernel

SLOW_O ?= $(O)-slow
FAST_PATHS := FAST_NULL FAST_SYSCALL FAST_REFLECT FAST_IDLE_RESUME \
	FAST_MAP_BATCH FAST_NOTIFY FAST_CAP_DELETE FAST_BKL_ALONE \
	FAST_ALLOC_MAP FAST_MAP_STEP

# $(O)'s configuration with every fast path off, written aside and renamed.
$(SLOW_O)/.config: $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(SLOW_O)
	@$(if $(Q),echo "  CONFIG  $@ (fast paths off)")
	$(Q)cp $(KCONFIG_CONFIG) $@.tmp
	$(Q)KCONFIG_CONFIG=$@.tmp $(PYTHON) -m setconfig --kconfig Kconfig \
		$(addsuffix =n,$(FAST_PATHS)) >/dev/null
	$(Q)mv $@.tmp $@
	$(Q)rm -f $@.tmp.old

slow-kernel: $(SLOW_O)/.config
	$(Q)$(MAKE) --no-print-directory O=$(SLOW_O) $(SLOW_O)/rivet.elf
