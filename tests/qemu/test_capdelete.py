"""cap_delete of mapped frames (libos/tests/capdelete.c): a copy's
mappings go and the original's stay; an original's go with it, and its
mapped copies' too; a four-page mapping goes whole; bad slots refused;
no TLB entry outlives a delete (1,000 frames mapped, read, deleted,
read again); which deletions take the one step (kernel/cap/frame_delete.c,
KSTAT_MY_ONE_STEP_DELETES: a one-page original without copies, mapped
once or not at all) and which the general path (a copy, an original with
a copy, a page mapped twice), the page unreachable after either; a page
outside the page-table view's last 2 MiB still in one step.
test_fastpath.py runs it on the C twin of CONFIG_FAST_CAP_DELETE too,
where every deletion takes the general path."""
from test_caps import conf
from test_domains import (assert_all_pass, run_suite,
                          run_suite_on_two_harts)

CASES = [
    "capdel_copy_mapped_twice", "capdel_copy_reads_original",
    "capdel_delete_copy", "capdel_copy_mappings_gone",
    "capdel_original_untouched", "capdel_copy_slot_empty",
    "capdel_original_mapped_again", "capdel_delete_original",
    "capdel_original_mappings_gone", "capdel_delete_original_with_copy",
    "capdel_mapped_copy_went_with_original", "capdel_copy_slot_went_too",
    "capdel_frames_back", "capdel_mapping_records_back",
    "capdel_delete_four_pages", "capdel_four_pages_gone",
    "capdel_slot_out_of_range", "capdel_empty_slot",
    "capdel_read_after_delete_faults_1000", "capdel_1000_leave_nothing",
    "capdel_lone_page_deleted", "capdel_lone_page_in_one_step",
    "capdel_lone_page_unreachable", "capdel_lone_page_slot_empty",
    "capdel_unmapped_page_deleted", "capdel_unmapped_page_in_one_step",
    "capdel_copy_first_deleted", "capdel_copy_takes_general_path",
    "capdel_original_with_copy_deleted",
    "capdel_original_with_copy_takes_general_path",
    "capdel_original_with_copy_unreachable", "capdel_its_copy_went_too",
    "capdel_page_mapped_twice_deleted",
    "capdel_page_mapped_twice_takes_general_path",
    "capdel_page_mapped_twice_unreachable", "capdel_one_step_frames_back",
    "capdel_other_view_page_deleted", "capdel_other_view_page_in_one_step",
    "capdel_other_view_page_unreachable",
    "capdel_other_view_page_view_entry_gone",
    "capdel_back_to_first_view_page_deleted",
    "capdel_back_to_first_view_page_in_one_step",
    "capdel_back_to_first_view_page_unreachable",
    "capdel_other_view_page_frames_back"]


def test_delete_removes_every_mapping_and_nothing_else(tmp_path):
    b = run_suite(tmp_path, conf(("t_cap_delete", ["memory = 4M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_cap_delete +id 1 exited, status 0")


def test_delete_on_two_harts(tmp_path):
    """The same with two harts online: every call takes the big kernel
    lock (the C dispatch), and a one-step delete fences the page on every
    hart of the space's mask that ran it, so no read after a delete hits
    a stale TLB entry on either hart."""
    b = run_suite_on_two_harts(tmp_path,
                               conf(("t_cap_delete", ["memory = 4M"])))
    assert_all_pass(b, CASES)
