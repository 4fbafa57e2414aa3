"""Boot arguments: Rivet's own words that are wrong get one warning naming
them and what is accepted, other programs' words one informational line;
loglevel=7 adds debug lines (device tree, frame regions, capabilities
granted at boot, each domain's layout) that loglevel=6 does not print."""
import re

from rivetqemu import boot_kernel

ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
STAMP = r"^\[\s*\d+\.\d{6}\] "
DEBUG = [r"dt: tree at 0x[0-9a-f]+, \d+ bytes: 1 memory ranges",
         r"dt: reserved mmode_resv0@80000000 0x80000000\+0x80000 from "
         r"/reserved-memory$",
         r"dt: cpu hart 0: usable \(mmu-type \"riscv,sv\d+\"",
         r"dt: /chosen stdout-path \"/soc/serial@10000000\": console on "
         r"/soc/serial@10000000$",
         r"dt: /chosen linux,initrd-start 0x[0-9a-f]+, -end 0x[0-9a-f]+$",
         r"mem: free      0x[0-9a-f]{16}-0x[0-9a-f]{16} +\d+ KiB$",
         r"mem: boot      0x[0-9a-f]{16}-0x[0-9a-f]{16} +\d+ KiB page "
         r"tables, frame table$",
         r"layout: domain hello: 0x10000-0x[0-9a-f]+ r-x image segment",
         r"layout: domain hello: 0x[0-9a-f]+-0x[0-9a-f]+ rw- image segment",
         r"layout: domain hello: 0x3ffeff0000-0x3ffeffffff rw- stack, "
         r"16 pages$",
         r"layout: domain world: 0x3fffffe000 rw- upcall area, 0x3ffffff000 "
         r"r-- info page, 0x3fffffd000 r-- registry \(shared\)$",
         r"layout: domain console: 1024 capability slots in \d+ frames",
         r"cap: domain console slot 0: domain 1 \(itself\), all rights$",
         r"cap: domain console slot 1: device 0x10000000, 1 pages "
         r"\(/soc/serial@10000000\), rights rw\+grant$",
         r"cap: domain console slot 2: irq 10 \(/soc/serial@10000000\), "
         r"all rights$"]


def log_lines(b):
    """The kernel log's messages, time stamps left out, in order."""
    return [re.sub(STAMP, "", line) for line in b.out.splitlines()
            if re.match(STAMP, line)]


def test_loglevel_7_adds_debug_lines_that_6_does_not_print():
    six = boot_kernel(append="loglevel=6", extra=ICOUNT)
    seven = boot_kernel(append="loglevel=7", extra=ICOUNT)
    for pattern in DEBUG:
        assert seven.has(STAMP + pattern), (pattern, seven)
        assert not six.has(pattern), (pattern, six)
    assert not six.has(STAMP + r"(dt|layout|cap): ")
    assert six.has(r"boot: bootargs \"loglevel=6 rivet.conf=/etc/demo.conf\""
                   r", loglevel 6$"), six
    assert seven.has(r", loglevel 7$"), seven
    # Level 7 prints every level-6 line too: only more, never less.
    debug = re.compile(r"(dt|layout|cap): |mem: (free|boot) ")
    info7 = [line for line in log_lines(seven) if not debug.match(line)]
    assert len(log_lines(seven)) >= len(log_lines(six)) + len(DEBUG)
    for line in ("launch: 3 of 3 configured domains started",
                 "rivet: all domains have ended", "rivet: powering off"):
        assert line in info7 and line in log_lines(six)


def test_wrong_rivet_arguments_get_one_warning_naming_them():
    b = boot_kernel(append="rivet.cnf=/etc/demo.conf loglevel=9 "
                    "loglevel=abc logleve=7", extra=ICOUNT)
    warn = b.findall(r"boot: ignoring bootargs .*$")
    assert warn == ["boot: ignoring bootargs rivet.cnf=/etc/demo.conf "
                    "loglevel=9 loglevel=abc logleve=7: Rivet takes "
                    "loglevel=0..7 rivet.conf=/PATH rivet.test=fault|assert|mmio-window|hart-*"
                    ], b
    # Ignored means ignored: the default level, and the boot goes on.
    assert b.has(r"boot: bootargs \".*\", loglevel 6$"), b
    assert not b.has(r"bootargs not for Rivet"), b
    assert b.has(r"rivet: powering off$"), b


def test_loaders_words_are_listed_once_not_warned_about():
    b = boot_kernel(append="console=ttyS0,115200 earlycon=sbi root=/dev/vda "
                    "rw loglevel=6", extra=ICOUNT)
    assert b.findall(r"boot: bootargs not for Rivet, left alone: .*$") == [
        "boot: bootargs not for Rivet, left alone: console=ttyS0,115200 "
        "earlycon=sbi root=/dev/vda rw"], b
    assert not b.has(r"boot: ignoring bootargs"), b
    assert b.has(r"rivet: powering off$"), b


def test_good_arguments_draw_no_comment():
    b = boot_kernel(append="loglevel=6", extra=ICOUNT)
    assert not b.has(r"boot: ignoring bootargs|bootargs not for Rivet"), b
