"""Domains run on the harts they are placed on (docs/smp.md): events
between domains on two harts go through IPIs (notify capabilities over a
channel, 100,000 round trips with a checksum), and a domain that computes
without end on one hart never stops one on another hart from running
(libos/tests/smp.c: the worker's count moves within the spinner's own
slices; on one hart the same check fails, which shows it can)."""
import re

import pytest

from rivetqemu import boot_kernel, build_path, make_initramfs
from test_pingpong import CONF as PINGPONG_CONF, expected_checksum

TESTS_ELF = build_path("libos/tests.elf")
PINGPONG_ELF = build_path("libos/pingpong.elf")

SPINNER_CONF = """[domain t_smp_spinner]
image  = /libos/tests.elf
memory = 1M
slice  = 20ms

[domain t_smp_worker]
image  = /libos/tests.elf
memory = 1M

[channel t_smp_spinner t_smp_worker]
size   = 4K
"""


def boot(tmp_path, text, files, smp, timeout=120):
    initrd = make_initramfs(tmp_path, text, files)
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=timeout)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert b.has(r"cpu: %d harts online" % smp), b
    return b


def placed(b):
    return dict(re.findall(r"launch: domain (\S+) placed on hart (\d+) ",
                           b.out))


def results(b):
    return dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))


@pytest.mark.parametrize("smp", [2, 4])
def test_pingpong_across_harts_100000_round_trips(tmp_path, smp):
    b = boot(tmp_path, PINGPONG_CONF, {"/libos/pingpong.elf": PINGPONG_ELF},
             smp, timeout=300)  # each round trip needs both vCPUs to run
    where = placed(b)
    assert where["ping"] != where["pong"], b
    assert b.has(r"pingpong: 100000 round trips, checksum 0x%016x, ok$"
                 % expected_checksum()), b
    assert b.has(r"summary: ping +id 1 exited, status 0,"), b
    assert b.has(r"summary: pong +id 2 exited, status 0,"), b


def test_spinner_on_one_hart_never_delays_another(tmp_path):
    b = boot(tmp_path, SPINNER_CONF, {"/libos/tests.elf": TESTS_ELF}, 2)
    where = placed(b)
    assert where["t_smp_spinner"] != where["t_smp_worker"], b
    got = results(b)
    assert got.get("smp_worker_runs_while_spinner_computes") == "PASS", b
    assert got.get("smp_worker_counted") == "PASS", b
    assert b.has(r"summary: t_smp_spinner +id 1 exited, status 0,"), b
    assert b.has(r"summary: t_smp_worker +id 2 exited, status 0,"), b


def test_spinner_on_the_same_hart_is_seen(tmp_path):
    # The control: on one hart the worker never runs within one of the
    # spinner's slices, and the check says so.
    b = boot(tmp_path, SPINNER_CONF, {"/libos/tests.elf": TESTS_ELF}, 1)
    got = results(b)
    assert got.get("smp_worker_runs_while_spinner_computes") == \
        "FAIL seen in 0 of 200 slices", b
    assert got.get("smp_worker_counted") == "PASS", b


def test_deadlock_across_harts_is_broken_and_the_machine_powers_off(
        tmp_path):
    # Each waits on its own hart for a bit nobody sends: the hart that
    # finds every live domain waiting ends both, the other hart drops and
    # reaps its own, and the last hart to see none left powers off.
    text = "".join("[domain t_smp_waiter-%s]\nimage  = /libos/tests.elf\n"
                   "memory = 1M\n\n" % n for n in "ab")
    b = boot(tmp_path, text, {"/libos/tests.elf": TESTS_ELF}, 2)
    where = placed(b)
    assert where["t_smp_waiter-a"] != where["t_smp_waiter-b"], b
    assert len(b.findall(r"TEST (smp_waiter_started): PASS")) == 2, b
    assert not b.has(r"smp_waiter_woken"), b
    for n, i in (("a", 1), ("b", 2)):
        assert b.has(r"domain t_smp_waiter-%s \(id %d\) killed: waits for "
                     r"events \(mask 0x100000\) that nothing can send any "
                     r"more" % (n, i)), b
    assert not b.has(r"frames still owned after teardown"), b


def test_strikes_on_another_hart(tmp_path):
    # The strike rules hold per hart: t_deaf, on its own hart, is charged
    # and killed there; t_polite, on the other, never.
    text = ("[domain t_polite]\nimage  = /libos/tests.elf\nmemory = 1M\n"
            "slice  = 1ms\n\n[domain t_deaf]\nimage  = /libos/tests.elf\n"
            "memory = 1M\nslice  = 1ms\nstrikes = 2\ngrace  = 200us\n")
    b = boot(tmp_path, text, {"/libos/tests.elf": TESTS_ELF}, 2)
    where = placed(b)
    assert where["t_polite"] != where["t_deaf"], b
    assert results(b).get("slice_end_upcall_yields_without_strikes") == \
        "PASS", b
    assert b.findall(r"sched: t_deaf ignored its slice-end upcall: "
                     r"strike (\d) of 2 allowed") == ["1", "2", "3"], b
    assert b.has(r"domain t_deaf \(id 2\) killed: more than 2 slice "
                 r"overruns"), b
    assert b.has(r"summary: t_polite +id 1 exited, status 0, slices \d+, "
                 r"strikes 0"), b
