# make trace: a kernel built with CONFIG_TRACE=y in its own directory
# ($(TRACE_O), default $(O)-trace, so $(O) keeps the untraced kernel) boots
# the demo system (/etc/demo.conf of $(O)/initramfs.cpio) under
# -icount shift=0; the event ring it prints at power off becomes
# $(TRACE_O)/trace.json (scripts/trace2perfetto), for ui.perfetto.dev;
# events are placed by instructions retired (one hart, -icount shift=0:
# one instruction, one nanosecond).
# docs/trace.md says how to read it.
#   make trace [TRACE_APPEND="rivet.conf=/etc/other.conf ..."]
.PHONY: trace trace-kernel

TRACE_O ?= $(O)-trace
TRACE_APPEND ?= rivet.conf=/etc/demo.conf
TRACE_QEMU := $(QEMU) -M virt -smp 1 -m 256M -nographic -no-reboot \
	-bios $(FW_JUMP) -icount shift=0,sleep=off -seed 1 \
	-kernel $(TRACE_O)/rivet.elf -initrd $(O)/initramfs.cpio

# $(O)'s configuration with CONFIG_TRACE=y, written aside and renamed.
$(TRACE_O)/.config: $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(TRACE_O)
	@$(if $(Q),echo "  CONFIG  $@ (CONFIG_TRACE=y)")
	$(Q)cp $(KCONFIG_CONFIG) $@.tmp
	$(Q)KCONFIG_CONFIG=$@.tmp $(PYTHON) -m setconfig --kconfig Kconfig TRACE=y >/dev/null
	$(Q)mv $@.tmp $@
	$(Q)rm -f $@.tmp.old

# Only the kernel is built there; the libOSes and initramfs are $(O)'s.
trace-kernel: $(TRACE_O)/.config
	$(Q)$(MAKE) --no-print-directory O=$(TRACE_O) $(TRACE_O)/rivet.elf

trace: check-deps trace-kernel $(O)/initramfs.cpio
	@$(if $(Q),echo "  QEMU    $(TRACE_O)/trace.log ($(TRACE_APPEND))")
	$(Q)timeout 120 $(TRACE_QEMU) -append "$(TRACE_APPEND)" > $(TRACE_O)/trace.log 2>&1 || \
		{ tail -n 40 $(TRACE_O)/trace.log; exit 1; }
	$(Q)$(PYTHON) scripts/trace2perfetto --clock instret $(TRACE_O)/trace.log -o $(TRACE_O)/trace.json
