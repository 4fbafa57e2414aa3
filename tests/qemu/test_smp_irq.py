"""A device interrupt follows its holder's hart (docs/smp.md, "Device
interrupts"): the domain holding the goldfish RTC's interrupt, placed on
a secondary hart, gets it claimed on that hart's own PLIC S-mode context
(read from the tree's interrupts-extended): the kernel's per-hart claim
count (KSTAT_HART_IRQ_CLAIMS) read on that hart moves by one per
interrupt (libos/tests/smp_irq.c). Left on the boot hart's context the
count there would not move and the check fails."""
import re

import pytest

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")

CONF = """[domain t_smp_irq]
image  = /libos/tests.elf
memory = 1M
device = /soc/rtc@101000
hart   = %d
"""


@pytest.mark.parametrize("smp,hart", [(2, 1), (4, 3), (4, 2)])
def test_device_interrupt_is_claimed_on_the_holders_hart(tmp_path, smp, hart):
    initrd = make_initramfs(tmp_path, CONF % hart,
                            {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=120)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.has(r"cpu: %d harts online" % smp), b
    # Each hart's own context, from the tree (virt: S-mode of hart N is
    # context 2N + 1).
    assert b.has(r"plic: using context %d of hart %d$" % (2 * hart + 1,
                                                          hart)), b
    assert b.has(r"launch: domain t_smp_irq placed on hart %d " % hart), b
    got = dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))
    for name in ("smp_irq_map", "smp_irq_bind", "smp_irq_delivered",
                 "smp_irq_claimed_on_my_hart",
                 "smp_irq_claimed_again_on_my_hart", "smp_irq_deleted"):
        assert got.get(name) == "PASS", (name, b)
    assert b.has(r"summary: t_smp_irq +id 1 exited, status 0"), b
