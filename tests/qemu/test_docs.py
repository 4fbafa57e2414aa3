"""Documentation must match the code: generated references, the paths
docs and comments cite, the defaults the docs give."""
import os
import re
import subprocess


def test_syscall_reference_matches_the_table():
    r = subprocess.run(["scripts/gen-syscall-doc", "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def test_every_cited_path_exists():
    r = subprocess.run([os.path.join(ROOT, "scripts/check-cited-paths")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_cited_path_check_finds_a_missing_file(tmp_path):
    src = tmp_path / "x.c"
    src.write_text('/* kernel/sched/sched.c and kernel/nothere.c; see\n'
                   ' * docs/NAME.md, libos/<app>/, kernel/....c */\n'
                   'static const char *p = "kernel/instring.c";\n')
    doc = tmp_path / "x.md"
    doc.write_text("`arch/riscv/head.S`, [x](nothere.md)\n"
                   "`include/generated/autoconf.h`, `/libos/hello.elf`\n")
    r = subprocess.run([os.path.join(ROOT, "scripts/check-cited-paths"),
                        str(src), str(doc)], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "%s:1: cites kernel/nothere.c, which does not exist" % src,
        "%s:1: links to nothere.md, which does not exist" % doc,
    ]


def kconfig_default(name):
    m = re.search(r"^config %s\n(?:\t.*\n)*?\tdefault (\d+)" % name,
                  read("Kconfig"), re.M)
    assert m, name
    return int(m.group(1))


def default_column(key):
    """The default column of KEY's row in docs/boot-config.md's table."""
    for line in read("docs/boot-config.md").splitlines():
        if line.startswith("| `%s` |" % key):
            return line.rstrip(" |").rsplit("|", 1)[1].strip()
    raise AssertionError("no row for %s" % key)


def test_boot_config_defaults_match_the_code():
    slots = kconfig_default("CAP_SLOTS_DEFAULT")
    assert "(%d in the stock config)" % slots in default_column("slots")
    slice_us = kconfig_default("SLICE_DEFAULT_US")
    assert "(%dms in the stock config)" % (slice_us // 1000) in \
        default_column("slice")
    grace = int(re.search(r"\.grace_us = (\d+),",
                          read("kernel/boot/launch.c")).group(1))
    assert default_column("grace") == (
        "%dms" % (grace // 1000) if grace % 1000 == 0 else "%dus" % grace)
    strikes = int(re.search(r"\.strikes = (\d+),",
                            read("kernel/boot/launch.c")).group(1))
    assert default_column("strikes") == str(strikes)


def test_markdown_tables_are_whole():
    """A table cut by a blank line renders its tail as plain text."""
    pages = ["README.md"] + ["docs/" + f for f in os.listdir(
        os.path.join(ROOT, "docs")) if f.endswith(".md")]
    for page in pages:
        block = []
        for n, line in enumerate(read(page).splitlines() + [""], 1):
            if line.startswith("|"):
                block.append(n)
                if len(block) == 2:
                    assert re.match(r"^\|[ :|-]+\|$", line), (
                        "%s:%d: a table's second line must be |---|"
                        % (page, n))
            else:
                if len(block) == 1:
                    raise AssertionError("%s:%d: a one-line table (cut from "
                                         "the one above?)" % (page, block[0]))
                block = []


def test_readme_does_not_promise_what_exists():
    assert "come next" not in read("README.md")
