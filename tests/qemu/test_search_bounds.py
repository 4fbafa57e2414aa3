"""unmap's search along a capability's mappings and the abort protocol's
count of what the asked domain can give went through a whole space in
one entry; both are restartable now (libos/tests/search_bounds.c,
docs/performance.md, "Kernel time per entry")."""
from test_domains import assert_all_pass, run_suite


def test_unmap_at_the_end_of_60000_mappings_stays_within_the_bound(
        tmp_path):
    b = run_suite(tmp_path, "[domain t_unmap_search]\n"
                  "image = /libos/tests.elf\nmemory = 32M\nslots = 65536\n",
                  timeout=180)
    assert_all_pass(b, ["unmap_search_long_list_made",
                        "unmap_search_finds_the_last",
                        "unmap_search_removed_one", "unmap_search_page_gone",
                        "unmap_search_others_stay",
                        "unmap_search_of_a_missing_address",
                        "unmap_search_next_to_last",
                        "unmap_search_in_short_entries",
                        "unmap_search_delete_unmaps_the_rest"])
    print("\n".join(b.findall(r"(?:KTIME|STRETCH) .*$")))


def test_reclaim_count_over_65536_slots_stays_within_the_bound(tmp_path):
    b = run_suite(tmp_path, "[domain t_count_req]\n"
                  "image = /libos/tests.elf\nmemory = 1M\n"
                  "peer = t_count_target control\n"
                  "notify = t_count_target\n\n"
                  "[domain t_count_target]\nimage = /libos/tests.elf\n"
                  "memory = 16M\nslots = 65536\nnotify = t_count_req\n",
                  timeout=120)
    assert_all_pass(b, ["reclaim_count_more_than_held_refused",
                        "reclaim_count_what_is_held",
                        "reclaim_count_in_short_entries"])
    print("\n".join(b.findall(r"(?:KTIME|STRETCH) .*$")))
