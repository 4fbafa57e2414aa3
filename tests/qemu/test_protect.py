"""SYS_protect (libos/tests/protect.c): rights lowered and restored up to
the mapping's, never above the capability's; all pages or none; bad
arguments refused; no TLB entry outlives a downgrade (1,000 reads after
a no-access protect fault); revoking or deleting the capability under a
lowered mapping still removes it."""
from test_caps import conf
from test_domains import (assert_all_pass, run_suite,
                          run_suite_on_two_harts)

CASES = [
    "protect_read_only", "protect_read_only_reads",
    "protect_read_only_store_faults", "protect_view_shows_read_only",
    "protect_restore_rw", "protect_restored_store_writes",
    "protect_value_kept", "protect_no_access",
    "protect_no_access_load_faults", "protect_view_shows_no_access",
    "protect_no_access_kernel_refuses", "protect_above_mapping_x",
    "protect_map_ro_copy", "protect_above_capability",
    "protect_above_capability_store_faults", "protect_range_refused_whole",
    "protect_range_refused_changes_nothing", "protect_bad_rights",
    "protect_write_execute", "protect_write_without_read",
    "protect_unaligned", "protect_zero_pages", "protect_too_many",
    "protect_unmapped", "protect_past_map_top", "protect_huge_count_wraps",
    "protect_kernel_mapping", "protect_text_refused",
    "protect_megapage_refused", "protect_read_after_protect_faults_1000",
    "protect_revoke_under_protected", "protect_revoked_mapping_gone",
    "protect_delete_under_protected", "protect_deleted_mapping_gone",
    "protect_after_revoke_refused", "protect_va_reusable"]


def test_protect_lowers_and_restores_within_the_mapping(tmp_path):
    b = run_suite(tmp_path, conf(("t_protect", ["memory = 4M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_protect +id 1 exited, status 0")


GC_CASES = [
    "gc_heap_mapped", "gc_barrier_start", "gc_barrier_second_refused",
    "gc_barrier_every_fault_one_dirty_page", "gc_replica_matches_heap",
    "gc_heap_matches_run_without_barrier", "gc_barrier_stop",
    "gc_barrier_stopped_no_fault", "vm_protect_unaligned",
    "vm_protect_whole_heap", "vm_protect_above_mapping",
    "vm_munmap_protected"]


def test_write_barrier_collector_keeps_an_exact_copy(tmp_path):
    """A concurrent-GC-style write barrier (libos/tests/gcbarrier.c): the
    collector's copy, built from the pages the barrier saw written, equals
    the heap, whose checksum equals a run without the barrier."""
    b = run_suite(tmp_path, conf(("t_gc_barrier", ["memory = 8M"])))
    assert_all_pass(b, GC_CASES)
    assert b.has(r"summary: t_gc_barrier +id 1 exited, status 0")


ALLOC_MAP_CASES = [
    "alloc_map_ok", "alloc_map_frame_cap", "alloc_map_page_zeroed",
    "alloc_map_page_writable", "alloc_map_counts_one_frame",
    "alloc_map_already_mapped", "alloc_map_write_execute",
    "alloc_map_bad_rights", "alloc_map_unaligned", "alloc_map_kernel_half",
    "alloc_map_refusals_leave_nothing", "alloc_map_quota",
    "alloc_map_tables_spend_quota", "alloc_map_tables_then_frame",
    "alloc_map_unmap_by_slot"]


def test_frame_alloc_map_maps_a_zeroed_frame_or_leaves_nothing(tmp_path):
    """SYS_frame_alloc_map (libos/tests/allocmap.c): one call allocates and
    maps a zeroed frame; every refusal, the quota's included, leaves the
    frame and slot counts as they were."""
    b = run_suite(tmp_path, conf(("t_alloc_map", ["memory = 1M"])))
    assert_all_pass(b, ALLOC_MAP_CASES)


SPAN_CASES = [
    "span_writable", "span_protect_read_only", "span_every_page_read_only",
    "span_restore", "span_every_page_writable", "span_hole_refused",
    "span_hole_changed_nothing", "span_above_ceiling_refused",
    "span_above_ceiling_read_only_ok", "span_read_only_everywhere",
    "span_first_bad_page_decides"]


def test_protect_range_across_a_table_boundary(tmp_path):
    """libos/tests/protect_span.c: four pages across a 2 MiB boundary
    change together; a range refused past the boundary changes none."""
    b = run_suite(tmp_path, conf(("t_protect_span", ["memory = 4M"])))
    assert_all_pass(b, SPAN_CASES)
    assert b.has(r"summary: t_protect_span +id 1 exited, status 0")


def test_protect_on_two_harts_takes_the_c_path(tmp_path):
    """On two harts the big kernel lock is taken and protect goes through
    the C dispatch (syscall_enter_c; one hart calls protect_sys straight
    from the trap): the same suite, the same results."""
    text = conf(("t_protect", ["memory = 4M"]),
                ("t_protect_span", ["memory = 4M"]))
    b = run_suite_on_two_harts(tmp_path, text)
    assert_all_pass(b, CASES + SPAN_CASES)
