"""The default system is interactive: the console domain passes the lines
typed on the serial line to the shell domain (libos/shell) over a shared
page (<rivet/conin.h>), and the shell runs them. `exit` or Ctrl-D ends the
shell; the console, then alone, ends too and the machine powers off.
docs/shell.md describes it.

The harness types a command only once the prompt for it is on screen.
"""
import os
import re

from rivetqemu import (FW_JUMP, boot_domains, build_path,
                       interactive, make_initramfs, qemu_interactive)

ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
PROMPT = "rivet> "
STAMP = r"\[\s*\d+\.\d{6}\] "
TESTS_ELF = build_path("libos/tests.elf")
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def at_prompt(n, prompt=PROMPT):
    """True once the n-th prompt is the last thing on screen."""
    return lambda out: out.count(prompt) >= n and out.endswith(prompt)


def session(commands, machine="virt", initrd=None, append=None,
            prompt=PROMPT):
    """Boots machine with the default initramfs (or initrd) and types
    each command (bytes, Enter included) at its prompt."""
    args = ["-M", machine, "-bios", FW_JUMP, "-kernel",
            build_path("rivet.elf"), "-initrd",
            initrd or build_path("initramfs.cpio")] + ICOUNT
    args += ["-smp", "1", "-m", "256M"] if machine == "virt" \
        else ["-smp", "2"]  # sifive_u: hart 0 has no S-mode
    if append:
        args += ["-append", append]
    steps = [(at_prompt(i + 1, prompt), c) for i, c in enumerate(commands)]
    return qemu_interactive(args, steps)


def screen(b):
    """The output as a terminal shows it: backspaces applied."""
    lines = []
    for line in b.out.split("\n"):
        cells = []
        for ch in line:
            if ch == "\b":
                if cells:
                    cells.pop()
            else:
                cells.append(ch)
        lines.append("".join(cells).rstrip())
    return lines


def assert_clean_end(b, shell_status=0):
    assert b.has(r"domain shell \(id 4\) exited with status %d$"
                 % shell_status), b
    assert b.has(r"domain console \(id 1\) exited with status 0$"), b
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed|dropped"), b


def test_default_system_runs_typed_commands_then_powers_off():
    b = session([b"help\r", b"ec\x7fcho  hi  there\r", b"ps\r",
                 b"frobnicate\r", b"exit 3\r"])
    lines = screen(b)
    out = "\n".join(lines)
    # Every demo line is printed before the first prompt.
    assert out.index("domain world (id 3) exited") < out.index(PROMPT), out
    assert b.has(r"console: typed lines go to domain shell over a "
                 r"channel$")
    # Each command is echoed after its prompt, its output follows, and the
    # next prompt comes only after that output.
    cmds = [line for line in lines if line.startswith(PROMPT)]
    assert cmds == [PROMPT + c for c in
                    ["help", "echo  hi  there", "ps", "frobnicate",
                     "exit 3"]], cmds
    after = {c: lines[lines.index(PROMPT + c) + 1]
             for c in ["help", "echo  hi  there", "ps", "frobnicate"]}
    assert re.match(STAMP + r"  help +this list$", after["help"]), after
    assert re.match(STAMP + r"hi there$", after["echo  hi  there"]), after
    assert re.match(STAMP + r" +id +name +state$", after["ps"]), after
    assert re.match(STAMP + r"unknown command 'frobnicate'; type help$",
                    after["frobnicate"]), after
    assert lines.index(PROMPT + "ps") < lines.index(PROMPT + "frobnicate")
    assert b.has(STAMP + r" +2 +hello +exited$")
    assert b.has(STAMP + r" +4 +shell +runnable \(this shell\)$")
    for line in lines:  # no log line starts mid-line
        assert not re.search(STAMP, line) or re.match(STAMP, line), line
    assert b.has(r"shell: exiting with status 3$")
    assert_clean_end(b, 3)


def test_ctrl_d_on_an_empty_line_ends_the_shell():
    b = session([b"\x04"])
    assert b.has(r"shell: end of input; exiting$"), b
    assert_clean_end(b)


def test_ctrl_d_after_text_is_ignored():
    b = session([b"ech\x04o x\r", b"exit\r"])
    assert b.has(STAMP + r"x$"), b
    assert not b.has(r"end of input")
    assert_clean_end(b)


def test_ctrl_d_right_after_a_line_runs_the_line_first():
    b = session([b"echo last\r\x04"])
    out = b.out
    assert re.search(STAMP + r"last\n", out), b
    assert out.index("] last") < out.index("shell: end of input"), b
    assert_clean_end(b)


def test_lines_typed_ahead_run_in_order():
    b = session([b"echo a\recho b\rexit 4\r"])
    outs = re.findall(r"^%s(a|b)$" % STAMP, b.out, re.M)
    assert outs == ["a", "b"], b
    assert b.has(r"shell: exiting with status 4$")
    assert_clean_end(b, 4)


def test_shell_ends_cleanly_when_its_console_goes_away(tmp_path):
    conf = ("[domain t_conin_console]\nimage = /libos/tests.elf\n"
            "memory = 1M\npeer = shell\nnotify = shell\n\n"
            "[domain shell]\nimage = /libos/shell.elf\nmemory = 1M\n"
            "accept = t_conin_console 1\nnotify = t_conin_console\n")
    b = boot_domains(tmp_path, conf, {
        "/libos/tests.elf": TESTS_ELF,
        "/libos/shell.elf": build_path("libos/shell.elf")}, extra=ICOUNT)
    assert b.has(r"TEST conin_console_yields_to_reader: PASS$"), b
    assert b.has(r"TEST conin_console_reader_attached: PASS$"), b
    assert b.has(r"domain t_conin_console \(id 1\) exited with status 0$")
    # The shell's first readline finds the console, and its page, gone.
    assert b.has(r"shell: end of input; exiting$"), b
    assert b.has(r"domain shell \(id 2\) exited with status 0$"), b
    assert not b.has(r"page fault|killed"), b


def test_sifive_u_runs_the_shell_through_its_uart():
    b = session([b"uptime\r", b"\x04"], machine="sifive_u")
    assert b.has(r"console: ready on stdout \(sifive,uart0 at 0x10010000")
    assert b.has(STAMP + r"  up \d+\.\d{3} s \(machine time, \d+ ticks at "
                 r"1000000 Hz\)$"), b
    assert_clean_end(b)


def test_shell_without_console_peer_says_what_is_missing(tmp_path):
    conf = ("[domain console]\nimage = /libos/console.elf\nmemory = 1M\n"
            "device = /soc/serial@10000000\n\n"
            "[domain shell]\nimage = /libos/shell.elf\nmemory = 1M\n")
    b = boot_domains(tmp_path, conf, {
        "/libos/console.elf": build_path("libos/console.elf"),
        "/libos/shell.elf": build_path("libos/shell.elf")}, extra=ICOUNT)
    assert b.has(r"shell: no console input granted \(-5\); the "
                 r"configuration needs `\[channel console shell\]`, or "
                 r"`peer = shell` and `notify = shell` in the console's "
                 r"section and `accept = CONSOLE 1` and `notify = "
                 r"CONSOLE` in this one$"), b
    assert b.has(r"domain shell \(id 2\) exited with status 1$")
    assert b.has(r"rivet: powering off$")


def test_console_survives_a_reader_that_scribbles_on_the_page(tmp_path):
    conf = ("[domain console]\nimage = /libos/console.elf\nmemory = 1M\n"
            "device = /soc/serial@10000000\npeer = t_conin_scribble\n"
            "notify = t_conin_scribble\n\n"
            "[domain t_conin_scribble]\nimage = /libos/tests.elf\n"
            "memory = 1M\naccept = console 1\nnotify = console\n")
    initrd = make_initramfs(tmp_path, conf, {
        "/libos/console.elf": build_path("libos/console.elf"),
        "/libos/tests.elf": TESTS_ELF})
    # The escape and the bell are gone from the prompt it wrote. The
    # first line reaches it; after it broke the ring, the second is
    # dropped.
    args = ["-M", "virt", "-bios", FW_JUMP, "-kernel",
            build_path("rivet.elf"), "-initrd", initrd, "-smp", "1", "-m",
            "256M"] + ICOUNT
    b = qemu_interactive(args, [
        (at_prompt(1, "[2Jevil> "), b"hello\r"),
        (lambda out: "TEST conin_scribbled: PASS" in out, b"again\r")])
    assert "\x1b" not in b.out and "\x07" not in b.out
    assert b.has(r"TEST conin_line_arrives: PASS$"), b
    assert b.has(r"console: t_conin_scribble is not reading; line dropped "
                 r"\(1 so far\)$"), b
    assert b.has(r"TEST conin_attach_finds_the_console_page: PASS$"), b
    assert b.has(r"TEST conin_console_notifies_after_scribbling: PASS$"), b
    assert b.has(r"domain console \(id 1\) exited with status 0$"), b
    assert b.has(r"rivet: powering off$"), b


def test_make_run_echoes_typed_input_and_exits_on_exit():
    """What the README promises: `make run`, type, see it echoed."""
    def after_echo(out):
        return "] typed in make run\n" in out and out.endswith(PROMPT)

    b = interactive(["make", "-s", "run", "NETPORT=0", "O=" + os.path.relpath(
        build_path(""), ROOT)], [(at_prompt(1), b"echo typed in make run\r"),
                                 (after_echo, b"exit\r")],
        timeout=120, cwd=ROOT)
    assert PROMPT + "echo typed in make run\n" in b.out, b
    assert b.has(STAMP + r"typed in make run$"), b
    assert_clean_end(b)


def test_conf_bootarg_picks_another_configuration():
    b = session([], append="rivet.conf=/etc/demo.conf")
    assert b.has(r"launch: configuration /etc/demo.conf \(rivet.conf= in "
                 r"bootargs\)$"), b
    assert b.has(r"launch: 3 of 3 configured domains started$")
    assert not b.has(r"shell")
    assert b.has(r"rivet: powering off$")


def test_conf_bootarg_naming_a_missing_file_is_reported():
    b = session([], append="rivet.conf=/etc/nope.conf")
    assert b.has(r"launch: no /etc/nope.conf in the initramfs; nothing to "
                 r"run$"), b
    assert b.has(r"rivet: powering off$")


def test_conf_bootarg_with_a_relative_path_is_refused():
    b = session([], append="rivet.conf=etc/rivet.conf")
    assert b.has(r"launch: bootargs rivet.conf=etc/rivet.conf: expected an "
                 r"absolute path in the initramfs of at most 63 characters; "
                 r"nothing to run$"), b
    assert b.has(r"rivet: powering off$")
