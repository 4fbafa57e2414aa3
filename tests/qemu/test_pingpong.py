"""libos/pingpong: two domains, 100,000 request/response round trips over
channel rings (libos/lib/channel.c) in a channel the boot configuration
declares (the kernel maps the frames into both and gives each a
notification capability), each message through the blocking layer's wait
and notify."""
from rivetqemu import boot_domains, build_path

CONF = """[domain ping]
image  = /libos/pingpong.elf
memory = 1M

[domain pong]
image  = /libos/pingpong.elf
memory = 1M

[channel ping pong]
size    = 4K
msg     = 16
handoff = yes
"""


def expected_checksum(rounds=100000):
    mask = (1 << 64) - 1
    return sum(((i ^ 0x5555) * 0x9e3779b97f4a7c15 + 1) & mask
               for i in range(rounds)) & mask


def test_pingpong_100000_round_trips_with_checksum(tmp_path):
    b = boot_domains(tmp_path, CONF,
                     {"/libos/pingpong.elf": build_path("libos/pingpong.elf")},
                     timeout=120)
    assert b.has(r"pingpong: 100000 round trips, checksum 0x%016x, ok$"
                 % expected_checksum()), b
    assert b.has(r"summary: ping +id 1 exited, status 0,"), b
    assert b.has(r"summary: pong +id 2 exited, status 0,"), b
