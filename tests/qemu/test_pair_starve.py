"""Two domains that hand the CPU to each other at every slice end (a
directed yield from the slice-end upcall, libos/tests/pair_starve.c) must
not keep a third from running: a yield made after the caller's slice has
ended gives the target nothing of it (kernel/sched/sched.c, yield_to and
sched_wait_handoff), and the next domain of the run queue runs. The slow
kernel runs it too (tests/qemu/test_fastpath.py)."""
from test_domains import assert_all_pass, conf, run_suite

CASES = ["pair_a_lets_the_victim_run", "pair_b_lets_the_victim_run",
         "pair_victim_ran"]
PAIR = conf("t_pair_a", "t_pair_b", "t_pair_victim",
            t_pair_a=["slice = 1ms", "grace = 200us", "notify = t_pair_b"],
            t_pair_b=["slice = 1ms", "grace = 200us", "notify = t_pair_a"])


def test_a_pair_yielding_to_each_other_does_not_starve_a_third(tmp_path):
    b = run_suite(tmp_path, PAIR)
    assert_all_pass(b, CASES)
    assert not b.has(r"strike \d+ of"), b


HPAIR = conf("t_hpair_a", "t_hpair_b", "t_hpair_victim",
             t_hpair_a=["slice = 1ms", "grace = 200us"],
             t_hpair_b=["slice = 1ms", "grace = 200us"]) + """
[channel t_hpair_a t_hpair_b]
size = 4K
handoff = yes
"""


def test_a_pair_handing_off_through_a_channel_does_not_starve_a_third(
        tmp_path):
    """The same with notify_wait through a handoff channel: the woken
    partner must not get a slice that has already ended."""
    b = run_suite(tmp_path, HPAIR)
    assert_all_pass(b, ["hpair_hands_off", "hpair_a_lets_the_victim_run",
                        "hpair_b_lets_the_victim_run", "hpair_victim_ran"])
    assert not b.has(r"strike \d+ of"), b
