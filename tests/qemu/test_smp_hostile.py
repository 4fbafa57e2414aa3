"""The multi-hart kernel under attack (issue #12, docs/smp.md "Known
races"): work that ends, reaps and reuses domain entries (and with them
ASIDs) on several harts at once must not crash the kernel, leak a frame
or hang the power-off."""
from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")


def boot(tmp_path, text, smp, timeout):
    # loglevel=5: the spawn and kill lines stay off the console (printing
    # them under the big kernel lock would be most of the run).
    initrd = make_initramfs(tmp_path, text, {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    append="loglevel=5", extra=["-initrd", initrd],
                    timeout=timeout)
    assert b.has(r"rivet: all domains have ended$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def churn_conf(names, cycles):
    return "".join("[domain t_smp_churn-%s]\nimage = /libos/tests.elf\n"
                   "memory = 2M\nslots = 64\nspawn = /libos/tests.elf\n"
                   "args = %d\n\n" % (n, cycles) for n in names)


def test_spawn_kill_on_two_harts_at_once(tmp_path):
    # Two spawners, one per hart, each spawning and killing 1,000
    # children (libos/tests/smp_hostile.c): entries (and their ASIDs)
    # freed by one hart's reaper are taken by the other hart's next
    # spawn while both run.
    # (-smp 2 spreads the two churns over both harts: tests/qemu/
    # test_placement.py; the placement lines are below loglevel 5.)
    b = boot(tmp_path, churn_conf("ab", 1000), 2, timeout=300)
    assert len(b.findall(r"TEST smp_churn_cycles: PASS$")) == 2, b
    assert not b.has(r"TEST \w+: FAIL"), b
    for n, i in (("a", 1), ("b", 2)):
        assert b.has(r"summary: t_smp_churn-%s +id %d exited, status 0"
                     % (n, i)), b
    assert not b.has(r"frames still owned after teardown"), b
