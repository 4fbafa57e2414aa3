"""map_batch against map, its reference (libos/tests/mapbatch.c): every
refusal in the middle of a batch stops it with map's error and count; mixed
entries map as map does, with the same PTEs and exact records. Run on the
fast kernel here; test_fastpath.py's slow kernel has CONFIG_FAST_MAP_BATCH
off, so every entry takes frame_cap_map there."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "batch_slot_past_space", "batch_slot_past_table", "batch_empty_slot",
    "batch_domain_slot", "batch_rights_zero", "batch_rights_write_only",
    "batch_rights_write_execute", "batch_rights_past_byte",
    "batch_rights_grant_bit", "batch_above_capability", "batch_unaligned",
    "batch_past_map_top", "batch_kernel_half", "batch_va_taken",
    "batch_writable_while_executable", "batch_mixed_entries_all_mapped",
    "batch_mixed_records", "batch_same_frame_twice_shares",
    "batch_run_writable", "batch_read_only_entry",
    "batch_pte_equals_map_pte", "batch_delete_ok",
    "batch_delete_unmaps_both", "batch_delete_records",
    "batch_executable_while_writable",
    "batch_executable_once_not_writable"]


def test_map_batch_stops_and_maps_like_map(tmp_path):
    b = run_suite(tmp_path, conf(("t_map_batch_twin", ["memory = 2M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_map_batch_twin +id 1 exited, status 0")
