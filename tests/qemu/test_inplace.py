"""map_batch's entries and the ring's runs of maps read in place
(libos/tests/inplace.c): arrays and rings across pages, an entry split by
a page boundary, a page that cannot be read (or, for completions, written)
stopping the call exactly at the first entry on it with every entry
before it mapped and counted, rights changing from one entry to the next,
and a ring of maps mixed with other calls and refused maps, each entry
with its own completion."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "inplace_batch_across_pages", "inplace_batch_stops_at_unreadable_entry",
    "inplace_batch_rights_change_per_entry", "inplace_ring_mixed_entries",
    "inplace_ring_completion_page_read_only",
    "inplace_ring_stops_at_unreadable_entry"]


def test_in_place_maps_stop_exactly_where_memory_ends(tmp_path):
    b = run_suite(tmp_path, conf(("t_inplace", ["memory = 8M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_inplace +id 1 exited, status 0")
