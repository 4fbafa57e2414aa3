"""The notify fast path (arch/riscv/notify_fast.S) with a waker on
another hart (docs/smp.md, "The notify fast path on several harts"): two
domains on one hart ping-pong 10,000 times through a handoff channel,
each signal and sleep done without the big kernel lock, while a third on
another hart signals one of them 10,000 times through the C path and
waits for each answer (libos/tests/smp_notify.c). Every count is exact,
no wake-up comes without a bit, and nothing hangs: a lost wake-up would
stop the run until the timeout."""
import re

import pytest

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")

CONF = """[domain t_smpn_w]
image  = /libos/tests.elf
memory = 1M
hart   = %(same)d

[domain t_smpn_x]
image  = /libos/tests.elf
memory = 1M
hart   = %(same)d

[domain t_smpn_r]
image  = /libos/tests.elf
memory = 1M
hart   = %(other)d

[channel t_smpn_w t_smpn_x]
size    = 4K
handoff = yes

[channel t_smpn_r t_smpn_w]
size    = 4K
"""

CASES = ["smpn_w_pongs", "smpn_w_remote_signals", "smpn_w_empty_wakeups",
         "smpn_x_pings", "smpn_x_empty_wakeups", "smpn_r_acks",
         "smpn_r_empty_wakeups"]


@pytest.mark.parametrize("smp,same,other", [(2, 1, 0), (2, 0, 1), (4, 3, 2)])
def test_fast_notify_against_a_remote_waker_10000_rounds(tmp_path, smp, same,
                                                         other):
    initrd = make_initramfs(tmp_path, CONF % {"same": same, "other": other},
                            {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=300)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    where = dict(re.findall(r"launch: domain (\S+) placed on hart (\d+) ",
                            b.out))
    assert where == {"t_smpn_w": str(same), "t_smpn_x": str(same),
                     "t_smpn_r": str(other)}, b
    got = dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))
    for name in CASES:
        assert got.get(name) == "PASS", (name, b)
    for name in ("t_smpn_w", "t_smpn_x", "t_smpn_r"):
        assert b.has(r"summary: %s +id \d+ exited, status 0" % name), b
