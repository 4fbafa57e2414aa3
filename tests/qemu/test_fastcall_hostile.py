"""A hostile libOS against protect, frame_alloc_map and the frame table
(libos/tests/fastcall_hostile.c): W^X per frame holds across a mapping
lowered by protect, protect keeps each page's own ceiling, and frame
addresses outside RAM or wrapping the address space take nothing."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "hostile_wx_alloc", "hostile_wx_map_rw", "hostile_wx_lower_r",
    "hostile_wx_rx_after_lower_r", "hostile_wx_lower_none",
    "hostile_wx_x_after_lower_none", "hostile_wx_protect_x_refused",
    "hostile_wx_unmap_rw", "hostile_wx_map_rx", "hostile_wx_lower_rx",
    "hostile_wx_rw_after_lower_rx", "hostile_wx_protect_w_refused",
    "hostile_wx_delete", "hostile_ceil_map_r", "hostile_ceil_map_rw",
    "hostile_ceil_two_pages_rw", "hostile_ceil_two_pages_r",
    "hostile_ceil_second_back_rw", "hostile_ceil_delete",
    "hostile_frame_zero", "hostile_frame_wrap", "hostile_frame_top",
    "hostile_frame_refusals_leave_nothing", "hostile_alloc_map_top",
    "hostile_alloc_map_wrap", "hostile_alloc_map_top_leaves_nothing",
    "hostile_quota_price", "hostile_quota_filled",
    "hostile_quota_edge_refused", "hostile_quota_edge_refusals_clean",
    "hostile_quota_edge_mapped", "hostile_quota_edge_no_frame_kept",
    "hostile_quota_edge_one_slot"]


def test_hostile_protect_and_frame_addresses(tmp_path):
    b = run_suite(tmp_path, conf(("t_fastcall_hostile", ["memory = 1M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_fastcall_hostile +id 1 exited, status 0")
