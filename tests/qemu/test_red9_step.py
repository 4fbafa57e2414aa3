"""A hostile libOS against the one-step frame_alloc_map, the one-step
cap_delete and the submission ring together (libos/tests/red9_step.c;
docs/isolation.md, "Red team of the fast paths"): W^X holds between a
step page and the ring's map path; a step page mapped again by the ring
is deleted the general way with both mappings gone, and in one step once
the ring unmapped it again; a ring that allocates over its own page or
protects it read-only in the middle of a submit gets the documented
errors; a ring whose page was deleted and whose frame was taken back
elsewhere with a forged ring in it runs nothing."""
from test_caps import conf
from test_domains import (assert_all_pass, run_suite,
                          run_suite_on_two_harts)

CASES = [
    "red9_ring_setup",
    "red9_wx_step_x_ring_map_rw", "red9_wx_step_x_map_rw",
    "red9_wx_step_w_ring_map_rx", "red9_wx_step_w_map_rx",
    "red9_ring_maps_step_page", "red9_ring_mapping_reads_step_page",
    "red9_two_mappings_deleted", "red9_two_mappings_general_way",
    "red9_both_mappings_gone", "red9_two_mappings_frame_back",
    "red9_ring_unmaps_second", "red9_ring_unmap_record_back",
    "red9_one_mapping_deleted", "red9_one_mapping_one_step",
    "red9_one_mapping_gone",
    "red9_ring_alloc_map_over_itself",
    "red9_ring_alloc_map_over_itself_left_nothing",
    "red9_ring_protects_itself_refused", "red9_ring_protected_itself",
    "red9_ring_protect_back", "red9_ring_protect_consumed_next_runs",
    "red9_ring_works_after_protect",
    "red9_ring_page_deleted", "red9_ring_page_one_step",
    "red9_ring_deleted_submit_refused", "red9_ring_frame_taken_back",
    "red9_ring_frame_elsewhere_not_read", "red9_forged_entry_not_run",
    "red9_ring_setup_none",
    "red9_delete_at_nslots", "red9_delete_slot_u32_max",
    "red9_delete_slot_past_u32", "red9_delete_slot_minus_one",
    "red9_delete_edges_left_page", "red9_delete_step_page",
    "red9_delete_step_page_again", "red9_alloc_map_rights_high_bit",
    "red9_delete_own_domain_cap", "red9_own_domain_cap_gone",
    "red9_own_domain_cap_again", "red9_after_own_domain_cap_works"]


def test_step_pages_and_a_ring_against_itself(tmp_path):
    b = run_suite(tmp_path, conf(("t_red9_step", ["memory = 2M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_red9_step +id 1 exited, status 0"), b
    # One hart: nothing refills the pool meanwhile, the frame itself.
    assert b.has(r"red9: ring frame taken back"), b


def test_step_pages_and_a_ring_against_itself_on_two_harts(tmp_path):
    """The same with two harts online: every call goes through the C
    dispatch under the big kernel lock, where frame_alloc_map_sys and
    cap_delete try the same steps (docs/smp.md), and a deletion fences
    every hart of the space's mask."""
    b = run_suite_on_two_harts(tmp_path,
                               conf(("t_red9_step", ["memory = 2M"])))
    assert_all_pass(b, CASES)
