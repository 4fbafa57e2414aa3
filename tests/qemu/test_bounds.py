"""Bounded kernel entries (docs/performance.md, "Kernel time per entry")
for calls that used to run in one long entry: debug_write of 4 KiB and
frame_alloc of a 512-page run go in restartable pieces, each within the
bound, and do what they did before. The reaper of ended domains is
checked by test_slices.py (a killed full space) and test_spawn.py (kill).
"""
from test_domains import assert_all_pass, run_suite


def test_debug_write_and_frame_alloc_of_a_run_stay_within_the_bound(
        tmp_path):
    b = run_suite(tmp_path, "[domain t_bounds]\nimage = /libos/tests.elf\n"
                  "memory = 16M\n")
    assert_all_pass(b, ["debug_write_4k_succeeds",
                        "debug_write_4k_in_short_entries",
                        "debug_write_too_long_refused",
                        "frame_alloc_512_pages_succeeds",
                        "frame_alloc_512_pages_in_short_entries",
                        "frame_alloc_512_pages_all_zeroed",
                        "frame_alloc_512_pages_charged",
                        "frame_alloc_aligned_run_succeeds",
                        "frame_alloc_aligned_run_in_short_entries",
                        "frame_alloc_runs_give_back_every_frame",
                        "frame_alloc_search_without_a_run_fails",
                        "frame_alloc_search_in_short_entries",
                        "frame_alloc_search_holds_nothing_after",
                        "frame_alloc_named_run_with_a_busy_frame_refused",
                        "frame_alloc_named_run_refused_holds_nothing",
                        "frame_alloc_named_run_taken_there",
                        "frame_alloc_search_gives_back_every_frame"])
    # The 4 KiB written came out whole, line by line, across the pieces.
    for k in range(64):
        line = "".join(chr(ord("a") + (64 * k + j) % 26) for j in range(63))
        assert b.has(line + "$"), (k, b)
    print("\n".join(b.findall(r"(?:KTIME|STRETCH) .*$")))


def test_kill_of_a_full_space_returns_everything_in_short_entries(tmp_path):
    """A spawned child fills 16,384 slots and maps a frame 8,192 times;
    its spawner kills it: kill reaps it in its own restartable pieces and
    returns once the quota, slots and frames are back."""
    b = run_suite(tmp_path, "[domain t_bounds_killer]\n"
                  "image = /libos/tests.elf\nmemory = 32M\nslots = 16500\n"
                  "spawn = /libos/tests.elf\nnotify = t_bounds_killer\n",
                  timeout=120)
    assert_all_pass(b, ["big_child_spawned", "big_child_filled_its_space",
                        "kill_of_a_full_space_succeeds",
                        "kill_of_a_full_space_in_short_entries",
                        "kill_gives_up_the_cpu_while_it_runs",
                        "kill_gives_back_the_quota_before_it_returns",
                        "kill_gives_back_the_slots",
                        "kill_gives_back_every_frame"])
    assert b.has(r"BIG child: 16384 slots, 8192 mappings$"), b
    print("\n".join(b.findall(r"(?:KTIME|STRETCH) .*$")))


def test_a_frame_alloc_given_up_part_way_gives_its_run_back(tmp_path):
    """A 64 MiB frame_alloc is stopped at a slice end while it zeroes the
    run; its slice-end entry turns the ecall into a 1-page frame_alloc,
    which must give the run back first; then one is ended by exit there,
    and the reaper must give the run back."""
    b = run_suite(tmp_path, "[domain t_giveup]\nimage = /libos/tests.elf\n"
                  "memory = 80M\nslice = 1ms\n", timeout=120)
    assert_all_pass(b, ["giveup_entry_set",
                        "giveup_run_stopped_at_a_slice_end",
                        "giveup_other_call_served", "giveup_run_given_back",
                        "giveup_every_frame_back", "giveup_exit_entry_set"])
    assert b.has(r"summary: t_giveup +id 1 exited, status 7"), b
    assert not b.has(r"still owned"), b
