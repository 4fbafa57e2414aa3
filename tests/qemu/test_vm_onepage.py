"""The VM manager's one-page regions, whose page's entry lives in the
region's own record instead of the hash table (libos/tests/vmonepage.c):
faulted in (by a store, by a load, by a pager), populated, discarded,
adopted and unmapped through it, every count back afterwards; a region
cut down to one page keeps its page in the table; one vm_munmap across
both kinds; vm_munmap of the last region (no search) and of another; a
write barrier over a one-page mapping beside a demand fault outside
it; vm_mmap's refusals of bad rights and sizes, and the rights it
takes; vm_munmap's refusals of a bad pointer or size, and of a byte
(the whole page)."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "vmo_mmap_maps_nothing", "vmo_fault_backs_the_page", "vmo_munmap",
    "vmo_munmap_gives_back", "vmo_munmap_deletes_the_slot", "vmo_populate",
    "vmo_populated_page_needs_no_fault", "vmo_discard",
    "vmo_discard_gives_back", "vmo_discarded_page_refaults_zeroed",
    "vmo_discard_then_munmap_frames", "vmo_load_fault_reads_zero",
    "vmo_pager_region_add", "vmo_pager_set", "vmo_pager_serves_one_page",
    "vmo_region_add", "vmo_adopt",
    "vmo_adopted_page_no_frame_of_ours", "vmo_adopted_slot",
    "vmo_adopt_twice_refused", "vmo_adopted_munmap",
    "vmo_adopted_slot_deleted", "vmo_adopted_munmap_counts", "vmo_cut_first_page",
    "vmo_cut_keeps_second_page", "vmo_cut_munmap_rest", "vmo_cut_all_back",
    "vmo_three_regions_backed", "vmo_munmap_across_kinds",
    "vmo_across_kinds_all_back", "vmo_munmap_not_last_region",
    "vmo_not_last_region_leaves_e", "vmo_munmap_last_region",
    "vmo_exact_all_back", "vmo_barrier_start",
    "vmo_store_outside_barrier_demand_faults",
    "vmo_store_inside_barrier_recorded", "vmo_barrier_stop",
    "vmo_after_barrier_no_fault", "vmo_mmap_refusals",
    "vmo_mmap_rights_taken", "vmo_munmap_bad_range_refused",
    "vmo_munmap_one_byte", "vmo_munmap_one_byte_gives_back"]


def test_vm_one_page_regions(tmp_path):
    b = run_suite(tmp_path, conf(("t_vm_onepage", ["memory = 2M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_vm_onepage +id 1 exited, status 0")
