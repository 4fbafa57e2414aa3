# Running and debugging under QEMU.
#   make run [SMP=n] [MEM=size] [APPEND="bootargs"]
#   make run-sifive [SMP=n]
#   make run-uboot
#   make debug        (QEMU waits for gdb on :1234)

SMP ?= 2
MEM ?= 256M
APPEND ?=

# -icount shift=0: virtual time follows executed instructions (1 GHz), as
# on hardware, instead of the host clock, which TCG translation skews.
QEMU_ICOUNT := -icount shift=0,sleep=off
QEMU_COMMON := -nographic -no-reboot -bios $(FW_JUMP)
QEMU_KERNEL := -kernel $(O)/rivet.elf -initrd $(O)/initramfs.cpio \
	$(if $(APPEND),-append "$(APPEND)")

.PHONY: run run-sifive run-uboot debug dtinfo

run: check-deps all
	$(QEMU) -M virt -smp $(SMP) -m $(MEM) $(QEMU_COMMON) $(QEMU_ICOUNT) $(QEMU_KERNEL)

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
