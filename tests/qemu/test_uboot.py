"""The boot chain of real boards, on QEMU: OpenSBI -> U-Boot (S-mode) ->
distro boot of extlinux.conf from a virtio disk -> booti of build/Image."""
import os
import subprocess

from rivetqemu import build_path, qemu, DEMO_CONF, FW_JUMP, UBOOT


def test_uboot_booti_boots_image_with_two_cell_initrd(tmp_path):
    disk = str(tmp_path / "disk.img")
    subprocess.run(["scripts/mkbootdisk", disk, build_path("Image"),
                    build_path("initramfs.cpio"), "loglevel=6 " + DEMO_CONF],
                   check=True,
                   stdout=subprocess.DEVNULL)
    b = qemu(["-M", "virt", "-smp", "2", "-m", "256M", "-bios", FW_JUMP,
              "-kernel", UBOOT,
              "-drive", "file=%s,format=raw,if=none,id=hd0" % disk,
              "-device", "virtio-blk-device,drive=hd0",
              "-icount", "shift=0,sleep=off"], timeout=120)
    # booti moves the image to RAM base + text_offset.
    assert b.has(r"Moving Image from 0x[0-9a-f]+ to 0x80200000"), b
    assert b.has(r"boot: riscv-virtio,qemu, hart \d, image at 0x80200000,")
    assert b.has(r"boot: bootargs \"loglevel=6 %s\"" % DEMO_CONF)
    size = os.path.getsize(build_path("initramfs.cpio"))
    # U-Boot writes linux,initrd-start/-end as two cells each.
    assert b.has(r"initramfs: 0x[0-9a-f]+-0x[0-9a-f]+, %d bytes, cpio newc"
                 % size), b
    assert b.has(r"summary: hello +id 2 exited, status 0")
    assert b.has(r"rivet: powering off$")
    assert b.rc == 0
