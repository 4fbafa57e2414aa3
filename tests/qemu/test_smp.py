"""SMP bring-up (docs/smp.md): every usable hart is started through SBI
HSM and reports in with its own timer working, answers an IPI and takes a
remote TLB fence; disabled and MMU-less harts are never started; a hart
that does not report in is logged and skipped, and the boot goes on."""
import re

import pytest

from rivetqemu import boot_kernel


def online(b):
    """The hart ids of the summary line 'cpu: N harts online: a b c'."""
    m = b.find(r"cpu: (\d+) harts online:((?: \d+)*)$")
    ids = [int(x) for x in m.group(2).split()]
    assert int(m.group(1)) == len(ids), b
    return ids


def assert_secondaries_work(b, harts):
    """Each secondary's own timer fired, it took an IPI, and the remote
    fence reached all of them."""
    for h in harts:
        assert b.has(r"cpu: hart %d: online \(index \d+\), timer fires, "
                     r"IPI answered$" % h), b
    if harts:
        assert b.has(r"cpu: remote TLB fence \(SBI RFENCE\) done on %d "
                     r"harts$" % len(harts)), b
    else:
        assert not b.has(r"remote TLB fence"), b


def assert_clean_stop(b):
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.rc == 0, b


@pytest.mark.parametrize("smp", [1, 2, 4, 8])
def test_virt_starts_every_hart(smp):
    # More vCPUs than host cores make a boot slow on a loaded host: the
    # timeout only guards against a hang.
    b = boot_kernel("virt", smp=smp, timeout=60 + 20 * smp)
    boot = int(b.find(r"booted on hart (\d+)").group(1))
    assert sorted(online(b)) == list(range(smp)), b
    started = {int(h) for h in b.findall(r"cpu: hart (\d+): online")}
    assert started == set(range(smp)) - {boot}, b
    assert_secondaries_work(b, started)
    assert not b.has(r"not started|did not report in|not answered"), b
    assert_clean_stop(b)


def test_sifive_u_never_starts_the_monitor_hart():
    b = boot_kernel("sifive_u", smp=5)
    assert b.has(r"cpu: hart 0: skipped: disabled"), b
    assert sorted(online(b)) == [1, 2, 3, 4], b
    boot = int(b.find(r"booted on hart (\d+)").group(1))
    assert_secondaries_work(b, {1, 2, 3, 4} - {boot})
    assert not b.has(r"cpu: hart 0: (online|not started|started)"), b
    assert_clean_stop(b)


def test_usable_harts_beyond_nr_harts_stay_stopped():
    # The test build has CONFIG_NR_HARTS=8 (the default); virt has 10.
    # The boot hart (any of the 10) always has a record; the first 7
    # others in tree order get the rest, the last two are left stopped.
    b = boot_kernel("virt", smp=10, timeout=240)
    boot = int(b.find(r"booted on hart (\d+)").group(1))
    others = [h for h in range(10) if h != boot]
    for h in others[7:]:
        assert b.has(r"cpu: hart %d: beyond CONFIG_NR_HARTS=8, not used"
                     % h), b
    assert sorted(online(b)) == sorted([boot] + others[:7]), b
    assert_clean_stop(b)


def test_hart_that_does_not_report_in_is_skipped():
    b = boot_kernel("virt", smp=4, append="rivet.test=hart-silent")
    boot = int(b.find(r"booted on hart (\d+)").group(1))
    lost = {int(h) for h in b.findall(
        r"cpu: hart (\d+): started but did not report in within 1000 ms")}
    assert lost == set(range(4)) - {boot}, b
    assert online(b) == [boot], b
    assert_secondaries_work(b, set())
    # The boot goes on: the demo domains run and the machine powers off.
    assert b.has(r"summary: world +id \d+ exited, status 0"), b
    assert_clean_stop(b)


def test_hart_the_firmware_refuses_to_start_is_skipped():
    b = boot_kernel("virt", smp=3, append="rivet.test=hart-start-bad")
    boot = int(b.find(r"booted on hart (\d+)").group(1))
    refused = {int(h) for h in b.findall(
        r"cpu: hart (\d+): not started: hart_start failed \(SBI error "
        r"-\d+\)$")}
    assert refused == set(range(3)) - {boot}, b
    assert online(b) == [boot], b
    assert not b.has(r"did not report in"), b
    assert b.has(r"summary: world +id \d+ exited, status 0"), b
    assert_clean_stop(b)


def test_hart_sent_to_the_image_entry_stops_and_is_started_again():
    # As OpenSBI 1.1 may do when hart_start races the hart's warm boot:
    # head.S must not let a second hart run the boot (it would clear .bss
    # under the running kernel); it stops, and the boot hart restarts it.
    b = boot_kernel("virt", smp=3, append="rivet.test=hart-wrong-door")
    boot = int(b.find(r"booted on hart (\d+)").group(1))
    others = set(range(3)) - {boot}
    back = {int(h) for h in b.findall(
        r"cpu: hart (\d+): came back stopped \(the firmware sent it to the "
        r"image's entry\); starting it again$")}
    assert back == others, b
    assert len(b.findall(r"Rivet \d+\.\d+\.\d+ \(")) == 1, b
    assert sorted(online(b)) == [0, 1, 2], b
    assert_secondaries_work(b, others)
    assert_clean_stop(b)
