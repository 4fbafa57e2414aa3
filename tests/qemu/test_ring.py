"""The submission ring (libos/tests/ring.c): every direct-call error comes
back the same through the ring; calls that switch domains or restart are
refused there and not run; a hostile ring (tails out of range or garbage,
entries and the head rewritten between submits, the ring unmapped by its
own entry) runs nothing twice and nothing it should not; 256 maps in one
submit all run across restarted pieces. The ring's consumer itself has
host tests (tests/unit/test_ring_consume.c) and a fuzz target."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "ring_same_map_slot_past_space", "ring_same_map_empty_slot",
    "ring_same_map_domain_slot", "ring_same_map_rights_write_only",
    "ring_same_map_rights_past_byte", "ring_same_map_unaligned",
    "ring_same_map_past_map_top", "ring_same_map_va_taken",
    "ring_same_map_above_capability", "ring_same_unmap_no_mapping",
    "ring_same_unmap_bad_slot", "ring_same_protect_bad_rights",
    "ring_same_protect_zero_pages", "ring_same_protect_too_many",
    "ring_same_protect_unmapped", "ring_same_protect_above_mapping",
    "ring_same_derive_bad_slot", "ring_same_derive_empty_slot",
    "ring_same_cap_info_bad_what", "ring_same_retired_notify",
    "ring_same_retired_yield",
    "ring_same_kstat_unknown", "ring_same_irq_ack_bad_slot",
    "ring_same_irq_ack_empty_slot", "ring_same_timer_event_bad_bit",
    "ring_same_alloc_map_bad_rights", "ring_same_alloc_map_taken",
    "ring_same_no_such_call", "ring_same_huge_call_number",
    "ring_same_kstat_value", "ring_refuses_wait",
    "ring_refuses_exit", "ring_refuses_fp_enable", "ring_refuses_notify_cap",
    "ring_refuses_yield_cap", "ring_refuses_notify_wait",
    "ring_refuses_map_batch", "ring_refuses_cap_delete",
    "ring_refuses_cap_revoke", "ring_refuses_frame_alloc",
    "ring_refuses_debug_write", "ring_refuses_ring_submit",
    "ring_refuses_ring_setup", "ring_refused_ran_nothing", "ring_map_maps",
    "ring_map_pte", "ring_derive_gives_slot", "ring_protect_read_only",
    "ring_unmap_unmaps", "ring_sq_head_written", "ring_tail_past_ring_refused",
    "ring_tail_behind_head_refused", "ring_tail_garbage_refused",
    "ring_map_once", "ring_head_garbage_rewritten",
    "ring_rewritten_entry_not_rerun", "ring_resubmitted_entry_is_new_call",
    "ring_submit_max_zero", "ring_submit_empty", "ring_setup_small",
    "ring_unmapped_by_own_entry", "ring_unmapped_submit_again",
    "ring_256_maps_one_submit", "ring_submit_without_ring",
    "ring_setup_zero_entries", "ring_setup_not_power_of_two",
    "ring_setup_too_many", "ring_setup_unaligned", "ring_setup_unmapped",
    "ring_setup_runs_off_memory", "ring_setup", "ring_setup_zeroes_header",
    "ring_setup_none", "ring_none_submit"]


def test_ring_gives_direct_errors_and_survives_a_hostile_ring(tmp_path):
    b = run_suite(tmp_path, conf(("t_ring", ["memory = 4M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_ring +id 1 exited, status 0")
