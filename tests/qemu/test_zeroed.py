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
