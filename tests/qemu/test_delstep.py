"""cap_delete's one step beside frame_alloc_map's (libos/tests/delstep.c,
kernel/cap/frame_delete.c): the page frame_alloc_map's step mapped is
found in the table that step keeps, a page in another 2 MiB by
delete_page's walk, each deleted whole; the slot the step empties makes
a whole capability again and a copy in it stays a copy; the freed frame
keeps no W^X count. test_fastpath.py runs it on the C twin too."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "dstep_step_page_deleted", "dstep_step_page_in_one_step",
    "dstep_step_page_unreachable", "dstep_step_page_frame_back",
    "dstep_slot_reused", "dstep_reused_slot_whole",
    "dstep_copy_in_freed_slot", "dstep_copy_no_badge",
    "dstep_copy_deleted", "dstep_copy_general_path", "dstep_original_kept",
    "dstep_reuse_same_frame", "dstep_freed_frame_maps_executable",
    "dstep_reused_frame_kept_data", "dstep_wx_frames_back",
    "dstep_mapped_in_range_deleted", "dstep_mapped_in_range_in_one_step",
    "dstep_mapped_in_range_unreachable", "dstep_other_range_deleted",
    "dstep_other_range_in_one_step", "dstep_other_range_unreachable",
    "dstep_mapped_frames_back"]


def test_one_step_delete_beside_the_alloc_map_step(tmp_path):
    b = run_suite(tmp_path, conf(("t_delete_step", ["memory = 4M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_delete_step +id 1 exited, status 0")
