# A kernel without remote TLB fences (CONFIG_DEBUG_NO_REMOTE_FENCE=y,
# docs/smp.md "TLB shootdown") in its own directory ($(NOFENCE_O),
# default $(O)-nofence): tests/qemu/test_smp_revoke.py shows that its
# revoke-under-use check fails there, so the check can fail. Only the
# kernel is built there; the libOSes and initramfs are $(O)'s.
.PHONY: nofence-kernel

NOFENCE_O ?= $(O)-nofence

$(NOFENCE_O)/.config: $(KCONFIG_CONFIG) Kconfig
	@mkdir -p $(NOFENCE_O)
	@$(if $(Q),echo "  CONFIG  $@ (no remote fence)")
	$(Q)cp $(KCONFIG_CONFIG) $@.tmp
	$(Q)KCONFIG_CONFIG=$@.tmp $(PYTHON) -m setconfig --kconfig Kconfig \
		DEBUG_NO_REMOTE_FENCE=y >/dev/null
	$(Q)mv $@.tmp $@
	$(Q)rm -f $@.tmp.old

nofence-kernel: $(NOFENCE_O)/.config
	$(Q)$(MAKE) --no-print-directory O=$(NOFENCE_O) $(NOFENCE_O)/rivet.elf
