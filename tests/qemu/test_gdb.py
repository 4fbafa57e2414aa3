"""gdb's backtrace ends cleanly at the first kernel frame (start_high) and
at each trap entry (trap_entry from S-mode, user_slow from a domain): the unwind information marks them outermost, so there is no
"previous frame inner to this frame (corrupt stack?)" and no frame past
them. gdb-multiarch in batch mode against qemu -S, bounded by timeouts."""
import re
import shutil
import socket
import subprocess

import pytest

from rivetqemu import DEMO_CONF, FW_JUMP, QEMU, build_path

GDB = shutil.which("gdb-multiarch")

# (breakpoint, the outermost frames it may be reached from)
STOPS = [("mem_init", {"start_high"}),
         ("trap_handler", {"trap_entry"}),
         ("user_trap", {"user_slow"}),
         ("sched_yield", {"user_slow"})]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def backtraces(out):
    """Each bt's frames (function names), and the lines gdb printed."""
    traces, cur = [], None
    for line in out.splitlines():
        m = re.match(r"#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(", line)
        if m:
            if m.group(1) == "0":
                cur = []
                traces.append(cur)
            cur.append(m.group(2))
    return traces


@pytest.mark.skipif(GDB is None, reason="gdb-multiarch is not installed")
def test_gdb_backtrace_ends_cleanly_at_the_outermost_kernel_frames():
    port = free_port()
    qemu = subprocess.Popen(
        [QEMU, "-M", "virt", "-smp", "1", "-m", "256M", "-nographic",
         "-no-reboot", "-monitor", "none", "-bios", FW_JUMP, "-kernel",
         build_path("rivet.elf"), "-initrd", build_path("initramfs.cpio"),
         "-append", DEMO_CONF, "-gdb", "tcp:127.0.0.1:%d" % port, "-S"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        cmds = ["set pagination off", "set confirm off",
                "target remote 127.0.0.1:%d" % port]
        for fn, _ in STOPS:
            cmds += ["hbreak " + fn, "continue", "bt", "delete"]
        cmds += ["kill"]
        args = [GDB, "-nx", "-batch"]
        for c in cmds:
            args += ["-ex", c]
        gdb = subprocess.run(args + [build_path("rivet.elf")],
                             stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=120)
    finally:
        qemu.kill()
        qemu.wait(timeout=30)
    out = gdb.stdout + gdb.stderr
    assert "corrupt stack" not in out, out
    assert "Backtrace stopped" not in out, out
    assert not re.search(r"^#\d+ .*\?\? \(\)", out, re.M), out
    traces = backtraces(out)
    assert len(traces) == len(STOPS), out
    for (fn, outer), frames in zip(STOPS, traces):
        assert frames[0] == fn, (fn, frames, out)
        assert frames[-1] in outer, (fn, frames, out)
