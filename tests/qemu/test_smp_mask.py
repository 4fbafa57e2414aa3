"""Remote TLB fences and hart masks (docs/smp.md, "TLB shootdown";
roles in libos/tests/smp_mask.c). The kernel counts its SBI RFENCE calls
and the harts they name (KSTAT_REMOTE_FENCES, KSTAT_REMOTE_FENCE_HARTS);
t_smpm_rev prints, for each revoke of a frame its readers on other harts
mapped and read, how many of each the revoke made."""
import re

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")


def rev_conf(rev_hart, reader_harts):
    text = ("[domain t_smpm_rev]\nimage = /libos/tests.elf\nmemory = 1M\n"
            "hart = %d\n" % rev_hart)
    text += "".join("peer = t_smpm_r-%d\n" % h for h in reader_harts)
    for h in reader_harts:
        text += ("\n[domain t_smpm_r-%d]\nimage = /libos/tests.elf\n"
                 "memory = 1M\nhart = %d\naccept = t_smpm_rev 4\n" % (h, h))
    for h in reader_harts:
        text += "\n[channel t_smpm_rev t_smpm_r-%d]\nsize = 4K\n" % h
    return text


def boot(tmp_path, text, smp, append=None, timeout=240):
    initrd = make_initramfs(tmp_path, text, {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    append=append, extra=["-initrd", initrd],
                    timeout=timeout)
    # loglevel=5 keeps the info lines (harts, spawns) off the console.
    assert b.has(r"rivet: all domains have ended$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert "loglevel=5" in (append or "") or \
        b.has(r"cpu: %d harts online" % smp), b
    assert not b.has(r"TEST \w+: FAIL"), b
    return b


def rounds(b):
    return [(int(c), int(h)) for c, h in
            re.findall(r"smpm: round \d+ calls (\d+) harts (\d+)$", b.out,
                       re.M)]


def check_readers(b, n):
    assert len(b.findall(r"TEST smp_mask_reader_mapped_and_read: PASS$")) \
        == n, b
    assert b.has(r"TEST smp_mask_revokes: PASS$"), b
    assert b.has(r"TEST smp_mask_reads_fault_after_revoke: PASS$"), b


def test_one_rfence_call_for_a_revoke_on_three_harts(tmp_path):
    # One frame read on harts 1, 2 and 3, one revoke from hart 0: one SBI
    # call names the three harts (it made one call per space, three, when
    # each space's fence was sent at once).
    b = boot(tmp_path, rev_conf(0, (1, 2, 3)), 4)
    check_readers(b, 3)
    assert rounds(b) == [(1, 3)] * 8, b


def test_a_hart_that_no_longer_runs_a_space_is_not_fenced_again(tmp_path):
    # rivet.test=hart-stray-bit: every space also has the bit of a hart
    # it is not placed on (the highest other hart id: 2 for the reader on
    # hart 1). The first revoke fences both; that fence takes the stray
    # hart out of the mask, so the later ones fence hart 1 alone (without
    # the reset each named both harts).
    b = boot(tmp_path, rev_conf(0, (1,)), 3, append="rivet.test=hart-stray-bit")
    check_readers(b, 1)
    assert rounds(b) == [(1, 2)] + [(1, 1)] * 7, b


def test_an_ended_domain_is_fenced_on_every_hart_of_its_mask(tmp_path):
    # A child (on hart 0, its spawner's) maps four pages and ends; its
    # space also names the stray hart 2. Its teardown fences hart 2 once,
    # at the end, before its ASID can be reused (with the ASID fenced on
    # its own hart alone: no call; fenced at each unmap: more than one).
    text = ("[domain t_smpm_sp]\nimage = /libos/tests.elf\nmemory = 2M\n"
            "slots = 64\nspawn = /libos/tests.elf\nhart = 0\n")
    b = boot(tmp_path, text, 3, append="rivet.test=hart-stray-bit")
    assert b.has(r"TEST smp_mask_mapper_ended: PASS$"), b
    assert b.has(r"smpm: teardown calls 1 harts 1$"), b


CHURN = ("[domain t_smpm_churn-%s]\nimage = /libos/tests.elf\nmemory = 2M\n"
         "slots = 64\nspawn = /libos/tests.elf\nhart = %d\nargs = %d\n\n")


def test_reused_asids_show_no_stale_translation(tmp_path):
    # Children spawned and ended on harts 1 and 2 at once, each its own
    # page at one address: ASIDs one hart's reaper frees are taken on the
    # other; no child may read anything there before it maps its own
    # (smp_mask_kid_stale), with a stray hart in every mask too.
    text = CHURN % ("a", 1, 150) + CHURN % ("b", 2, 150)
    b = boot(tmp_path, text, 3, append="loglevel=5 rivet.test=hart-stray-bit")
    assert len(b.findall(r"TEST smp_mask_churn: PASS$")) == 2, b
    assert not b.has(r"frames still owned after teardown"), b
