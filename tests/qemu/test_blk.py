"""The virtio block driver (libos/blk) under QEMU virt, over both
virtio-mmio transports: the domain reads a seeded pseudo-random disk image
and prints its FNV-1a checksum, which is compared with the one computed
here; it writes a pattern and reads it back, and the image file must hold
that pattern afterwards. Error paths: requests the driver refuses, errors
the device reports, a read-only disk, and a granted slot with no disk.
docs/devices-blk.md describes the driver."""
import random

import pytest

from rivetqemu import boot_domains, build_path

BLK_ELF = build_path("libos/blk.elf")
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
SECTOR = 512
# A domain's console line, after the kernel's timestamp if there is one.
LINE = r"(?:^|\] )"

# QEMU virt creates its eight virtio-mmio transports so that the first
# -device virtio-*-device lands on the one at the highest address:
# 0x10008000, PLIC source 8 (checked with the monitor's `info qtree`).
NODE = "/soc/virtio_mmio@10008000"
CONFIG = """[domain blk]
image = /libos/blk.elf
memory = 2M
device = %s dma
""" % NODE

MODERN = ["-global", "virtio-mmio.force-legacy=false"]
TRANSPORTS = {"legacy": ([], 1), "modern": (MODERN, 2)}

CASES = ["read_whole_disk", "write_read_back", "read_past_end_refused",
         "read_across_end_refused", "partial_sector_refused",
         "range_outside_buffer_refused", "device_past_end_is_io_error",
         "device_unknown_type_unsupported", "device_works_after_errors"]


def fnv1a(data):
    """FNV-1a, 32 bits, as libos/blk/main.c computes it."""
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def pattern(sector, count):
    """What the write test puts in count sectors from sector."""
    return bytes((s * 131 + i * 7 + 0x3c) & 0xff
                 for s in range(sector, sector + count)
                 for i in range(SECTOR))


def make_disk(tmp_path, size, seed=2024):
    data = random.Random(seed).randbytes(size)
    path = tmp_path / "disk.img"
    path.write_bytes(data)
    return path, data


def drive(path, readonly=False):
    return ["-drive", "file=%s,if=none,format=raw,id=hd0%s"
            % (path, ",readonly=on" if readonly else ""),
            "-device", "virtio-blk-device,drive=hd0"]


def boot(tmp_path, extra, timeout=60):
    b = boot_domains(tmp_path, CONFIG, {"/libos/blk.elf": BLK_ELF},
                     extra=ICOUNT + list(extra), timeout=timeout)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def results(b):
    return dict(b.findall(r"TEST blk_(\w+): (PASS|FAIL.*)$"))


def assert_cases(b, expected):
    got = results(b)
    missing = [c for c in expected if c not in got]
    failed = {c: r for c, r in got.items() if r != "PASS"}
    assert not missing and not failed, (missing, failed, b.out)


def assert_checksum(b, data):
    m = b.find(LINE + r"blk: checksum 0x([0-9a-f]{8}) over (\d+) bytes$")
    assert int(m.group(2)) == len(data), b
    assert int(m.group(1), 16) == fnv1a(data), \
        "domain 0x%s, host 0x%08x" % (m.group(1), fnv1a(data))


@pytest.mark.parametrize("transport", sorted(TRANSPORTS))
def test_blk_checksum_write_read_back(tmp_path, transport):
    args, version = TRANSPORTS[transport]
    path, data = make_disk(tmp_path, 1 << 20)
    b = boot(tmp_path, drive(path) + args)
    b.find(LINE + r"blk: %s: virtio-mmio version %d \(%s\), queue \d+, "
           r"interrupts$" % (NODE, version, transport))
    b.find(LINE + r"blk: capacity %d sectors$" % (len(data) // SECTOR))
    assert_checksum(b, data)
    assert_cases(b, CASES)
    # A request that had to wait was woken by the device's interrupt.
    m = b.find(LINE + r"blk: (\d+) requests, (\d+) waited, (\d+) interrupts, "
               r"\d+ ticks$")
    assert int(m.group(2)) == 0 or int(m.group(3)) > 0, b
    b.find(LINE + r"BENCH blk_read_seq \d+\.\d insns/KiB$")
    assert b.has(r"summary: blk +id 1 exited, status 0,"), b

    # The writes reached the image, and nothing else changed.
    nsect = len(data) // SECTOR
    written = {nsect - 8: 8, 1: 1, 16: 16}
    want = bytearray(data)
    for sector, count in written.items():
        want[sector * SECTOR:(sector + count) * SECTOR] = \
            pattern(sector, count)
    assert path.read_bytes() == bytes(want)


def test_blk_last_read_shorter_than_a_page(tmp_path):
    # 64 KiB and three sectors: the last request reads 1536 bytes.
    path, data = make_disk(tmp_path, (64 << 10) + 3 * SECTOR, seed=7)
    b = boot(tmp_path, drive(path) + MODERN)
    b.find(LINE + r"blk: capacity %d sectors$" % (len(data) // SECTOR))
    assert_checksum(b, data)
    assert_cases(b, CASES)
    assert b.has(r"summary: blk +id 1 exited, status 0,"), b


def test_blk_read_only_disk_refuses_writes(tmp_path):
    path, data = make_disk(tmp_path, 256 << 10, seed=3)
    b = boot(tmp_path, drive(path, readonly=True))
    b.find(LINE + r"blk: capacity %d sectors \(read-only\)$"
           % (len(data) // SECTOR))
    assert_checksum(b, data)
    assert_cases(b, ["read_only_write_refused"] +
                 [c for c in CASES if c != "write_read_back"])
    assert not b.has(r"TEST blk_write_read_back"), b
    assert b.has(r"summary: blk +id 1 exited, status 0,"), b
    assert path.read_bytes() == data


def test_blk_granted_slot_without_disk(tmp_path):
    # The node exists but QEMU put no device behind it: device id 0.
    b = boot(tmp_path, [])
    b.find(LINE + r"blk: no usable virtio block device \(-5\)$")
    assert b.has(r"summary: blk +id 1 exited, status 2,"), b


def test_blk_read_seq_figure_is_repeatable(tmp_path):
    """make bench's blk_read_seq (scripts/bench.mk boots blk with
    libos/bench/blk.conf on a fresh zeroed 1 MiB disk): the same figure on
    every boot, in the form make bench reads, and equal to the fewest
    instructions a 4 KiB read spent outside its wait, per KiB. Which
    requests wait changes from boot to boot; the figure must not."""
    conf = open("libos/bench/blk.conf").read()
    figures = []
    for i in range(3):
        path = tmp_path / ("zero%d.img" % i)
        path.write_bytes(bytes(1 << 20))
        work = tmp_path / str(i)
        work.mkdir()
        b = boot_domains(work, conf,
                         {"/libos/blk.elf": BLK_ELF},
                         extra=ICOUNT + drive(path), timeout=60)
        assert b.has(r"summary: blk +id 1 exited, status 0,"), b
        m = b.find(LINE + r"BENCH blk_read_seq (\d+\.\d) insns/KiB$")
        least = b.find(LINE + r"blk: 4 KiB outside the wait: (\d+) insns "
                       r"at least$")
        assert int(m.group(1).replace(".", "")) == \
            int(least.group(1)) * 10 // 4, b
        figures.append(m.group(1))
    assert len(set(figures)) == 1, figures
