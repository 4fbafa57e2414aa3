"""A console that cannot drive its UART must not take its channel peers
down. Its channels' rings are its frames (it is named first), so if it
exited they would be revoked from under hello, world and shell, killed
by page faults on the ring. It stays and relays their lines into the
kernel log instead (libos/console/nodevice.c, docs/console.md), and
exits once alone. Each case boots the default system (with the shell)
on QEMU virt's tree with stdout-path edited.
"""
import re

import pytest

from rivetqemu import boot_kernel
from test_dt10_boot import edited_virt, replace_once

CONF = "rivet.conf=/etc/rivet.conf"
PEERS = ("hello", "world", "shell")
STDOUT = 'stdout-path = "/soc/serial@10000000";'


def rtc(src):
    """stdout-path names a device no console driver takes."""
    node = re.search(r"\b(rtc@[0-9a-f]+) \{", src).group(1)
    return replace_once(src, STDOUT, 'stdout-path = "/soc/%s";' % node)


def nothing(src):
    """stdout-path names a node that does not exist: no device at all."""
    return replace_once(src, STDOUT, 'stdout-path = "/soc/nothing@0";')


def summaries(b):
    return dict(b.findall(r"^\[[ .0-9]+\] summary: (\w+) +id \d+ (.*)$"))


@pytest.mark.parametrize("edit, why", [
    (rtc, r'console: device stdout is "google,goldfish-rtc", which no '
          r'driver here takes'),
    (nothing, r"console: no device granted"),
], ids=["unknown-device", "no-device"])
@pytest.mark.parametrize("smp", [1, 2])
def test_peers_outlive_a_console_without_a_uart(tmp_path, edit, why, smp):
    """On two harts the peers write while the console gives up: before
    the fix hello and world were killed on their rings (unhandled store
    page fault, or inside their exception handler) in nearly every
    boot."""
    dtb = edited_virt(tmp_path, edit.__name__, edit, smp=smp)
    b = boot_kernel("virt", smp=smp, mem="256M", append=CONF,
                    extra=("-dtb", dtb))
    assert b.has(why), b.out
    s = summaries(b)
    for p in PEERS:
        assert s[p].startswith("exited, status 0, "), (p, s[p], b.out)
    # hello takes faults of its own on purpose (breakpoints, lazy FP);
    # a fault on a ring would be unhandled and end it (status -13/-15).
    for p in ("world", "shell"):
        assert s[p].endswith("faults 0"), (p, s[p], b.out)
    assert not b.has(r"killed|unhandled|page fault"), b.out
    # Their output still reaches a person, through the kernel log.
    assert b.has(r"hello: exiting with status 0$"), b.out
    assert b.has(r"shell: end of input; exiting$"), b.out
    assert b.has(r"console: no device; \d+ channel lines written to the "
                 r"kernel log; no other domain left, exiting$"), b.out
    assert re.match(r"exited, status 1,", s["console"]), s["console"]
    assert b.has(r"rivet: powering off$"), b.out
