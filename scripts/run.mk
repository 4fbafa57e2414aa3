# Running and debugging under QEMU.
#   make run [SMP=n] [MEM=size] [APPEND="bootargs"] [ICOUNT=1] [NETPORT=n]
#   make run-sifive [SMP=n]
#   make run-uboot
#   make debug        (QEMU waits for gdb on :1234)

SMP ?= 2
MEM ?= 256M
APPEND ?=

# fw_dynamic, not fw_jump: fw_jump copies the device tree to a fixed
# address (RAM base + 34 MiB) that QEMU's initrd covers at -m 64M and that
# is past the end of RAM below 34M (OpenSBI then hangs before printing
# anything). With fw_dynamic the tree stays where QEMU put it, at the top
# of RAM above the initrd, so every size from RUN_MEM_MIN up boots.
RUN_MEM_MIN := 16
ifneq ($(filter run debug,$(MAKECMDGOALS)),)
RUN_MEM_ERROR := $(shell scripts/check-mem '$(MEM)' $(RUN_MEM_MIN) 2>&1)
ifneq ($(RUN_MEM_ERROR),)
$(error $(RUN_MEM_ERROR))
endif
endif

# make run is interactive (the shell waits for typing), so the machine's
# clock follows the host's by default. ICOUNT=1 makes it follow executed
# instructions instead (-icount shift=0: 1 GHz), as the tests and make
# bench do: boot logs then repeat to the tick, but time barely moves
# while the machine waits for typing.
ICOUNT ?=
QEMU_ICOUNT_ON := -icount shift=0,sleep=off
QEMU_ICOUNT := $(if $(filter 1,$(ICOUNT)),$(QEMU_ICOUNT_ON))
QEMU_COMMON := -nographic -no-reboot -bios $(FW_DYNAMIC)
QEMU_KERNEL := -kernel $(O)/rivet.elf -initrd $(O)/initramfs.cpio \
	$(if $(APPEND),-append "$(APPEND)")

# The network: QEMU's user networking (slirp: DHCP, the guest is
# 10.0.2.15) on the first virtio-mmio transport the device lands on,
# 0x10008000, which the default configuration grants httpd; the host's
# 127.0.0.1:NETPORT is forwarded to the guest's port 80 (docs/net.md).
# NETPORT=0 lets the host pick a free port.
NETPORT ?= 8080
QEMU_NET := -netdev user,id=net0,hostfwd=tcp:127.0.0.1:$(NETPORT)-:80 \
	-device virtio-net-device,netdev=net0

.PHONY: run run-sifive run-uboot debug dtinfo

run: check-deps all
	@echo "run: network: http://localhost:$(NETPORT)/ is forwarded to the guest's port 80 (httpd); Ctrl-A x quits QEMU"
	$(QEMU) -M virt -smp $(SMP) -m $(MEM) $(QEMU_COMMON) $(QEMU_ICOUNT) $(QEMU_KERNEL) $(QEMU_NET)

run-sifive: check-deps all
	$(QEMU) -M sifive_u -smp $(if $(filter 1,$(SMP)),2,$(SMP)) $(QEMU_COMMON) $(QEMU_KERNEL)

# The disk is remade when the Image, the initramfs or APPEND change
# (uboot-disk.append records the APPEND it was made with).
$(O)/uboot-disk.img: $(O)/Image $(O)/initramfs.cpio scripts/mkbootdisk $(O)/uboot-disk.append
	$(Q)scripts/mkbootdisk $@ $(O)/Image $(O)/initramfs.cpio "$(APPEND)"

$(O)/uboot-disk.append: FORCE
	$(Q)mkdir -p $(@D); printf '%s\n' "$(APPEND)" | cmp -s - $@ 2>/dev/null || \
		printf '%s\n' "$(APPEND)" >$@

run-uboot: check-deps all $(O)/uboot-disk.img
	$(QEMU) -M virt -smp $(SMP) -m $(if $(filter 32M 64M 128M 192M,$(MEM)),256M,$(MEM)) \
		-nographic -no-reboot -bios $(FW_JUMP) -kernel $(UBOOT) \
		-drive file=$(O)/uboot-disk.img,format=raw,if=none,id=hd0 \
		-device virtio-blk-device,drive=hd0

debug: check-deps all
	@echo "QEMU is waiting for gdb. In another terminal run:"
	@echo "  gdb-multiarch $(O)/rivet.elf -ex 'target remote :1234'"
	$(QEMU) -M virt -smp $(SMP) -m $(MEM) $(QEMU_COMMON) $(QEMU_KERNEL) -s -S

dtinfo: $(O)/host/rivet-dtinfo
	@test -n "$(DTB)" || { echo "usage: make dtinfo DTB=file.dtb" >&2; exit 2; }
	$(O)/host/rivet-dtinfo $(DTB)
