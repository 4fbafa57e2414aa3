"""Capabilities and physical memory under QEMU: frame capabilities named
by physical address, checked mappings, grants, visible revocation, quotas,
and teardown of a killed owner. Each case is a result line printed by a
libos/tests role."""
from test_domains import assert_all_pass, run_suite


def conf(*sections):
    return "\n".join("[domain %s]\nimage = /libos/tests.elf\n%s\n"
                     % (name, "\n".join(keys)) for name, keys in sections)


def test_frame_caps_map_check_rights_and_physical_names(tmp_path):
    b = run_suite(tmp_path, conf(("t_cap_basic", ["memory = 6M"])))
    assert_all_pass(b, [
        "frame_alloc_any", "cap_info_frame_type",
        "cap_info_names_physical_frame", "map_frame_rw",
        "mapped_frame_reads_back", "map_twice_at_same_va",
        "map_write_execute_refused", "map_write_without_read_refused",
        "map_unaligned_va", "map_above_map_top", "map_kernel_half",
        "map_over_the_image", "map_slot_out_of_range", "map_empty_slot",
        "map_domain_cap_as_frame", "derive_read_only_copy",
        "map_without_write_right_fails", "map_read_only_copy",
        "copy_maps_same_frame", "unmap_copy", "unmapped_page_faults",
        "unmap_twice", "frame_alloc_busy_frame", "frame_alloc_kernel_frame",
        "frame_alloc_not_ram", "frame_alloc_zero_pages",
        "frame_alloc_bad_alignment", "delete_original_frame",
        "delete_unmaps_every_copy", "copy_went_with_original",
        "frame_alloc_by_physical_address",
        "frame_alloc_aligned_run", "frame_alloc_megapage_run",
        "map_megapage", "megapage_last_word"])


def test_quota_exhaustion_is_an_error(tmp_path):
    b = run_suite(tmp_path, conf(("t_cap_quota",
                                  ["memory = 1M", "slots = 300"])))
    assert_all_pass(b, ["frame_quota_exhaustion_is_nomem",
                        "slot_quota_exhaustion_is_nomem"])


def test_grant_then_revoke_unmaps_grantee_and_tells_it(tmp_path):
    b = run_suite(tmp_path, conf(
        ("t_grant_a", ["memory = 1M", "peer = t_grant_b",
                       "notify = t_grant_b"]),
        ("t_grant_b", ["memory = 1M", "peer = t_grant_a",
                       "accept = t_grant_a 1", "notify = t_grant_a"])))
    assert_all_pass(b, [
        "grant_into_peer", "grant_to_self_cap_needs_grant_right",
        "grantee_maps_granted_frame", "grantee_reads_granted_frame",
        "grantee_cannot_map_writable",
        "grantee_cannot_regrant_without_grant_right",
        "revoke_counts_descendants", "revoke_keeps_holders_own_mapping",
        "revocation_event_names_slot_and_frame",
        "revoked_page_faults_in_grantee", "revoked_slot_is_empty"])


def test_revoke_of_10000_node_tree_frees_everything(tmp_path):
    b = run_suite(tmp_path, conf(("t_revoke_big",
                                  ["memory = 2M", "slots = 10100"])))
    assert_all_pass(b, ["build_10000_node_tree", "revoke_10000_node_tree",
                        "revoke_frees_every_slot", "revoked_child_is_gone",
                        "revoke_keeps_the_root"])


def test_killed_owner_leaves_no_frame_or_mapping(tmp_path):
    b = run_suite(tmp_path, conf(
        ("t_kill_owner", ["memory = 1M", "peer = t_watcher",
                          "notify = t_watcher"]),
        ("t_watcher", ["memory = 1M", "peer = t_kill_owner",
                       "accept = t_kill_owner 1", "notify = t_kill_owner"])))
    assert b.has(r"domain t_kill_owner \(id 1\) killed: load page fault")
    assert_all_pass(b, ["watcher_maps_owners_frames",
                        "watcher_reads_owners_frames",
                        "killed_owner_revokes_its_grants",
                        "killed_owners_frames_unmapped_here",
                        "killed_owners_frames_all_freed",
                        "watcher_has_no_mapping_left"])
    assert not b.has(r"frames still owned after teardown")


def test_abort_protocol_both_ways(tmp_path):
    b = run_suite(tmp_path, conf(
        ("t_abort_req", ["memory = 1M", "peer = t_abort_ok control",
                         "peer = t_abort_bad control", "peer = t_abort_ok"]),
        ("t_abort_ok", ["memory = 1M", "peer = t_abort_req",
                        "notify = t_abort_req"]),
        ("t_abort_bad", ["memory = 1M", "notify = t_abort_req"])))
    assert_all_pass(b, [
        "reclaim_from_self_refused", "reclaim_without_control_right",
        "reclaim_more_than_it_holds", "reclaim_asks_complying_domain",
        "reclaim_twice_is_busy", "asked_domain_sees_request",
        "complying_domain_keeps_the_rest",
        "request_cleared_after_compliance",
        "complying_domain_returned_by_itself",
        "reclaim_asks_ignoring_domain",
        "forced_frames_are_named_newest_first", "forced_pages_are_unmapped",
        "unforced_page_still_there",
        "ignoring_domain_loses_frames_by_force",
        "returned_frames_join_the_askers_quota",
        "forced_frames_join_the_askers_quota",
        "given_frames_leave_the_targets_quota"])
    assert b.has(r"abort: t_abort_bad returned 0 of 3 frames by the "
                 r"deadline; took 3")


def test_domain_reads_its_own_page_table_view(tmp_path):
    b = run_suite(tmp_path, conf(("t_ptview", ["memory = 4M"])))
    assert_all_pass(b, ["view_shows_text_read_execute",
                        "view_empty_where_nothing_mapped",
                        "view_shows_new_mapping", "view_clears_on_unmap",
                        "view_is_read_only",
                        "view_covers_each_page_of_a_megapage"])


def test_review_regressions(tmp_path):
    """Found in review: FP registers leaking through lazy enable, a failed
    multi-page map leaving a megapage behind, maps refused over an empty
    table, forged kernel event bits."""
    b = run_suite(tmp_path, conf(
        ("t_fp_victim", ["memory = 1M", "notify = t_fp_thief"]),
        ("t_fp_thief", ["memory = 1M"]),
        ("t_map_undo", ["memory = 6M"]),
        ("t_map_left_table", ["memory = 6M"]),
        ("t_notify_forger", ["memory = 1M", "notify = t_notify_forger"])))
    assert_all_pass(b, ["fp_enable_starts_with_zeroed_registers",
                        "map_succeeds_once_quota_allows",
                        "failed_maps_leave_nothing_mapped",
                        "map_across_1g_reaches_the_end",
                        "map_over_an_empty_table",
                        "map_over_an_empty_table_reaches_the_end",
                        "deleted_run_is_unmapped_everywhere",
                        "notify_kernel_bits_refused"])
