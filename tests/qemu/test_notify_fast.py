"""notify_cap, notify_wait and yield_cap through every case of their fast
path (arch/riscv/notify_fast.S, CONFIG_FAST_NOTIFY) and, in
test_fastpath.py, of its C twin (kernel/cap/notify_cap.c): the handoff
of each call, the signal alone, notify_wait with its bits pending, the
directed yield, the registers each keeps, and the refusals, which both
kernels answer from the C code. Roles are in libos/tests/notify_fast.c."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

NFAST_CONF = conf(("t_nfast_a", ["memory = 1M", "notify = t_nfast_a 2"]),
                  ("t_nfast_b", ["memory = 1M", "notify = t_nfast_a 2"])) + """
[channel t_nfast_a t_nfast_b]
size = 4K
handoff = t_nfast_a
"""

CASES = [
    "nfast_a_channel_up", "nfast_a_hands_off",
    "nfast_slot_over_32_bits", "nfast_slot_past_the_space",
    "nfast_empty_slot", "nfast_domain_capability", "nfast_frame_capability",
    "nfast_bits_outside_badge", "nfast_wait_bits_outside_badge",
    "nfast_wait_empty_mask", "nfast_wait_empty_slot",
    "nfast_yield_cap_empty_slot", "nfast_yield_cap_frame_capability",
    "nfast_yield_cap_waiting_peer", "nfast_copy_without_w_yield_cap",
    "nfast_copy_without_w", "nfast_copy_without_w_notify",
    "nfast_copy_without_w_notify_wait", "nfast_refusals_woke_nobody",
    "nfast_handoff", "nfast_handoff_result",
    "nfast_handoff_ran_the_peer_first",
    "nfast_notify_runnable_peer", "nfast_notify_runnable_peer_result",
    "nfast_notify_runnable_peer_no_switch",
    "nfast_yield_cap", "nfast_yield_cap_result",
    "nfast_yield_cap_ran_the_peer",
    "nfast_wait_pending", "nfast_wait_pending_result",
    "nfast_wait_pending_no_switch", "nfast_wait_pending_took_the_bit",
    "nfast_wait_handoff", "nfast_wait_handoff_result",
    "nfast_wait_handoff_ran_the_peer",
    "nfast_no_handoff", "nfast_no_handoff_result",
    "nfast_no_handoff_caller_goes_on",
    "nfast_dead_peer_notify", "nfast_dead_peer_notify_wait",
    "nfast_dead_peer_yield_cap"]


def test_notify_fast_cases(tmp_path):
    b = run_suite(tmp_path, NFAST_CONF)
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_nfast_a +id \d+ exited, status 0"), b
    assert b.has(r"summary: t_nfast_b +id \d+ exited, status 0"), b


QUEUE_CONF = conf(("t_nfast_h", ["memory = 1M"]),
                  ("t_nfast_p", ["memory = 1M"]),
                  ("t_nfast_q", ["memory = 1M"])) + """
[channel t_nfast_h t_nfast_p]
size = 4K
handoff = t_nfast_h

[channel t_nfast_h t_nfast_q]
size = 4K
"""


def test_handoff_runs_the_peer_before_the_run_queue(tmp_path):
    """notify_wait and notify_cap through a handoff capability run the
    peer they wake at once, ahead of a domain already queued (before the
    handoff of notify_wait, the scheduler ran the queue's head first)."""
    b = run_suite(tmp_path, QUEUE_CONF)
    assert_all_pass(b, [
        "nfast_queue_notify_wait",
        "nfast_wait_handoff_runs_the_peer_before_the_queue",
        "nfast_queue_notify",
        "nfast_handoff_runs_the_peer_before_the_queue"])
    for name in ("t_nfast_h", "t_nfast_p", "t_nfast_q"):
        assert b.has(r"summary: %s +id \d+ exited, status 0" % name), b
