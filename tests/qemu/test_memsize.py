"""Small memory sizes: every size make run accepts boots with its firmware
(fw_dynamic), a loader that puts the boot inputs on top of each other is
reported as such instead of as a broken initramfs, and make run refuses a
size below the minimum before QEMU starts."""
import os
import subprocess

import pytest

from rivetqemu import (FW_DYNAMIC, FW_JUMP, boot_kernel, build_path,
                       interactive)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]


def assert_demo_ran(b):
    assert not b.has(r"overlaps|outside RAM|cpio newc archive \("), b
    assert b.has(r"initramfs: 0x[0-9a-f]+-0x[0-9a-f]+, \d+ bytes, "
                 r"cpio newc$"), b
    for name in ("console", "hello", "world"):
        assert b.has(r"summary: %-12s id \d exited, status 0," % name), b
    assert b.has(r"rivet: powering off$"), b
    assert b.rc == 0, b


@pytest.mark.parametrize("mem", ["16M", "32M", "64M", "128M"])
def test_demo_boots_with_fw_dynamic_at(mem):
    b = boot_kernel(mem=mem, firmware=FW_DYNAMIC, extra=ICOUNT)
    assert b.find(r"mem: total RAM (\d+) MiB$").group(1) == mem[:-1]
    assert_demo_ran(b)


def test_fw_jump_tree_on_the_initrd_at_64m_is_reported_not_parsed():
    """fw_jump copies the tree to RAM base + 34 MiB, where QEMU puts the
    initrd at -m 64M: the kernel names the two and stops."""
    b = boot_kernel(mem="64M", firmware=FW_JUMP, extra=ICOUNT)
    # The initramfs's end depends on what it holds (httpd's files under
    # /www/ make it larger than 1 MiB).
    assert b.has(r"boot: device tree 0x82200000-0x822[0-9a-f]{5} overlaps "
                 r"initramfs 0x82200000-0x82[0-9a-f]{6}$"), b
    assert b.has(r"boot: stopping: load the kernel, device tree and "
                 r"initramfs apart inside RAM \(QEMU: -bios fw_dynamic.bin"), b
    assert not b.has(r"cpio|launch:|mem: usable"), b
    assert b.has(r"rivet: stopping the machine after a fatal error$"), b


def make_run(*args, timeout=120):
    return interactive(["make", "-s", "run", "NETPORT=0", "O=" + os.path.relpath(
        build_path(""), ROOT)] + list(args), [], timeout=timeout, cwd=ROOT)


def test_make_run_boots_32m():
    b = make_run("MEM=32M", "SMP=1", "ICOUNT=1",
                 "APPEND=rivet.conf=/etc/demo.conf")
    assert b.find(r"mem: total RAM (\d+) MiB$").group(1) == "32"
    assert_demo_ran(b)


@pytest.mark.parametrize("mem,why", [
    ("8M", r"MEM=8M: Rivet needs at least 16M on QEMU virt"),
    ("lots", r"MEM=lots: expected a size such as 64M")])
def test_make_run_refuses_before_qemu_starts(mem, why):
    p = subprocess.run(["make", "run", "MEM=" + mem, "O=" + os.path.relpath(
        build_path(""), ROOT)], cwd=ROOT, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert why in p.stderr, p.stderr
    assert "qemu-system" not in p.stdout + p.stderr
