"""The console domain (libos/console) under QEMU: it takes the UART over
from the kernel, prints the kernel log (every domain's output) line by
line, echoes what is typed on the serial line and reports each line
entered, and exits when it is the last domain, so every boot still ends
by itself. docs/console.md describes it.

Typing goes to QEMU's stdin, which -nographic connects to the first UART.
The harness types only after the console has said it is ready, and the
configurations that take input keep a busy peer (t_polite, five slices of
200 ms of virtual time, about four seconds of host time) alive meanwhile:
the console exits as soon as it is alone.
"""
import os
import re

import pytest

from rivetqemu import (FW_JUMP, boot_domains, build_path,
                       make_initramfs, qemu_interactive)

CONSOLE_ELF = build_path("libos/console.elf")
HELLO_ELF = build_path("libos/hello.elf")
WORLD_ELF = build_path("libos/world.elf")
TESTS_ELF = build_path("libos/tests.elf")
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
SRC = os.path.join(os.path.dirname(__file__), "..", "..", "libos", "console")

# A kernel log time stamp; one anywhere but at the start of a line means
# two outputs were interleaved mid-line.
STAMP = r"\[\s*\d+\.\d{6}\] "

FILES = {"/libos/console.elf": CONSOLE_ELF, "/libos/hello.elf": HELLO_ELF,
         "/libos/world.elf": WORLD_ELF, "/libos/tests.elf": TESTS_ELF}

# What hello prints, in its order (docs/libos.md, "The demo apps").
HELLO_LINES = [
    r'hello: domain \d+ "hello" on hart \d+, \d+ domains known',
    r"hello: back from world \(yield returned 0\)",
    r"hello: thread A step 1", r"hello: thread B step 1",
    r"hello: thread A step 2", r"hello: thread B step 2",
    r"hello: thread A step 3", r"hello: thread B step 3",
    r"hello: threads done after 3 and 3 steps",
    r"hello: 2 breakpoints reflected and skipped",
    r"hello: FP enabled lazily, value 0x1234 came back",
    r"hello: exiting with status 0",
]

POLITE = """
[domain t_polite]
image   = /libos/tests.elf
memory  = 1M
slice   = 200ms
"""


def sample_conf(board):
    with open(os.path.join(SRC, "rivet.conf." + board)) as f:
        return f.read()


def console_conf(device, *more):
    return ("[domain console]\nimage   = /libos/console.elf\n"
            "memory  = 1M\n%s" % (
                "device  = %s\n" % device if device else "")
            + "".join(more))


def boot_args(machine, initrd):
    args = ["-M", machine, "-bios", FW_JUMP, "-kernel",
            build_path("rivet.elf"), "-initrd", initrd] + ICOUNT
    if machine == "virt":
        return args + ["-smp", "1", "-m", "256M"]
    return args + ["-smp", "2"]  # sifive_u: hart 0 has no S-mode


def assert_clean_end(b):
    assert b.has(r"domain console \(id 1\) exited with status 0$"), b
    assert b.has(r"console: taken back from domain console$"), b
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed|dropped"), b


def assert_whole_lines(b):
    """Every kernel log line starts on a line of its own."""
    bad = [line for line in b.out.split("\n")
           if re.search(STAMP, line) and not re.match(STAMP, line)]
    assert not bad, (bad, b.out)


def assert_in_order(b, patterns):
    pos = 0
    for p in patterns:
        m = re.compile(r"^%s%s$" % (STAMP, p), re.M).search(b.out, pos)
        assert m, "no %r after offset %d in:\n%s" % (p, pos, b.out)
        pos = m.end()


def assert_echo_then_report(b, echo, line):
    """The echo of a typed line (a line of its own, the Enter echoed as
    CR LF), then, later, the console's report of it through the log."""
    m = re.search(r"^%s\n" % echo, b.out, re.M)
    assert m, "no echo %r in:\n%s" % (echo, b.out)
    assert re.compile(r"^%sconsole: got line '%s'$" % (STAMP, line),
                      re.M).search(b.out, m.end()), b


def relayed_lines(b):
    return int(b.find(r"console: no other domain left; (\d+) log lines "
                      r"and \d+ channel lines relayed so far, \d+ waits "
                      r"for the transmitter; exiting$").group(1))


# ------------------------------------------------------------------ virt ---

@pytest.fixture(scope="module")
def virt_hello(tmp_path_factory):
    """The sample virt configuration: console, hello, world."""
    tmp = tmp_path_factory.mktemp("virt_hello")
    return boot_domains(tmp, sample_conf("virt"), FILES, extra=ICOUNT)


def test_console_takes_the_uart_over_from_the_kernel(virt_hello):
    b = virt_hello
    assert b.has(r"console: handed over to domain console; the kernel log "
                 r"goes through it from now on$"), b
    assert b.has(r"console: ready on /soc/serial@10000000 \(ns16550a at "
                 r"0x10000000, driver 16550, irq 10\)$"), b
    assert_clean_end(b)


def test_hello_output_comes_through_the_console_in_order(virt_hello):
    b = virt_hello
    assert_in_order(b, [r"console: ready on .*"] + HELLO_LINES)
    assert_in_order(b, [r'world: domain \d+ "world" says hello',
                        r"world: running again, exiting"])
    assert_whole_lines(b)


def test_console_exits_after_the_last_peer_and_relays_its_lines(virt_hello):
    b = virt_hello
    assert_in_order(b, [r"domain hello \(id 2\) exited with status 0",
                        r"domain world \(id 3\) exited with status 0",
                        r"console: no other domain left; .*",
                        # exit releases the UART mapping (and with it the
                        # log) before the exit is logged
                        r"console: taken back from domain console",
                        r"domain console \(id 1\) exited with status 0"])
    # Its count proves the console printed them, not the kernel after it.
    assert relayed_lines(b) >= len(HELLO_LINES) + 4, b


@pytest.fixture(scope="module")
def virt_typed(tmp_path_factory):
    """console and a busy peer; three lines typed, the last unfinished
    (and still being typed when the report of the one before comes)."""
    tmp = tmp_path_factory.mktemp("virt_typed")
    initrd = make_initramfs(tmp, console_conf("/soc/serial@10000000",
                                              POLITE), FILES)
    return qemu_interactive(boot_args("virt", initrd), [
        (r"console: ready on ", b"abc\r"),
        (r"console: got line 'abc'", b"abx\x7fd\ref"),
    ])


def test_typed_characters_echo_with_crlf(virt_typed):
    b = virt_typed
    # Echo "abc", CR echoed as CR LF; then the report through the log.
    assert_in_order(b, [r"console: ready on .*"])
    assert_echo_then_report(b, "abc", "abc")
    assert "\nabc\r\n[" in b.raw, b.raw
    assert_clean_end(b)


def test_backspace_erases_the_last_character(virt_typed):
    b = virt_typed
    assert_echo_then_report(b, "abx\x08 \x08d", "abd")


def test_unfinished_input_steps_aside_for_log_lines(virt_typed):
    b = virt_typed
    # "ef" is echoed, then moved to its own line before each batch of log
    # lines (the report of "abd", the peer's last lines), drawn again
    # after them, and ended before the kernel takes the UART back.
    for line in (r"console: got line 'abd'",
                 r"TEST slice_end_upcall_yields_without_strikes: PASS",
                 r"domain console \(id 1\) exited with status 0"):
        assert b.has(r"^ef\n(%s.*\n)*%s%s$" % (STAMP, STAMP, line)), b
    assert not b.has(r"console: got line 'ef"), b
    assert_whole_lines(b)


def test_console_alone_exits_at_once(tmp_path):
    b = boot_domains(tmp_path, console_conf("/soc/serial@10000000"), FILES,
                     extra=ICOUNT)
    assert_in_order(b, [r"console: ready on .*",
                        r"console: no other domain left; .*"])
    assert_clean_end(b)


def test_console_without_a_device_says_so_and_fails(tmp_path):
    b = boot_domains(tmp_path, console_conf(None), FILES, extra=ICOUNT)
    assert b.has(r"console: no device granted; expected a `device = "
                 r"serial0` \(or a node path\) line in \[domain console\]$"), b
    assert b.has(r"domain console \(id 1\) exited with status 1$"), b
    assert b.has(r"rivet: powering off$"), b


def test_console_refuses_a_device_it_has_no_driver_for(tmp_path):
    # The goldfish RTC is a device the console could map but not drive:
    # it must say so before mapping it, and leave the kernel the UART.
    b = boot_domains(tmp_path, console_conf(
        "/soc/rtc@101000", "\n[domain world]\nimage = /libos/world.elf\n"
        "memory = 1M\n"), FILES, extra=ICOUNT)
    assert b.has(r'console: device /soc/rtc@101000 is "google,goldfish-rtc",'
                 r" which no driver here takes \(the list is "
                 r"include/rivet/uart_compat.h\)$"), b
    assert b.has(r"domain console \(id 1\) exited with status 1$"), b
    assert not b.has(r"console: handed over"), b
    assert b.has(r"world: running again, exiting$"), b
    assert b.has(r"rivet: powering off$"), b


# -------------------------------------------------------------- sifive_u ---

@pytest.fixture(scope="module")
def sifive_typed(tmp_path_factory):
    """The sample sifive_u configuration plus a busy peer; a line typed."""
    tmp = tmp_path_factory.mktemp("sifive_typed")
    initrd = make_initramfs(tmp, sample_conf("sifive_u") + POLITE, FILES)
    return qemu_interactive(boot_args("sifive_u", initrd),
                            [(r"console: ready on ", b"xyz\r")])


def test_sifive_u_console_drives_the_sifive_uart(sifive_typed):
    b = sifive_typed
    assert b.has(r"console: handed over to domain console"), b
    assert b.has(r"console: ready on serial0 \(sifive,uart0 at 0x10010000, "
                 r"driver sifive, irq 4\)$"), b
    assert_in_order(b, [r"console: ready on .*"] + HELLO_LINES)
    assert_whole_lines(b)
    assert_clean_end(b)


def test_sifive_u_typed_line_echoes_and_is_reported(sifive_typed):
    b = sifive_typed
    assert_echo_then_report(b, "xyz", "xyz")
    assert relayed_lines(b) >= len(HELLO_LINES) + 1, b
