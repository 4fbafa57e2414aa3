"""Console output over channels (<rivet/conchan.h>, docs/console.md): a
domain with a channel to the console writes its stdout into the channel's
ring, which the console reads; a domain that floods its ring blocks until
the console makes room (nothing is dropped) and never holds back another
domain's lines. Roles are in libos/tests/conout.c."""
import re

from rivetqemu import (FW_JUMP, boot_domains, build_path, make_initramfs,
                       qemu_interactive)

ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
STAMP = r"\[\s*(\d+)\.(\d{6})\] "
FLOOD, CALM, LIES = 1500, 20, 1500


def console_conf(*roles):
    out = ["[domain console]\nimage = /libos/console.elf\nmemory = 1M\n"
           "device = stdout\n"]
    for r in roles:
        out.append("[domain %s]\nimage = /libos/tests.elf\nmemory = 1M\n"
                   % r)
    for r in roles:
        out.append("[channel console %s]\nsize = 4K\n" % r)
    return "\n".join(out)


def boot(tmp_path, *roles):
    b = boot_domains(tmp_path, console_conf(*roles), {
        "/libos/console.elf": build_path("libos/console.elf"),
        "/libos/tests.elf": build_path("libos/tests.elf")},
        extra=ICOUNT, timeout=120)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert not b.has(r"dropped") or "badtail" in b.out, b
    assert b.has(r"domain console \(id 1\) exited with status 0$"), b
    return b


def test_lines_of_a_domain_that_ended_before_the_console_are_relayed(
        tmp_path):
    # The role comes first in the file, so it runs (and ends) before the
    # console has set up its channels; the region is the console's (it is
    # named first in the channel), so the lines are still in the ring.
    text = ("[domain t_conout_early]\nimage = /libos/tests.elf\n"
            "memory = 1M\n\n[domain console]\nimage = /libos/console.elf\n"
            "memory = 1M\ndevice = stdout\n\n"
            "[channel console t_conout_early]\nsize = 4K\n")
    b = boot_domains(tmp_path, text, {
        "/libos/console.elf": build_path("libos/console.elf"),
        "/libos/tests.elf": build_path("libos/tests.elf")},
        extra=ICOUNT, timeout=120)
    assert b.has(r"rivet: powering off$"), b
    ended = re.search(r"domain t_conout_early \(id 1\) exited", b.out)
    ready = re.search(r"console: ready on", b.out)
    assert ended and ready and ended.start() < ready.start(), b
    assert not b.has(r"channel 0 to t_conout_early is not up"), b
    early = [m[2] for m in lines_of(b, "early")]
    assert early == ["early %02d" % i for i in range(8)], b
    assert b.has(r"TEST conout_has_a_console_channel: PASS$"), b


def lines_of(b, word):
    return re.findall(r"^%s(%s \d+)" % (STAMP, word), b.out, re.M)


def test_a_flooding_domain_blocks_and_never_holds_back_another(tmp_path):
    b = boot(tmp_path, "t_conout_flood", "t_conout_calm")
    assert b.has(r"TEST conout_has_a_console_channel: PASS$"), b
    assert len(b.findall(r"TEST conout_has_a_console_channel: PASS$")) == 2
    assert b.has(r"TEST conout_flood_done: PASS$"), b
    assert b.has(r"TEST conout_calm_done: PASS$"), b
    # Back-pressure: every flood line, in order, none lost.
    flood = [m[2] for m in lines_of(b, "flood")]
    assert flood == ["flood %04d" % i for i in range(FLOOD)], b
    # Every calm line, in order, and all of them before the flood ends:
    # the flood's full ring does not hold them back.
    calm = [m[2] for m in lines_of(b, "calm")]
    assert calm == ["calm %02d" % i for i in range(CALM)], b
    out = b.out
    assert out.index("calm %02d" % (CALM - 1)) < \
        out.index("flood %04d" % (FLOOD - 1)), b
    # Time stamps never go backwards on the terminal.
    stamps = [int(s) * 10**6 + int(u)
              for s, u in re.findall(r"^" + STAMP, out, re.M)]
    assert stamps == sorted(stamps), b
    # Through the channel: the kernel log did not carry these lines.
    assert b.has(r"console: no other domain left; \d+ log lines and "
                 r"%d channel lines relayed" % (FLOOD + CALM + 4)), b


def test_a_domain_stamping_its_lines_in_the_past_is_kept_in_bounds(tmp_path):
    b = boot(tmp_path, "t_conout_liar", "t_conout_calm")
    assert b.has(r"TEST conout_liar_done: PASS$"), b
    assert b.has(r"TEST conout_calm_done: PASS$"), b
    lies = lines_of(b, "lie")
    assert [m[2] for m in lies] == ["lie %04d" % i for i in range(LIES)], b
    calm = [m[2] for m in lines_of(b, "calm")]
    assert calm == ["calm %02d" % i for i in range(CALM)], b
    # A stamp of 0 is raised to at most 50 ms before the console took the
    # line: none shows as 0.000000 after the boot's first 50 ms.
    late = [m for m in lies if int(m[0]) * 10**6 + int(m[1]) == 0]
    assert late == [], b


def test_a_ring_broken_by_its_producer_stops_only_that_domain(tmp_path):
    b = boot(tmp_path, "t_conout_scribble", "t_conout_calm")
    assert b.has(r"TEST conout_scribbled: PASS$"), b
    assert b.has(STAMP + r"scribble: a last honest line$"), b
    assert b.has(r"console: domain t_conout_scribble wrote a counter no "
                 r"honest producer could into its channel; no more of its "
                 r"lines are relayed$"), b
    calm = [m[2] for m in lines_of(b, "calm")]
    assert calm == ["calm %02d" % i for i in range(CALM)], b


def test_a_reader_that_breaks_the_input_ring_loses_its_lines(tmp_path):
    """Real time (no icount): the reader lives 3 s after breaking its ring
    while more lines are typed than the ring holds."""
    conf = console_conf("t_conin_badtail")
    initrd = make_initramfs(tmp_path, conf, {
        "/libos/console.elf": build_path("libos/console.elf"),
        "/libos/tests.elf": build_path("libos/tests.elf")})
    args = ["-M", "virt", "-bios", FW_JUMP, "-kernel",
            build_path("rivet.elf"), "-initrd", initrd, "-smp", "1", "-m",
            "256M"]
    b = qemu_interactive(args, [
        (lambda out: out.endswith("t> "), b"first\r"),
        (r"TEST conin_tail_scribbled: PASS", b"more\r" * 20)], timeout=60)
    assert b.has(r"TEST conin_badtail_attached: PASS$"), b
    assert b.has(r"TEST conin_badtail_first_line: PASS$"), b
    # The ring's 16 slots take 16 lines (the console looks at the tail
    # only when its copy says full); the tail found then is refused and
    # every later line dropped, with the console going on.
    assert len(b.findall(r"console: t_conin_badtail is not reading; line "
                         r"dropped \(\d+ so far\)$")) == 20 - 16 + 1, b
    assert b.has(r"TEST conin_badtail_done: PASS$"), b
    assert b.has(r"domain console \(id 1\) exited with status 0$"), b


def test_typed_lines_reach_the_shell_over_its_channel_in_pieces():
    """The default system: the shell's input and output both go over
    [channel console shell]; a typed line of 3 messages' worth arrives
    whole, and the shell's answer and next prompt come back in order."""
    from test_shell import assert_clean_end, session
    word = "".join(chr(ord("a") + i % 26) for i in range(120))
    b = session([b"echo " + word.encode() + b"\r", b"echo two\r", b"exit\r"])
    assert b.has(r"console: typed lines go to domain shell over a "
                 r"channel$"), b
    assert b.has(STAMP + word + "$"), b
    out = b.out
    assert out.index(word + "\n") < out.index("rivet> echo two"), b
    assert b.has(STAMP + "two$"), b
    # hello, world and the shell each printed over their channel.
    assert b.has(r"console: no other domain left; \d+ log lines and "
                 r"[1-9]\d+ channel lines relayed"), b
    assert_clean_end(b)
