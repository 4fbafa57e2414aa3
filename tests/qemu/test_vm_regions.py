"""The VM manager's sorted regions (libos/tests/vmregions.c): vm_mmap's
first fit with guard pages among holes, a vm_munmap across several
regions (cut at both ends, whole ones in between), regions added out of
address order found at their edges and not between, faults served in
each, and the region count after every step."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "vmr_mmap_guard_apart", "vmr_munmap_middle", "vmr_mmap_fills_hole",
    "vmr_mmap_skips_small_hole", "vmr_count_after_mmaps",
    "vmr_munmap_across", "vmr_across_keeps_a_head", "vmr_across_cuts_a_tail",
    "vmr_across_removes_d", "vmr_across_cuts_c_head",
    "vmr_across_keeps_c_tail", "vmr_across_keeps_e",
    "vmr_count_after_across", "vmr_faults_served", "vmr_count_after_all",
    "vmr_added_out_of_order", "vmr_found_at_edges_only",
    "vmr_overlap_refused", "vmr_gap_accepted", "vmr_faults_in_each",
    "vmr_munmap_all_low", "vmr_count_back", "vmr_low_gone"]


def test_vm_regions_sorted_fit_cut_and_find(tmp_path):
    b = run_suite(tmp_path, conf(("t_vm_regions", ["memory = 2M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_vm_regions +id 1 exited, status 0")
