"""A hostile libOS against exception reflection and the upcall entries
(libos/tests/red9_reflect.c; docs/isolation.md, "Red team of the fast
paths"). An entry is checked only when upcall_set sets it, so the roles
change what lies there afterwards: a handler or slice-end page deleted,
or mapped again writable with code in it, kills only that domain (the
kernel enters no page that is not executable now); kernel and other
non-executable entries are refused; sp and tp pointing into the kernel
cross a reflected fault and two calls unchanged; a handler that clears
in_upcall and faults again is reflected 100,000 times and goes on; a
bystander runs throughout."""
from test_caps import conf
from test_domains import (assert_all_pass, run_suite,
                          run_suite_on_two_harts)

UPCALL_CASES = [
    "red9_exc_kernel_half", "red9_exc_kernel_text", "red9_exc_past_user_half",
    "red9_exc_upcall_area", "red9_exc_info_page", "red9_exc_writable_page",
    "red9_slice_kernel_half", "red9_slice_writable_page",
    "red9_resume_lo_kernel", "red9_resume_lo_writable",
    "red9_exc_exec_page_accepted", "red9_exc_deleted_page",
    "red9_wild_sp_tp_fault_and_calls", "red9_zero_sp_tp_fault_and_calls",
    "red9_storm_entry_set", "red9_storm_reflected_every_fault",
    "red9_storm_then_handler_kept", "red9_kernel_half_load_store_exec_fault"]

GONE_CASES = [
    "red9_handler_set", "red9_handler_deleted",
    "red9_handler_page_writable_again", "red9_slice_gone_set",
    "red9_slice_gone_deleted", "red9_bystander_saw_three_go"]

ROLES = [
    ("t_red9_upcall", ["memory = 1M"]),
    ("t_red9_handler_gone", ["memory = 1M"]),
    ("t_red9_handler_rw", ["memory = 1M"]),
    ("t_red9_slice_gone", ["memory = 1M", "slice = 50ms"]),
    ("t_red9_bystander", ["memory = 1M"])]

KILLED = (r"domain {} \(id \d+\) killed: instruction page fault at epc "
          r"0x64000000, tval 0x64000000, inside its own exception handler")


def test_entries_changed_after_upcall_set_kill_only_their_domain(tmp_path):
    b = run_suite(tmp_path, conf(*ROLES), timeout=120)
    assert_all_pass(b, UPCALL_CASES + GONE_CASES)
    for role in ("t_red9_handler_gone", "t_red9_handler_rw",
                 "t_red9_slice_gone"):
        assert b.has(KILLED.format(role)), b
    assert not b.has(r"TEST red9_\w+_killed: FAIL"), b
    assert b.has(r"summary: t_red9_upcall +id \d+ exited, status 0"), b
    assert b.has(r"summary: t_red9_bystander +id \d+ exited, status 0"), b


def test_entries_changed_after_upcall_set_on_two_harts(tmp_path):
    """The same spread over two harts: the reflection's fast path runs
    without the big kernel lock there, and a kill takes it."""
    b = run_suite_on_two_harts(tmp_path, conf(*ROLES))
    assert b.has(r"launch: domain t_red9_\w+ placed on hart 1"), b
    assert_all_pass(b, UPCALL_CASES + GONE_CASES)
    for role in ("t_red9_handler_gone", "t_red9_handler_rw",
                 "t_red9_slice_gone"):
        assert b.has(KILLED.format(role)), b
