"""Revoke under use (docs/smp.md, "TLB shootdown"): a domain on one hart
reads a granted frame in a tight loop while the granter, on another hart,
revokes it; after the revoke returns the reader's next read faults, 1,000
rounds, checked with a sequence number in their channel page
(libos/tests/smp_revoke.c). The remote fence is what makes it pass: a
kernel built with CONFIG_DEBUG_NO_REMOTE_FENCE=y (make nofence-kernel,
which make test builds; $RIVET_NOFENCE_KERNEL) fails it, since QEMU's TCG
keeps a TLB per vCPU: there no round ends in a fault and the reader gets
its 1,000 stale reads in each (FAIL 0 of 1000, FAIL 1000000 stale
reads), which the last test checks."""
import os
import re

import pytest

from rivetqemu import BUILD, boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")
NOFENCE_KERNEL = os.environ.get(
    "RIVET_NOFENCE_KERNEL", os.path.join(BUILD + "-nofence", "rivet.elf"))

CONF = """[domain t_smpr_granter]
image  = /libos/tests.elf
memory = 1M
hart   = %d
peer   = t_smpr_reader

[domain t_smpr_reader]
image  = /libos/tests.elf
memory = 1M
hart   = %d
accept = t_smpr_granter 4

[channel t_smpr_granter t_smpr_reader]
size   = 4K
"""


def run(tmp_path, kernel=None):
    initrd = make_initramfs(tmp_path, CONF % (0, 1),
                            {"/libos/tests.elf": TESTS_ELF})
    extra = ["-initrd", initrd]
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False, extra=extra,
                    timeout=240, kernel=kernel)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.has(r"cpu: 2 harts online"), b
    return b, dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))


def test_revoked_page_faults_on_the_other_hart_at_once(tmp_path):
    b, got = run(tmp_path)
    where = dict(re.findall(r"launch: domain (\S+) placed on hart (\d+) ",
                            b.out))
    assert where == {"t_smpr_granter": "0", "t_smpr_reader": "1"}, b
    for name in ("smp_revoke_reader_mapped_every_grant", "smp_revoke_rounds",
                 "smp_revoke_every_round_faulted",
                 "smp_revoke_no_read_after_return"):
        assert got.get(name) == "PASS", (name, b)


@pytest.mark.skipif(not os.path.exists(NOFENCE_KERNEL),
                    reason="no kernel without remote fences: run make "
                    "nofence-kernel")
def test_without_the_remote_fence_the_check_fails(tmp_path):
    b, got = run(tmp_path, NOFENCE_KERNEL)
    # Seen: FAIL 0 of 1000 and FAIL 1000000 stale reads; any stale read
    # is the failure this kernel must show.
    assert got.get("smp_revoke_every_round_faulted", "").startswith(
        "FAIL"), b
    assert re.match(r"FAIL [1-9]\d* stale reads$",
                    got.get("smp_revoke_no_read_after_return", "")), b
