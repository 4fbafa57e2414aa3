# make bench: boot the benchmark libOS under QEMU with a deterministic
# instruction clock and print its "BENCH <name> <value> <unit>" lines.
# make bench-doc also rewrites the table in docs/performance.md.
.PHONY: bench bench-doc

BENCH_QEMU := $(QEMU) -M virt -smp 1 -m 256M -nographic -no-reboot \
	-bios $(FW_JUMP) -icount shift=0,sleep=off -seed 1 -rtc clock=vm \
	-kernel $(O)/rivet.elf -initrd $(O)/bench.cpio

$(O)/bench.cpio: libos/bench/rivet.conf $(O)/libos/bench.elf $(CONFCHECK)
	$(Q)$(CONFCHECK) $(CONFCHECK_FLAGS) --images $(O)/libos libos/bench/rivet.conf
	$(Q)rm -rf $(O)/bench-initramfs && mkdir -p $(O)/bench-initramfs/etc $(O)/bench-initramfs/libos
	$(Q)cp libos/bench/rivet.conf $(O)/bench-initramfs/etc/
	$(Q)cp $(O)/libos/bench.elf $(O)/bench-initramfs/libos/
	$(Q)cd $(O)/bench-initramfs && find etc libos | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 > $(abspath $@)

bench: check-deps $(O)/rivet.elf $(O)/bench.cpio
	$(Q)timeout 120 $(BENCH_QEMU) > $(O)/bench.log 2>&1 || { cat $(O)/bench.log; exit 1; }
	$(Q)grep -o 'BENCH .*' $(O)/bench.log | tr -d '\r' | tee $(O)/bench.txt
	$(Q)test -s $(O)/bench.txt || { echo "bench: no figures" >&2; cat $(O)/bench.log; exit 1; }

bench-doc: bench
	$(Q)$(PYTHON) scripts/bench-doc $(O)/bench.txt docs/performance.md
