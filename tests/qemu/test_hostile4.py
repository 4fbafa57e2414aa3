"""A hostile review of the multi-hart kernel (issue #11's promise on
issue #12's SMP): domains on two harts attack the calls that work in
restartable pieces and let the big kernel lock go between them, the
submission ring, the zeroed-frame pool and cross-hart events. Each test
names the attack; the roles are in libos/tests/hostile4_*.c."""
import re

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")


def boot(tmp_path, conf, smp=2, timeout=240, append="loglevel=5",
         mem="256M"):
    initrd = make_initramfs(tmp_path, conf, {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem=mem, initrd=False, append=append,
                    extra=["-initrd", initrd], timeout=timeout)
    assert b.has(r"rivet: all domains have ended$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert not b.has(r"frames still owned after teardown"), b
    return b, dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))


def expect_pass(b, got, names):
    for name in names:
        assert got.get(name) == "PASS", (name, b)
    assert not b.has(r"TEST \w+: FAIL"), b


REVOKE_CONF = """[domain t_h4_revoker]
image  = /libos/tests.elf
memory = 16M
hart   = 0
peer   = t_h4_holder
args   = %(mode)s

[domain t_h4_holder]
image  = /libos/tests.elf
memory = 2M
slots  = 4096
hart   = 1
accept = t_h4_revoker 4
args   = %(mode)s

[channel t_h4_revoker t_h4_holder]
size   = 4K
"""

REVOKE_CASES = ("h4_holder_mapped", "h4_revoke_ok",
                "h4_revoke_deleted_the_copy", "h4_no_map_during_revoke",
                "h4_holder_pages_fault_after_revoke")


def test_holder_cannot_map_a_large_capability_again_during_its_revoke(
        tmp_path):
    # The revoke removes the holder's 2,048 pages in pieces from the
    # mapping's end (mapping_shrink marks the record part-way); the
    # holder, on the other hart, maps the same capability at the same
    # address between two pieces, which goes on from that record.
    b, got = boot(tmp_path, REVOKE_CONF % {"mode": "big"})
    expect_pass(b, got, REVOKE_CASES)


def test_granter_maps_and_copies_its_original_while_a_holder_revokes(
        tmp_path):
    # What the fix above must not refuse: the holder revokes 3,000 copies
    # it made of its grant (many pieces) while the granter, on the other
    # hart, copies, maps and unmaps its original, which is not below them
    # (both were refused while the record was a range: 147 and more).
    b, got = boot(tmp_path, REVOKE_CONF % {"mode": "own"})
    expect_pass(b, got, ("h4_own_copies_revoked",
                         "h4_own_granter_maps_and_copies_its_original"))


def test_holder_cannot_map_a_page_again_during_its_revoke_by_ring(tmp_path):
    # The same with a one-page capability mapped at 256 addresses, mapped
    # again through the ring (map_batch's one-page path) between pieces.
    b, got = boot(tmp_path, REVOKE_CONF % {"mode": "ring"})
    expect_pass(b, got, REVOKE_CASES)


POOL_CONF = """[domain t_h4_pool-a]
image      = /libos/tests.elf
memory     = 128M
overcommit = yes
slots      = 12288
hart       = 0

[domain t_h4_pool-b]
image      = /libos/tests.elf
memory     = 128M
overcommit = yes
slots      = 12288
hart       = 1
"""

POOL_CASES = ("h4_pool_ran_the_machine_dry", "h4_pool_every_frame_zero",
              "h4_pool_no_frame_changed_while_held", "h4_pool_deletes_ok",
              "h4_pool_counts_back_each_round")


def test_zeroed_pool_run_dry_on_two_harts(tmp_path):
    # Two overcommitted domains, one per hart, take every free frame of a
    # 128 MiB machine (all but about 3,000 held by the first) in turns
    # while the other's hart idles and refills the pool with the lock let
    # go (libos/tests/hostile4_pool.c).
    b, got = boot(tmp_path, POOL_CONF, mem="128M", timeout=300)
    for n in POOL_CASES:
        assert len(b.findall(r"TEST %s: PASS$" % n)) == 2, (n, b)
    assert b.has(r"TEST h4_pool_hog: PASS$"), b
    assert not b.has(r"TEST \w+: FAIL"), b


RING_CONF = """[domain t_h4_ringown]
image  = /libos/tests.elf
memory = 2M
hart   = 0

[domain t_h4_scribbler]
image  = /libos/tests.elf
memory = 1M
hart   = 1

[channel t_h4_ringown t_h4_scribbler]
size   = 4K
"""


def test_ring_rewritten_by_another_hart_while_it_runs(tmp_path):
    # The ring sits in a channel page; the peer on the other hart writes
    # its tail, head and entries at random during 3,000 submits
    # (libos/tests/hostile4_ring.c).
    b, got = boot(tmp_path, RING_CONF)
    expect_pass(b, got, ("h4_ring_every_submit_sane", "h4_ring_raced",
                         "h4_ring_a1_counts_every_entry",
                         "h4_ring_works_after", "h4_ring_no_slot_taken"))


KILL_CONF = """[domain t_h4_killer]
image  = /libos/tests.elf
memory = 8M
slots  = 640
hart   = 0
spawn  = /libos/tests.elf
notify = t_h4_waiter

[domain t_h4_flooder]
image  = /libos/tests.elf
memory = 1M
hart   = 1
notify = t_h4_waiter
notify = t_h4_killer

[domain t_h4_waiter]
image  = /libos/tests.elf
memory = 1M
hart   = 0

[channel t_h4_killer t_h4_flooder]
size   = 4K
"""


def test_kill_mid_restart_while_another_hart_floods_the_dying(tmp_path):
    # 120 children killed between two pieces of a frame_alloc run, a large
    # map or unmap, a ring map stopped part-way or a revoke; meanwhile a
    # domain on the other hart notifies and yields through every slot,
    # and wakes a domain waiting on the killer's hart with each event, an
    # IPI each (libos/tests/hostile4_kill.c).
    b, got = boot(tmp_path, KILL_CONF, timeout=300)
    expect_pass(b, got, ("h4_kill_spawn_kill_ok",
                         "h4_kill_quota_back_each_kill",
                         "h4_flood_calls_sane", "h4_flood_ran",
                         "h4_flood_woke_the_waiter"))
