"""`initramfs = yes` (docs/boot-config.md, docs/libos.md): the kernel maps
the initramfs read-only into the domain, at RIVET_INITRAMFS_VA, without
charging its frames to anyone; librivet reads files from it; a domain
without the key sees nothing. Roles are in libos/tests/initramfs.c."""
import re

from rivetqemu import build_path
from test_domains import assert_all_pass, run_suite

TESTS_ELF = build_path("libos/tests.elf")
BIG_SIZE = 3 << 20


def big_file():
    """The roles' /t/big.bin: byte i is i*7 + (i >> 12)*13 (mod 256)."""
    return bytes((i * 7 + (i >> 12) * 13) & 0xff for i in range(BIG_SIZE))


# Two domains with the key and 2M each: the archive (over 3 MiB) fits in
# neither quota, so its frames cannot be charged to either.
CONF = """[domain t_initramfs]
image = /libos/tests.elf
memory = 2M
initramfs = yes

[domain t_initramfs-b]
image = /libos/tests.elf
memory = 2M
initramfs = yes

[domain t_initramfs_none]
image = /libos/tests.elf
memory = 1M
"""

CASES = [
    "initramfs_info_says_where", "initramfs_archive_given",
    "initramfs_starts_with_cpio_magic", "initramfs_file_found",
    "initramfs_file_reads_back", "initramfs_relative_path_same_file",
    "initramfs_missing_file_is_noent", "initramfs_prefix_is_not_a_file",
    "initramfs_not_a_syscall_buffer",
    "initramfs_big_file_found", "initramfs_big_file_reads_back",
    "initramfs_listing_names_every_file",
    "initramfs_store_faults_first_page", "initramfs_store_faults_in_a_file",
    "initramfs_store_faults_last_page", "initramfs_unchanged_after_stores",
    "initramfs_nothing_past_the_end"]
NONE_CASES = [
    "no_initramfs_in_the_info_page", "no_initramfs_archive",
    "no_initramfs_file", "no_initramfs_listing", "no_initramfs_mapped"]


def boot(tmp_path, conf=CONF):
    from rivetqemu import boot_domains
    b = boot_domains(tmp_path, conf, {
        "/libos/tests.elf": TESTS_ELF,
        "/t/hello.txt": b"rivet initramfs test file\n",
        "/t/big.bin": big_file()}, extra=["-icount", "shift=0"],
        timeout=120)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def test_initramfs_is_mapped_read_only_and_read_by_librivet(tmp_path):
    b = boot(tmp_path)
    assert_all_pass(b, CASES + NONE_CASES)
    # Both domains with the key ran every case (each reports its own).
    for case in CASES:
        assert len(re.findall(r"TEST %s: PASS$" % case, b.out, re.M)) == 2, \
            case
    for name in ("t_initramfs", "t_initramfs-b"):
        m = b.find(r"launch: domain %s: initramfs read-only at 0x3fe0200000, "
                   r"(\d+) bytes \(page tables (\d+) KiB of its quota\)$"
                   % name)
        assert int(m.group(1)) > BIG_SIZE
        # Page tables only: the archive's own frames are not counted.
        assert int(m.group(2)) <= 16, m.group(0)
    assert not b.has(r"launch: domain t_initramfs_none: initramfs"), b
    assert b.has(r"summary: t_initramfs +id 1 exited, status 0,"), b
    assert b.has(r"summary: t_initramfs_none +id 3 exited, status 0,"), b


def test_initramfs_bad_value_refuses_the_domain(tmp_path):
    conf = CONF.replace("initramfs = yes\n\n[domain t_initramfs-b]",
                        "initramfs = /www/\n\n[domain t_initramfs-b]")
    b = boot(tmp_path, conf)
    assert b.has(r"config: /etc/rivet.conf:4: bad initramfs '/www/'; "
                 r"expected yes or no$"), b
    assert b.has(r"launch: domain t_initramfs refused: configuration error "
                 r"at line 4$"), b
    assert b.has(r"summary: t_initramfs-b +id \d+ exited, status 0,"), b
