# Fuzz target for the device-tree reader and machine description. Seeds:
# the trees in $(O)/dtbs (QEMU dumps and fixtures, `make dtbs`).
FUZZ_TARGETS += fdt
FUZZ_SRCS_fdt := tests/fuzz/fuzz_fdt.c $(PURE_FDT)
