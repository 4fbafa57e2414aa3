"""libos/pingpong: two domains, 100,000 request/response round trips over
channel rings (libos/lib/channel.c) in a channel the boot configuration
declares (the kernel maps the frames into both and gives each a
notification capability), each message through the blocking layer's wait
and notify."""
import re

from rivetqemu import boot_domains, boot_kernel, build_path, make_initramfs

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
    # One hart: the peer answers only once we stop, so each side enters
    # the kernel once a round trip (a notify that hands off, or a wait).
    for name in ("ping", "pong"):
        assert entries(b, name) <= 101000, b


def entries(b, name):
    m = re.search(r"pingpong %s: (\d+) kernel entries, (\d+) of them waits$"
                  % name, b.out, re.M)
    assert m, b
    return int(m.group(1))


def test_pingpong_on_two_harts_spins_instead_of_sleeping(tmp_path):
    """Each domain on a hart of its own (virt -smp 3): each spins for the
    other's answer (docs/channels.md, "Spinning") instead of sleeping.
    On one hart each round trip costs each side a kernel entry (the
    peer cannot answer before we stop); here at most one in 20 does,
    whatever the host's load (3.3 per 1,000 round trips measured at
    load 6 on the shared 2-core host)."""
    conf = CONF.replace("[domain ping]\n", "[domain ping]\nhart   = 1\n")
    conf = conf.replace("[domain pong]\n", "[domain pong]\nhart   = 2\n")
    initrd = make_initramfs(tmp_path, conf, {
        "/libos/pingpong.elf": build_path("libos/pingpong.elf")})
    b = boot_kernel("virt", smp=3, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=240)
    assert b.has(r"pingpong: 100000 round trips, checksum 0x%016x, ok$"
                 % expected_checksum()), b
    for name in ("ping", "pong"):
        k = entries(b, name)
        print("pingpong %s on two harts: %d kernel entries per 100000 "
              "round trips" % (name, k))
        assert k * 20 <= 100000, (name, k, b)
