"""cap_delete of mapped frames (libos/tests/capdelete.c): a copy's
mappings go and the original's stay; an original's go with it, and its
mapped copies' too; a four-page mapping goes whole; bad slots refused;
no TLB entry outlives a delete (1,000 frames mapped, read, deleted,
read again). test_fastpath.py runs it on the C twin of
CONFIG_FAST_CAP_DELETE too."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

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
    "capdel_read_after_delete_faults_1000", "capdel_1000_leave_nothing"]


def test_delete_removes_every_mapping_and_nothing_else(tmp_path):
    b = run_suite(tmp_path, conf(("t_cap_delete", ["memory = 4M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_cap_delete +id 1 exited, status 0")
