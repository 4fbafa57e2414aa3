"""A granter revokes an interrupt capability from one hart while the
holder's hart claims that interrupt in its idle loop without the big
kernel lock (libos/tests/red9_irq.c; kernel/cap/irq_fast.h; docs/smp.md,
"The lock-free idle resume"; docs/isolation.md): 300 rounds of grant,
bind, raise, revoke at varied moments; every call gives 0 or the
expected error, and the source still delivers to a new binding
afterwards (no claim left open, the source not left masked)."""
import re

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")

CONF = """[domain t_red9_irq_owner]
image  = /libos/tests.elf
memory = 1M
device = /soc/rtc@101000
peer   = t_red9_irq_holder
notify = t_red9_irq_holder
hart   = 0

[domain t_red9_irq_holder]
image  = /libos/tests.elf
memory = 1M
accept = t_red9_irq_owner 4
hart   = 1

[channel t_red9_irq_owner t_red9_irq_holder]
size   = 4K
"""

CASES = ["red9_irq_owner_maps_rtc", "red9_irq_granted_every_round",
         "red9_irq_revoked_every_round", "red9_irq_holder_sane",
         "red9_irq_owner_binds", "red9_irq_source_works_after_races",
         "red9_irq_owner_acks"]


def test_revoke_from_another_hart_while_the_holder_claims(tmp_path):
    initrd = make_initramfs(tmp_path, CONF, {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    append="loglevel=5", extra=["-initrd", initrd],
                    timeout=180)
    assert b.has(r"rivet: all domains have ended$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    got = dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))
    for name in CASES:
        assert got.get(name) == "PASS", (name, b)
    assert not b.has(r"TEST \w+: FAIL"), b
    assert b.has(r"summary: t_red9_irq_holder +id 2 exited, status 0"), b
