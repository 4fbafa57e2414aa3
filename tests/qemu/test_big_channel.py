"""A channel of the largest size the configuration allows (1 MiB): its
frames are a run zeroed in restartable pieces, and the boot-time set-up
(kernel/cap/channel.c) must finish it. Before the fix the first piece's
SYSCALL_RESTART (1) was taken for an error: "error 1; not set up"."""
from test_domains import assert_all_pass, run_suite

BIG = """[domain t_bigchan_a]
image = /libos/tests.elf
memory = 4M

[domain t_bigchan_b]
image = /libos/tests.elf
memory = 1M

[channel t_bigchan_a t_bigchan_b]
size = 1M
"""


def test_a_1m_channel_is_set_up_zeroed(tmp_path):
    b = run_suite(tmp_path, BIG)
    assert not b.has(r"not set up"), b
    assert_all_pass(b, ["big_channel_up", "big_channel_size",
                        "big_channel_zeroed"])
    assert len(b.findall(r"TEST big_channel_zeroed: PASS")) == 2, b
