# make bench: boot the benchmark libOS under QEMU with a deterministic
# instruction clock, keep its "BENCH <name> <value> <unit>" lines in
# $(O)/bench.txt and print each figure beside its target and the peers'
# figures (scripts/bench-targets.tsv), misses marked.
# make bench-plot draws them into $(O)/performance.svg; make bench-doc
# writes the table into docs/performance.md and copies the picture to
# docs/performance.svg. The figures depend only on the build, so
# $(O)/bench.txt is remade only when the kernel or the benchmark changes.
.PHONY: bench bench-plot bench-doc bench-smp

BENCH_QEMU := $(QEMU) -M virt -smp 1 -m 256M -nographic -no-reboot \
	-bios $(FW_JUMP) -icount shift=0,sleep=off -seed 1 -rtc clock=vm \
	-kernel $(O)/rivet.elf -initrd $(O)/bench.cpio
BENCH_TABLE := scripts/bench-targets.tsv scripts/benchtab.py

$(O)/bench.cpio: libos/bench/rivet.conf $(O)/libos/bench.elf $(CONFCHECK)
	$(Q)$(CONFCHECK) $(CONFCHECK_FLAGS) --images $(O)/libos libos/bench/rivet.conf
	$(Q)rm -rf $(O)/bench-initramfs && mkdir -p $(O)/bench-initramfs/etc $(O)/bench-initramfs/libos
	$(Q)cp libos/bench/rivet.conf $(O)/bench-initramfs/etc/
	$(Q)cp $(O)/libos/bench.elf $(O)/bench-initramfs/libos/
	$(Q)cd $(O)/bench-initramfs && find etc libos | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 > $(abspath $@)

# blk_read_seq: the blk libOS alone reads a fresh 1 MiB disk (zeroes; it
# writes some sectors back, so the disk is remade for every run).
BENCH_BLK_QEMU := $(QEMU) -M virt -smp 1 -m 256M -nographic -no-reboot \
	-bios $(FW_JUMP) -icount shift=0,sleep=off -seed 1 -rtc clock=vm \
	-kernel $(O)/rivet.elf -initrd $(O)/bench-blk.cpio \
	-drive file=$(O)/bench-blk.img,if=none,format=raw,id=hd0 \
	-device virtio-blk-device,drive=hd0

$(O)/bench-blk.cpio: libos/bench/blk.conf $(O)/libos/blk.elf $(CONFCHECK)
	$(Q)$(CONFCHECK) $(CONFCHECK_FLAGS) --images $(O)/libos libos/bench/blk.conf
	$(Q)rm -rf $(O)/bench-blk-initramfs && mkdir -p $(O)/bench-blk-initramfs/etc $(O)/bench-blk-initramfs/libos
	$(Q)cp libos/bench/blk.conf $(O)/bench-blk-initramfs/etc/rivet.conf
	$(Q)cp $(O)/libos/blk.elf $(O)/bench-blk-initramfs/libos/
	$(Q)cd $(O)/bench-blk-initramfs && find etc libos | LC_ALL=C sort | \
		cpio --quiet -o -H newc -R 0:0 > $(abspath $@)

$(O)/bench.txt: $(O)/rivet.elf $(O)/bench.cpio $(O)/bench-blk.cpio
	@$(if $(Q),echo "  BENCH   $@")
	$(Q)timeout 120 $(BENCH_QEMU) > $(O)/bench.log 2>&1 || { cat $(O)/bench.log; exit 1; }
	$(Q)head -c 1048576 /dev/zero > $(O)/bench-blk.img
	$(Q)timeout 120 $(BENCH_BLK_QEMU) > $(O)/bench-blk.log 2>&1 || { cat $(O)/bench-blk.log; exit 1; }
	$(Q)grep -o 'BENCH .*' $(O)/bench.log $(O)/bench-blk.log -h | tr -d '\r' > $@.tmp
	$(Q)test -s $@.tmp || { echo "bench: no figures" >&2; cat $(O)/bench.log; rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

bench: check-deps $(O)/bench.txt
	$(Q)$(PYTHON) scripts/bench-compare $(O)/bench.txt

$(O)/performance.svg: $(O)/bench.txt scripts/bench-plot $(BENCH_TABLE)
	@$(if $(Q),echo "  PLOT    $@")
	$(Q)$(PYTHON) scripts/bench-plot $(O)/bench.txt $@

bench-plot: check-deps $(O)/performance.svg

bench-doc: bench bench-smp $(O)/performance.svg
	$(Q)$(PYTHON) scripts/bench-doc $(O)/bench.txt docs/performance.md
	$(Q)$(PYTHON) scripts/bench-smp --doc $(O)/bench-smp.txt docs/performance.md
	$(Q)cp $(O)/performance.svg docs/performance.svg

# make bench-smp: the cross-hart figures (notify_remote_wake,
# shootdown_page, smp_work_<N>h), counted from QEMU's per-instruction
# log of boots without -icount (scripts/bench-smp, docs/smp.md). Each
# boot has its own timeout in the script; the whole is bounded here.
$(O)/bench-smp.txt: $(O)/rivet.elf $(O)/libos/benchsmp.elf libos/benchsmp/rivet.conf scripts/bench-smp
	@$(if $(Q),echo "  BENCH   $@")
	$(Q)timeout 900 $(PYTHON) scripts/bench-smp -O $(O) > $@.tmp || { cat $@.tmp; rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@

bench-smp: check-deps $(O)/bench-smp.txt
	$(Q)cat $(O)/bench-smp.txt

# make bench-net: wrk against libos/httpd through QEMU's user networking
# (wall-clock, so noisy: the median of BENCH_NET_RUNS runs and their
# spread). Not part of make test. docs/net.md and docs/performance.md.
BENCH_NET_RUNS ?= 5
BENCH_NET_SECONDS ?= 10
.PHONY: bench-net
bench-net: check-deps all
	$(Q)$(PYTHON) scripts/bench-net $(O) --runs $(BENCH_NET_RUNS) --seconds $(BENCH_NET_SECONDS)
