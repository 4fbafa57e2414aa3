"""kstat on several harts (kernel/syscall.c, syscall_several;
docs/smp.md): a one-word counter is read without the big kernel lock,
the others through it. A domain on its own hart, while another keeps the
lock busy, allocates and deletes a frame 500 times and its own counters
follow exactly; a counter read under the lock, the quota and an unknown
counter still answer as on one hart (libos/tests/smp_kstat.c)."""
import re

import pytest

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")

CONF = """[domain t_kstat_reader]
image  = /libos/tests.elf
memory = 1M
hart   = %(reader)d

[domain t_idle_hog]
image  = /libos/tests.elf
memory = 2M
hart   = %(hog)d
"""


@pytest.mark.parametrize("smp,reader,hog", [(2, 1, 0), (1, 0, 0)])
def test_kstat_counters_on_several_harts(tmp_path, smp, reader, hog):
    initrd = make_initramfs(tmp_path, CONF % {"reader": reader, "hog": hog},
                            {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=300)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    got = dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))
    for name in ("kstat_own_counters_follow", "kstat_locked_counter",
                 "kstat_unknown_refused", "kstat_quota", "idle_hog_ran"):
        assert got.get(name) == "PASS", (name, b)
