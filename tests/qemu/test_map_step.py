"""map's and frame_alloc's one steps (kernel/cap/map_step.c,
kernel/cap/frame_alloc_step.c, libos/tests/map_step.c): which requests
take them (KSTAT_MY_ONE_STEP_MAPS: a one-page frame capability, a page
whose tables exist in the range of the view's last page, no W^X conflict,
no revoke in progress; KSTAT_MY_ONE_STEP_ALLOCS: one page anywhere from
the zeroed-frame pool) and which the general way (a fresh range, another
range, several pages, an alignment, RIVET_FRAME_REUSE, an empty pool, a
W^X conflict, another domain's revoke in progress, every refusal); the
step's page reads zero, shows in the page-table view with the general
way's bits, counts for W^X and goes with its capability; hostile
arguments get the general way's errors and leave nothing. On one hart
the steps run straight from the call's entry (the direct table), on two
under the big kernel lock; test_fastpath.py runs it on the C twin of
CONFIG_FAST_MAP_STEP too, where every request takes the general way."""
from rivetqemu import boot_kernel, build_path, make_initramfs
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "mstep_pool_filled",
    "mstep_alloc_one_step", "mstep_alloc_is_one_page_frame",
    "mstep_alloc_counts_one_frame", "mstep_alloc_two_pages_general",
    "mstep_alloc_aligned_general", "mstep_alloc_reuse_general",
    "mstep_alloc_frames_back",
    "mstep_alloc_for_map", "mstep_map_fresh_range_general",
    "mstep_map_next_page_one_step", "mstep_map_page_zero",
    "mstep_map_view_shows_leaf", "mstep_map_leaf_bits_as_general",
    "mstep_map_other_range_general", "mstep_map_back_in_first_range_general",
    "mstep_map_then_one_step_again", "mstep_map_two_pages_general",
    "mstep_map_copy_one_step", "mstep_copy_reads_original",
    "mstep_original_revoked", "mstep_revoke_removes_copy_mapping",
    "mstep_original_mapping_stays", "mstep_delete_step_page",
    "mstep_delete_removes_mapping", "mstep_unmap_step_page",
    "mstep_unmap_removes_mapping",
    "mstep_wx_writable_one_step", "mstep_wx_executable_refused",
    "mstep_wx_executable_after_unmap", "mstep_wx_writable_refused",
    "mstep_hostile_range_ready", "mstep_already_mapped",
    "mstep_slot_past_space", "mstep_slot_past_32_bits", "mstep_empty_slot",
    "mstep_not_a_frame", "mstep_missing_rights", "mstep_unaligned",
    "mstep_kernel_address", "mstep_at_map_top", "mstep_wrapped_address",
    "mstep_write_execute", "mstep_write_only", "mstep_no_rights",
    "mstep_rights_out_of_range", "mstep_after_refusals_one_step",
    "mstep_alloc_no_pages", "mstep_alloc_align_not_power",
    "mstep_alloc_too_many_pages", "mstep_alloc_unaligned_paddr",
    "mstep_alloc_quota_spent", "mstep_alloc_quota_exhausted",
    "mstep_alloc_no_free_slot", "mstep_alloc_copies_revoked",
    "mstep_pool_drained", "mstep_alloc_pool_empty_general",
    "mstep_map_pool_empty_frame", "mstep_pool_empty_page_zero"]

ROLE = ("t_map_step", ["memory = 8M"])


def test_map_and_alloc_step_or_general_way(tmp_path):
    b = run_suite(tmp_path, conf(ROLE))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_map_step +id 1 exited, status 0")


def test_map_and_alloc_step_on_two_harts(tmp_path):
    """The same with two harts online: every call takes the big kernel
    lock (the C dispatch, docs/smp.md), where ksys_map and
    ksys_frame_alloc try the same steps first."""
    initrd = make_initramfs(tmp_path, conf(ROLE),
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=120)
    assert b.has(r"cpu: 2 harts online"), b
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert_all_pass(b, CASES)


REVOKE_CASES = [
    "step_revoker_tree_built", "step_revoker_revoked",
    "mstep_mapper_step_before_revoke", "mstep_revoke_in_progress_general",
    "mstep_mapper_step_after_revoke"]


def test_map_general_while_a_revoke_is_in_progress(tmp_path):
    """Another domain's revoke in progress (cap_system.nrevoking, between
    two of its pieces: its slice-end upcall yields) sends every map the
    general way; once it ended, the step again."""
    b = run_suite(tmp_path, conf(
        ("t_step_revoker", ["memory = 16M", "slots = 65536", "slice = 1ms"]),
        ("t_map_step_mapper", ["memory = 4M"])) + """
[channel t_step_revoker t_map_step_mapper]
size = 4K
""", timeout=120)
    assert_all_pass(b, REVOKE_CASES)
