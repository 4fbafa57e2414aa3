"""make trace: a kernel built with CONFIG_TRACE=y records switches, idle
periods, system calls, upcalls, interrupts and notifications and prints
them at power off; scripts/trace2perfetto turns the dump into a
Perfetto / Chrome JSON trace with a track per hart and per domain. The
converter is checked on a canned dump; the traced kernel (built by make
trace-kernel into $(O)-trace, RIVET_TRACE_BUILD) on the demo system."""
import json
import os
import subprocess
import sys

import pytest

from rivetqemu import BUILD, boot_kernel

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../scripts"))
import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402

_loader = importlib.machinery.SourceFileLoader("trace2perfetto",
                                               "scripts/trace2perfetto")
_spec = importlib.util.spec_from_loader("trace2perfetto", _loader)
t2p = importlib.util.module_from_spec(_spec)
_loader.exec_module(t2p)

TRACE_BUILD = os.environ.get("RIVET_TRACE_BUILD", BUILD + "-trace")

# A dump as the kernel prints it, among other console lines: a and b
# start, a notifies b, yields to it by id, b takes a breakpoint and
# ends, a waits, the hart idles, an interrupt for a wakes it.
CANNED = """\
[    0.020000] rivet: all domains have ended\r
rivet-trace: begin version 1 hart 3 timebase 10000000 events 15 lost 0\r
rivet-trace: domain 1 alpha\r
rivet-trace: domain 2 beta\r
rivet-trace: syscall 2 yield\r
rivet-trace: syscall 3 wait\r
rivet-trace: syscall 4 notify\r
rivet-trace: syscall 5 exit\r
sw 3 1000 100000 0 1 0\r
sys 3 1001 100100 1 0 4\r
ntf 3 1001 100150 2 1 10\r
sys 3 1002 100200 1 0 2\r
sw 3 1002 100250 1 2 0\r
up 3 1003 100300 2 0 3\r
sys 3 1004 100400 2 0 5\r
ntf 3 1004 100450 1 2 800000000000000\r
sw 3 1005 100500 0 1 0\r
sys 3 1006 100600 1 0 3\r
idle 3 1007 100700 1 0 0\r
irq 3 1100 110000 1 0 a\r
ntf 3 1100 110005 1 1 20\r
wake 3 1100 110010 1 0 0\r
sw 3 1101 110100 1 1 0\r
rivet-trace: end time 1200 instret 120000\r
[    0.021000] rivet: powering off\r
"""


def hart_spans(doc, hart):
    return sorted((e for e in doc["traceEvents"] if e["ph"] == "X" and
                   e["pid"] == t2p.HARTS_PID and
                   e["tid"] == t2p.hart_tid(hart)),
                  key=lambda e: e["ts"])


def track_names(doc):
    return {(e["pid"], e.get("tid")): e["args"]["name"]
            for e in doc["traceEvents"] if e["ph"] == "M" and
            e["name"] == "thread_name"}


def instants(doc, pid, tid):
    return [e["name"] for e in sorted(
        (e for e in doc["traceEvents"] if e["ph"] == "i" and
         e["pid"] == pid and e["tid"] == tid), key=lambda e: e["ts"])]


def test_converter_makes_a_track_per_hart_and_per_domain():
    doc = json.loads(json.dumps(t2p.convert(CANNED)))
    assert track_names(doc) == {(t2p.HARTS_PID, t2p.hart_tid(3)): "hart 3",
                                (t2p.DOMAINS_PID, 1): "alpha (id 1)",
                                (t2p.DOMAINS_PID, 2): "beta (id 2)"}
    assert doc["otherData"]["complete"] and doc["otherData"]["events"] == 15


def test_converter_shows_who_runs_on_the_hart_in_order():
    doc = t2p.convert(CANNED)
    spans = [(e["name"], e.get("args", {}).get("from"))
             for e in hart_spans(doc, 3)]
    # The in-place resume after the idle period (sw 1 -> 1) is alpha again.
    assert spans == [("alpha", None), ("beta", "alpha"),
                     ("alpha", "beta"), ("idle", None), ("alpha", "alpha")]
    on_hart = instants(doc, t2p.HARTS_PID, t2p.hart_tid(3))
    assert "switch beta (ended) -> alpha" in on_hart
    assert "irq 10" in on_hart
    # time CSR at 10 MHz: tick 1002 is 100.2 us; events within one tick
    # keep their order 1 ns apart.
    yield_ts = [e["ts"] for e in doc["traceEvents"]
                if e["name"] == "yield"][0]
    beta = hart_spans(doc, 3)[1]
    assert yield_ts == 100.2 and beta["ts"] == 100.201


def test_converter_puts_calls_upcalls_and_notifications_on_domain_tracks():
    doc = t2p.convert(CANNED)
    assert instants(doc, t2p.DOMAINS_PID, 1) == [
        "notify", "notify beta", "yield", "kernel event: peer exit", "wait",
        "irq 10", "interrupt event"]
    assert instants(doc, t2p.DOMAINS_PID, 2) == [
        "notified by alpha", "upcall: breakpoint", "exit"]
    # An arrow from alpha's notify call to beta's next slice.
    flows = [(e["ph"], e["tid"], e["id"], e["ts"])
             for e in doc["traceEvents"] if e["ph"] in "sf"]
    assert flows == [("s", 1, 1, 100.101), ("f", 2, 1, 100.101)]
    running = [e for e in doc["traceEvents"] if e["ph"] == "X" and
               e["pid"] == t2p.DOMAINS_PID and e["tid"] == 2]
    assert len(running) == 1 and running[0]["dur"] == 0.299


def test_converter_instret_clock_counts_nanoseconds():
    doc = t2p.convert(CANNED, clock="instret")
    assert [e["ts"] for e in hart_spans(doc, 3)][:2] == [100.0, 100.25]


def test_converter_refuses_a_log_without_a_trace(tmp_path):
    log = tmp_path / "boot.log"
    log.write_text("[    0.1] rivet: powering off\n")
    r = subprocess.run([sys.executable, "scripts/trace2perfetto", str(log)],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "CONFIG_TRACE=y" in r.stderr


def test_converter_names_a_bad_line():
    with pytest.raises(t2p.TraceError, match="line 3: not a trace event"):
        t2p.parse("x\nrivet-trace: begin version 1 hart 0 timebase 10 "
                  "events 1 lost 0\nsw 0 1 2\n"
                  "rivet-trace: end time 1 instret 1\n")


def test_converter_refuses_another_format_version():
    with pytest.raises(t2p.TraceError, match="version 2"):
        t2p.parse("rivet-trace: begin version 2 hart 0 timebase 10 "
                  "events 0 lost 0\n")


def test_converter_keeps_a_dump_cut_short(tmp_path):
    # Stopped in the middle of a line, with QEMU's own words after it.
    cut = CANNED[:CANNED.index("sw 3 1005") + 6] + \
        "\nqemu-system-riscv64: terminating on signal 15\n"
    log = tmp_path / "cut.log"
    log.write_text(cut)
    out = tmp_path / "t.json"
    r = subprocess.run([sys.executable, "scripts/trace2perfetto", str(log),
                        "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and "cut short" in r.stderr
    doc = json.load(open(str(out)))
    assert not doc["otherData"]["complete"]
    assert [e["name"] for e in hart_spans(doc, 3)] == ["alpha", "beta"]


# ------------------------------------------------- the traced kernel ---

def traced_demo(tmp_path):
    kernel = os.path.join(TRACE_BUILD, "rivet.elf")
    assert os.path.exists(kernel), \
        "no traced kernel at %s: run make trace-kernel" % kernel
    b = boot_kernel(kernel=kernel, extra=["-icount", "shift=0,sleep=off",
                                          "-seed", "1"])
    log = tmp_path / "trace.log"
    log.write_text(b.out)
    out = tmp_path / "trace.json"
    r = subprocess.run([sys.executable, "scripts/trace2perfetto", "--clock",
                        "instret", str(log), "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + b.out
    return b, json.load(open(str(out)))


def test_demo_trace_shows_the_directed_yields_in_order(tmp_path):
    b, doc = traced_demo(tmp_path)
    # The traced kernel runs the demo as the untraced one does.
    assert b.has(r"world: domain 3 \"world\" says hello")
    assert b.has(r"hello: back from world \(yield returned 0\)")
    assert b.has(r"hello: 2 breakpoints reflected and skipped")
    assert b.has(r"^rivet-trace: end ")
    assert doc["otherData"]["complete"] and not doc["otherData"]["lost"]

    names = track_names(doc)
    assert {names.get((t2p.DOMAINS_PID, i)) for i in (1, 2, 3)} == \
        {"console (id 1)", "hello (id 2)", "world (id 3)"}
    harts = [tid for pid, tid in names if pid == t2p.HARTS_PID]
    assert harts == [t2p.hart_tid(0)]

    spans = [(e["name"], e.get("args", {}).get("from"))
             for e in hart_spans(doc, 0)]
    # hello yields to world by name, world yields straight back, and the
    # console takes over once hello has ended.
    i = spans.index(("world", "hello"))
    assert spans[i - 1][0] == "hello" and spans[i + 1] == ("hello", "world")
    assert ("console", "hello") in spans[i + 2:]

    hello = instants(doc, t2p.DOMAINS_PID, 2)
    # through the capability of its `notify = world` line
    assert "yield_cap" in hello
    assert hello.count("upcall: breakpoint") == 2
    # After its exit the kernel tells the peers (kernel events, not its own).
    assert hello[-1] == "exit"
    world = instants(doc, t2p.DOMAINS_PID, 3)
    assert "yield_cap" in world and world[-1] == "exit"
