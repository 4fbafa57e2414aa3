# Device-tree reader and machine description, checked against libfdt on
# QEMU's own trees and on the handwritten fixtures.
UNIT_TESTS += fdt
# fdt_shim.c compiles kernel/boot/fdt.c and kernel/boot/machine*.c with the names that
# clash with libfdt's renamed (see there), so list them as prerequisites.
UNIT_SRCS_fdt := tests/unit/test_fdt.c tests/unit/fdt_shim.c \
	$(filter-out kernel/boot/fdt.c $(wildcard kernel/boot/machine*.c),$(PURE_FDT))
UNIT_LIBS_fdt := -lfdt
$(O)/host/tests/test_fdt: kernel/boot/fdt.c $(wildcard kernel/boot/machine*.c)

# $(O)/dtbs: trees dumped from QEMU (scripts/dump-dtbs) plus the fixtures
# of dts/fixtures/, which the build compiles into $(O)/dts/fixtures/
# (scripts/boards.mk). The unit test reads them through RIVET_DTB_DIR, and
# they seed the fdt fuzzer.
DTB_DIR      := $(O)/dtbs
FDT_FIXTURES := $(wildcard dts/fixtures/*.dts)
FDT_FIXTURE_DTBS := $(patsubst %.dts,$(O)/%.dtb,$(FDT_FIXTURES))
DTC          ?= dtc

$(DTB_DIR)/.stamp: scripts/dump-dtbs $(FDT_FIXTURE_DTBS)
	@mkdir -p $(DTB_DIR)
	@$(if $(Q),echo "  DTBS    $(DTB_DIR)")
	$(Q)rm -f $(DTB_DIR)/*.dtb
	$(Q)scripts/dump-dtbs $(DTB_DIR)
	$(Q)cp $(FDT_FIXTURE_DTBS) $(DTB_DIR)/
	$(Q)touch $@

.PHONY: dtbs
dtbs: $(DTB_DIR)/.stamp
