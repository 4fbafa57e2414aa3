"""Mappings of large capabilities in bounded pieces (docs/performance.md,
"Kernel time per entry"; roles in libos/tests/bigmap.c): map, unmap,
map_batch, revoke and delete of a 4,096-page capability keep every kernel
entry within the bound and do what one long entry did; a map stopped at a
slice end and turned into a delete of its capability leaves nothing. And
the abort protocol's forced deletes of such a capability and of 4,000
copies, in pieces on the timer path (libos/tests/abort_bounds.c).
"""
from test_domains import assert_all_pass, run_suite


def test_map_unmap_and_delete_of_a_large_capability_in_short_entries(
        tmp_path):
    b = run_suite(tmp_path, "[domain t_bigmap]\nimage = /libos/tests.elf\n"
                  "memory = 48M\n", timeout=120)
    assert_all_pass(b, [
        "bigmap_frames_allocated", "bigmap_map_succeeds",
        "bigmap_map_in_short_entries", "bigmap_map_is_one_mapping",
        "bigmap_every_page_in_the_view",
        "bigmap_every_page_reaches_its_frame", "bigmap_unmap_succeeds",
        "bigmap_unmap_in_short_entries", "bigmap_unmap_removes_every_page",
        "bigmap_map_over_a_mapping_fails",
        "bigmap_failed_map_in_short_entries",
        "bigmap_failed_map_leaves_nothing",
        "bigmap_failed_map_keeps_what_was_there",
        "bigmap_map_over_its_first_page_fails", "bigmap_first_page_kept",
        "bigmap_map_after_a_failed_one",
        "bigmap_megapage_run_mapped", "bigmap_megapages_kept_whole",
        "bigmap_megapage_view", "bigmap_megapages_unmapped",
        "bigmap_megapages_leave_nothing", "bigmap_batch_maps_every_entry",
        "bigmap_batch_in_short_entries", "bigmap_revoke_unmaps_the_copy",
        "bigmap_revoke_in_short_entries",
        "bigmap_delete_of_the_mapped_original",
        "bigmap_delete_in_short_entries",
        "bigmap_delete_gives_back_every_page_and_frame"])
    print("\n".join(b.findall(r"(?:KTIME|STRETCH) .*$")))


def test_a_map_turned_into_a_delete_part_way_leaves_nothing(tmp_path):
    """A 64 MiB map is stopped at a slice end; its slice-end entry turns
    the ecall into cap_delete of the capability: the part mapped and
    every frame go with it."""
    b = run_suite(tmp_path, "[domain t_bigmap_giveup]\n"
                  "image = /libos/tests.elf\nmemory = 80M\nslice = 1ms\n",
                  timeout=120)
    assert_all_pass(b, ["bigmap_giveup_frames_allocated",
                        "bigmap_giveup_entry_set",
                        "bigmap_giveup_map_stopped_at_a_slice_end",
                        "bigmap_giveup_delete_served",
                        "bigmap_giveup_part_mapped_removed",
                        "bigmap_giveup_frames_back",
                        "bigmap_giveup_in_short_entries"])
    assert not b.has(r"still owned"), b


def test_forced_deletes_of_a_large_space_in_short_entries(tmp_path):
    b = run_suite(tmp_path, "[domain t_abort_big_req]\n"
                  "image = /libos/tests.elf\nmemory = 1M\n"
                  "peer = t_abort_big control\n\n"
                  "[domain t_abort_big]\nimage = /libos/tests.elf\n"
                  "memory = 24M\nslots = 8192\nnotify = t_abort_big_req\n",
                  timeout=120)
    assert_all_pass(b, ["abort_big_mapped", "abort_big_copies_made",
                        "abort_big_requested", "abort_big_every_frame_forced",
                        "abort_big_frames_join_the_askers_quota",
                        "abort_big_forced_in_short_entries",
                        "abort_big_frames_taken"])
    assert b.has(r"abort: t_abort_big returned 0 of 4097 frames by the "
                 r"deadline; took 4097"), b
    pieces = int(b.findall(r"abort: took 4097 frames from t_abort_big in "
                           r"(\d+) pieces$")[0])
    assert pieces > 10, b
    print("\n".join(b.findall(r"STRETCH .*$")), pieces, "pieces")
