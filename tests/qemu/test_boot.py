"""Boot tests: every machine Rivet supports, booted under QEMU, with the
boot log checked line by line against what the machine really is."""
import os
import re
import subprocess

import pytest

from rivetqemu import boot_kernel, build_path, qemu, FW_JUMP

MIB = {"128M": 128, "256M": 256, "2G": 2048}


def assert_clean_stop(b):
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.rc == 0, b


@pytest.mark.parametrize("smp", [1, 4])
@pytest.mark.parametrize("mem", ["128M", "2G"])
def test_virt_reports_ram_harts_uart_plic(smp, mem):
    b = boot_kernel("virt", smp=smp, mem=mem)
    assert b.find(r"mem: total RAM (\d+) MiB").group(1) == str(MIB[mem])
    usable = b.find(r"cpu: (\d+) harts usable, (\d+) skipped")
    assert usable.groups() == (str(smp), "0")
    assert b.has(r"console: ns16550a at 0x10000000 \(/soc/serial@10000000\),"
                 r" driver 8250")
    # QEMU virt lays out two contexts per hart, M then S: S = 2*hart+1.
    contexts = {int(h): int(c) for h, c in
                b.findall(r"plic: hart (\d+) S-mode context (\d+)")}
    assert contexts == {h: 2 * h + 1 for h in range(smp)}
    assert b.has(r"initramfs: 0x[0-9a-f]+-0x[0-9a-f]+, \d+ bytes, cpio newc")
    assert b.has(r"timer: interrupt after \d+ us")
    assert_clean_stop(b)


@pytest.mark.parametrize("smp", [2, 5])
def test_sifive_u_skips_monitor_hart_and_stops_by_reset(smp):
    b = boot_kernel("sifive_u", smp=smp)
    assert b.find(r"mem: total RAM (\d+) MiB").group(1) == "128"
    assert b.has(r"cpu: hart 0: skipped: disabled")
    usable = b.find(r"cpu: (\d+) harts usable, (\d+) skipped")
    assert usable.groups() == (str(smp - 1), "1")
    assert b.has(r"console: sifive,uart0 at 0x10010000 .* driver sifive, "
                 r"firmware baud kept")
    contexts = {int(h): int(c) for h, c in
                b.findall(r"plic: hart (\d+) S-mode context (\d+)")}
    # After OpenSBI, hart 0 has only an M context: S contexts are 2*hart.
    assert contexts == {h: 2 * h for h in range(1, smp)}
    assert b.has(r"timer: timebase 1000000 Hz, using SBI TIME")
    # sifive_u has no shutdown device: SRST shutdown fails, reset ends it.
    assert b.has(r"SBI shutdown refused \(error -2\), resetting")
    assert_clean_stop(b)


def test_same_image_boots_at_two_physical_addresses():
    image = build_path("Image")
    low = qemu(["-M", "virt", "-smp", "1", "-m", "256M", "-bios", FW_JUMP,
                "-kernel", image])
    # fw_jump always jumps to 0x80200000; plant "auipc t0, 0xe00; jr t0"
    # there to reach the image loaded 14 MiB higher.
    high = qemu(["-M", "virt", "-smp", "1", "-m", "256M", "-bios", FW_JUMP,
                 "-device", "loader,file=%s,addr=0x81000000" % image,
                 "-device", "loader,addr=0x80200000,data=0x00e00297,"
                 "data-len=4",
                 "-device", "loader,addr=0x80200004,data=0x00028067,"
                 "data-len=4"])
    assert low.has(r"image at 0x80200000,"), low
    assert high.has(r"image at 0x81000000,"), high
    assert high.has(r"mem: kernel +0x0000000081000000-"), high
    for b in (low, high):
        assert b.has(r"timer: interrupt after"), b
        assert_clean_stop(b)


def test_kernel_fault_prints_cause_registers_and_named_backtrace():
    b = boot_kernel("virt", append="rivet.test=fault")
    assert b.has(r"rivet: kernel fault: store/AMO page fault \(scause 0xf\)")
    assert b.has(r"epc  0xffffffff8[0-9a-f]{7} test_hook_fault\+0x")
    assert b.has(r"tval 0x0000000000000010$")
    assert b.has(r" ra   ffffffff8[0-9a-f]{7}  sp   ffffffff8")
    assert b.has(r"t6   [0-9a-f]{16}$")
    frames = b.findall(r"#\d+ +0x[0-9a-f]+ (\w+)\+0x")
    assert frames[:4] == ["test_hook_fault", "test_hooks_run", "kmain",
                          "start_high"], b
    assert b.has(r"rivet: stopping the machine after a fatal error")
    assert not b.has(r"powering off")
    assert b.rc == 0


def test_failed_assertion_reports_expression_and_backtrace():
    b = boot_kernel("virt", append="rivet.test=assert")
    assert b.has(r"rivet: assertion failed: value == 2$")
    assert b.has(r"at kernel/test_hooks.c:\d+ in test_hook_assert\(\)")
    assert b.has(r"kernel fault: breakpoint")
    frames = b.findall(r"#\d+ +0x[0-9a-f]+ (\w+)\+0x")
    assert frames[:4] == ["assert_fail", "test_hook_assert",
                          "test_hooks_run", "kmain"], b
    assert b.has(r"rivet: stopping the machine after a fatal error")


def test_loglevel_bootarg_hides_info_but_keeps_notices():
    quiet = boot_kernel("virt", append="loglevel=5")
    assert quiet.has(r"Rivet \d+\.\d+\.\d+ ")
    assert not quiet.has(r"mem: total RAM"), quiet
    assert quiet.has(r"summary: hello +id 2 exited, status 0")
    verbose = boot_kernel("virt", append="loglevel=7")
    assert verbose.has(r"boot: bootargs \"loglevel=7 [^\"]*\", loglevel 7")


def test_deterministic_boot_is_repeatable():
    args = dict(machine="virt", smp=1, mem="256M",
                extra=["-icount", "shift=0,sleep=off", "-seed", "1"])
    first, second = boot_kernel(**args), boot_kernel(**args)
    assert_clean_stop(first)
    log = first.out[first.out.index("Rivet "):]
    assert log == second.out[second.out.index("Rivet "):]


def test_boot_without_initramfs_says_so():
    b = boot_kernel("virt", initrd=False)
    assert b.has(r"initramfs: none \(the boot loader passed no "
                 r"linux,initrd-start\)")
    assert_clean_stop(b)


def test_image_header_is_valid_for_booti():
    import struct
    data = open(build_path("Image"), "rb").read()
    (code0, _c1, text_offset, image_size, flags, version, _r1, _r2, magic,
     magic2, _r3) = struct.unpack("<IIQQQIIQ8s4sI", data[:64])
    assert code0 & 0x7f == 0x6f  # jal over the header
    assert text_offset == 0x200000
    assert image_size >= len(data)  # .bss included
    assert (magic, magic2) == (b"RISCV\0\0\0", b"RSC\x05")
    assert flags == 0 and version == 2
    elf = open(build_path("rivet.elf"), "rb").read()
    assert elf[:4] == b"\x7fELF"


def test_rivet_dtinfo_agrees_with_the_kernel(tmp_path):
    """What rivet-dtinfo says about a QEMU tree is what the kernel logs."""
    from rivetqemu import dtinfo, dump_dtb
    for machine, smp, mem in (("virt", 4, "2G"), ("sifive_u", 5, None)):
        info = dtinfo(dump_dtb(str(tmp_path / "m.dtb"), machine, smp, mem))
        b = boot_kernel(machine, smp=smp, mem=mem)
        ram = int(b.find(r"mem: total RAM (\d+) MiB").group(1))
        assert "ram total: %d MiB" % ram in info, info
        ctx = dict(b.findall(r"plic: hart (\d+) S-mode context (\d+)"))
        for hart, c in ctx.items():
            assert re.search(r"hart %s: usable .*plic-context %s\b"
                             % (hart, c), info), (hart, c, info)
        uart = b.find(r"console: (\S+) at (0x[0-9a-f]+) \((\S+)\)")
        assert re.search(r"console: %s %s at 0x0*%s" % (
            re.escape(uart.group(3)), re.escape(uart.group(1)),
            uart.group(2)[2:]), info), info


def test_sifive_unleashed_defconfig_builds_a_kernel_without_8250(tmp_path):
    out = str(tmp_path / "build")
    subprocess.run(["make", "-s", "O=" + out, "sifive_unleashed_defconfig"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["make", "-s", "-j2", "O=" + out, out + "/rivet.elf"],
                   check=True, stdout=subprocess.DEVNULL)
    elf = os.path.join(out, "rivet.elf")
    on_sifive = boot_kernel("sifive_u", smp=2, kernel=elf, initrd=False)
    assert on_sifive.has(r"config sifive_unleashed$")
    assert on_sifive.has(r"driver sifive")
    # On virt the ns16550a has no driver in this build: the kernel says so
    # and keeps the SBI console.
    on_virt = boot_kernel("virt", kernel=elf, initrd=False)
    assert on_virt.has(r"console: staying on the SBI console: its driver is "
                       r"not built in")
    assert on_virt.has(r"rivet: powering off$")
