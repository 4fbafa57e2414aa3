"""The shell's prompt follows the output of the command before it, even
when the console is preempted between handing a line over and drawing
the prompt (tiny slices make that happen often); an overlong typed line
rings the bell for each character the console refuses."""
import re

import pytest

from rivetqemu import FW_JUMP, build_path, make_initramfs, qemu_interactive

PROMPT = "rivet> "
STAMP = r"\[\s*\d+\.\d{6}\] "
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
COMMANDS = ["help", "ps", "echo hi", "mem", "uptime", "frob"] * 2


def at_prompt(n):
    return lambda out: out.count(PROMPT) >= n and out.endswith(PROMPT)


def shell_session(tmp_path, typed, slice_="2ms"):
    conf = ("[domain console]\nimage = /libos/console.elf\nmemory = 1M\n"
            "device = stdout\npeer = shell\nnotify = shell\nslice = %s\n\n"
            "[domain shell]\nimage = /libos/shell.elf\nmemory = 1M\n"
            "accept = console 1\nnotify = console\nslice = %s\n"
            % (slice_, slice_))
    initrd = make_initramfs(tmp_path, conf, {
        "/libos/console.elf": build_path("libos/console.elf"),
        "/libos/shell.elf": build_path("libos/shell.elf")})
    args = ["-M", "virt", "-bios", FW_JUMP, "-kernel",
            build_path("rivet.elf"), "-initrd", initrd, "-smp", "1", "-m",
            "256M"] + ICOUNT
    b = qemu_interactive(args, [(at_prompt(i + 1), t)
                                for i, t in enumerate(typed)], timeout=120)
    assert b.has(r"domain shell \(id 2\) exited with status 0$"), b
    assert b.has(r"rivet: powering off$"), b
    return b


@pytest.mark.parametrize("slice_", ["6us", "8us", "10us"])
def test_prompt_follows_the_output_under_tiny_slices(tmp_path, slice_):
    b = shell_session(tmp_path, [c.encode() + b"\r" for c in COMMANDS]
                      + [b"exit\r"], slice_)
    lines = b.out.split("\n")
    # A prompt alone on its line, the command's output after it, is the
    # prompt drawn before that output.
    early = [lines[i + 1] for i, line in enumerate(lines[:-1])
             if line.rstrip() == PROMPT.rstrip()
             and re.match(STAMP, lines[i + 1])]
    assert early == [], (early, b)
    # Each command line is followed at once by its output.
    echoed = [i for i, line in enumerate(lines) if line.startswith(PROMPT)]
    assert [lines[i][len(PROMPT):] for i in echoed] == COMMANDS + ["exit"]
    for i in echoed[:-1]:
        assert re.match(STAMP, lines[i + 1]), (lines[i], lines[i + 1], b)


def test_overlong_typed_line_rings_the_bell_for_each_refused_char(tmp_path):
    typed = "echo " + "a" * 200
    b = shell_session(tmp_path, [typed.encode() + b"\r", b"exit\r"])
    raw = b.raw
    # 128 characters fit; each of the other 77 rings the bell, and none
    # is echoed.
    assert raw.count("\a") == len(typed) - 128, raw
    assert PROMPT + typed[:128] + "\a" * (len(typed) - 128) + "\r\n" in raw
    assert b.has(STAMP + "a" * 123 + "$"), b
    assert not b.has("a" * 124), b
