"""frame_alloc_map's one step (kernel/cap/frame_alloc_map_step.c,
libos/tests/allocmap_step.c): which requests take it
(KSTAT_MY_ONE_STEP_ALLOC_MAPS: a page whose tables exist, in the 2 MiB
range of the view's last page, a frame in the zeroed-frame pool) and
which the general way (a fresh range, another range than the view's
last, an empty pool, every refusal); the step's page reads zero, shows in
the page-table view and goes with its capability; hostile arguments get
the general way's errors and leave nothing. test_fastpath.py runs it on
the C twin of CONFIG_FAST_ALLOC_MAP too, where every request takes the
general way."""
from test_caps import conf
from test_domains import (assert_all_pass, run_suite,
                          run_suite_on_two_harts)

CASES = [
    "step_pool_filled",
    "step_fresh_range_general", "step_fresh_range_zero",
    "step_next_page_one_step", "step_one_step_page_zero",
    "step_view_shows_leaf", "step_counts_one_frame",
    "step_other_range_general", "step_back_in_first_range_general",
    "step_then_one_step_again", "step_page_deleted",
    "step_page_unreachable", "step_view_cleared", "step_copy_mapped",
    "step_original_deleted_under_copy", "step_copy_went_with_it",
    "step_slot_reused", "step_reused_slot_page_zero", "step_frames_back",
    "step_leaf_bits_as_map",
    "step_pool_warm_up", "step_pool_drained", "step_pool_empty_general",
    "step_pool_empty_page_zero", "step_pool_refilled",
    "step_hostile_range_ready", "step_already_mapped", "step_unaligned",
    "step_kernel_address", "step_at_map_top", "step_wrapped_address",
    "step_write_execute", "step_write_only", "step_no_rights",
    "step_rights_out_of_range", "step_execute_only_ok",
    "step_quota_spent", "step_quota_exhausted", "step_no_free_slot",
    "step_copies_revoked", "step_pool_refilled_again",
    "step_after_refusals_one_step", "step_after_refusals_zero"]

ROLE = ("t_alloc_map_step", ["memory = 8M"])


def test_alloc_map_step_or_general_way(tmp_path):
    b = run_suite(tmp_path, conf(ROLE))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_alloc_map_step +id 1 exited, status 0")


def test_alloc_map_step_on_two_harts(tmp_path):
    """The same with two harts online: every call takes the big kernel
    lock (the C dispatch, docs/smp.md), where frame_alloc_map_sys tries
    the same step first."""
    b = run_suite_on_two_harts(tmp_path, conf(ROLE))
    assert_all_pass(b, CASES)


REVOKE_CASES = [
    "step_revoker_tree_built", "step_revoker_revoked",
    "step_mapper_pool_filled", "step_mapper_step_before_revoke",
    "step_revoke_in_progress_general", "step_mapper_step_after_revoke"]


def test_alloc_map_general_while_a_revoke_is_in_progress(tmp_path):
    """Another domain's revoke in progress (cap_system.nrevoking, between
    two of its pieces: its slice-end upcall yields) sends every request
    the general way; once it ended, the step again."""
    b = run_suite(tmp_path, conf(
        ("t_step_revoker", ["memory = 16M", "slots = 65536", "slice = 1ms"]),
        ("t_step_mapper", ["memory = 4M"])) + """
[channel t_step_revoker t_step_mapper]
size = 4K
""", timeout=120)
    assert_all_pass(b, REVOKE_CASES)
