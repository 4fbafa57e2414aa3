"""The zeroed-frame invariant (libos/tests/zeroed.c, kernel/mm/frame_pool.h):
a frame handed to one domain never shows a byte another wrote. The writer
fills every byte of 32 frames and frees them; the idle loop zeroes them
into the pool and the reader gets them back all zero; the writer fills 32
more and is killed; after the reaper, the reader takes those by physical
name (zeroed on demand: no idle in between) and its other frames from
anywhere, every byte zero."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "zero_writer_wrote_and_freed", "zero_pool_filled_while_idle",
    "zero_pool_frames_every_byte_zero", "zero_pool_gave_the_writers_frames",
    "zero_pool_drained", "zero_writer_wrote_and_held",
    "zero_pool_still_empty", "zero_killed_writers_frames_by_name_zero",
    "zero_killed_writers_other_frames_zero"]


def test_no_frame_shows_another_domains_bytes(tmp_path):
    b = run_suite(tmp_path, conf(
        ("t_zero_writer", ["memory = 1M"]),
        ("t_zero_reader", ["memory = 12M", "slots = 4096"])) + """
[channel t_zero_writer t_zero_reader]
size = 4K
""")
    assert_all_pass(b, CASES)
    assert b.has(r"domain t_zero_writer \(id 1\) killed: load page fault")
    assert not b.has(r"TEST zero_writer_killed: FAIL")
    assert not b.has(r"frames still owned after teardown")


REUSE_CASES = [
    "reuse_many_pages_refused", "reuse_aligned_refused",
    "reuse_gives_own_frame_back_unzeroed", "reuse_charges_the_quota",
    "reuse_history_newest_16_back_in_order",
    "reuse_with_no_history_gives_a_zeroed_frame",
    "reuse_first_call_gives_a_zeroed_frame",
    "reuse_others_frame_by_name_zeroed", "reuse_other_freed_it",
    "reuse_never_gives_another_domains_bytes"]


def test_unzeroed_reuse_gives_only_a_domains_own_untouched_frames(
        tmp_path):
    """frame_alloc(RIVET_FRAME_REUSE) (libos/tests/reuse.c): one of the
    caller's last 16 freed frames, unzeroed, if nobody took it since;
    otherwise a zeroed one. One hart, and neither domain sleeps: an idle
    hart would zero the freed frames into the pool first."""
    b = run_suite(tmp_path, conf(
        ("t_reuse_owner", ["memory = 2M"]),
        ("t_reuse_other", ["memory = 1M"])) + """
[channel t_reuse_owner t_reuse_other]
size = 4K
""")
    assert_all_pass(b, REUSE_CASES)
    assert not b.has(r"frames still owned after teardown")
