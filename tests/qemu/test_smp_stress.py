"""Concurrent capability stress (docs/smp.md): four domains on the four
harts of virt -smp 4 make 25,000 capability calls each (10^5 in all,
about 2 s on an idle two-core host: smp_stress.c) in a random order:
frame allocations, derives, grants into each other's spaces, revokes
and deletes (libos/tests/smp_stress.c). Every call gives
0 or an expected error; once each has deleted what it holds, each one's
slot and frame counts, and the machine's (KSTAT_ALL_SLOTS,
KSTAT_FREE_FRAMES), are what they were before."""
import re

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")
NAMES = ["t_smps-%s" % c for c in "abcd"]


def conf():
    text = ""
    for hart, name in enumerate(NAMES):
        others = [n for n in NAMES if n != name]
        text += "[domain %s]\nimage  = /libos/tests.elf\nmemory = 1M\n" \
                "hart   = %d\n" % (name, hart)
        text += "".join("peer   = %s\n" % n for n in others)
        text += "".join("accept = %s 64\n" % n for n in others)
        text += "".join("notify = %s\n" % n for n in others)
        text += "\n"
    return text


def test_four_harts_grant_derive_revoke_delete_and_counts_return(tmp_path):
    initrd = make_initramfs(tmp_path, conf(), {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=4, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=240)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.has(r"cpu: 4 harts online"), b
    where = dict(re.findall(r"launch: domain (\S+) placed on hart (\d+) ",
                            b.out))
    assert sorted(where.values()) == ["0", "1", "2", "3"], b
    for name in ("smps_calls_gave_expected_codes", "smps_calls_succeeded",
                 "smps_slots_back", "smps_frames_back"):
        assert len(b.findall(r"TEST %s: PASS" % name)) == 4, (name, b)
    for name in ("smps_all_slots_back", "smps_free_frames_back"):
        assert b.has(r"TEST %s: PASS" % name), (name, b)
    for i, name in enumerate(NAMES):
        assert b.has(r"summary: %s +id %d exited, status 0," % (name, i + 1)), b
