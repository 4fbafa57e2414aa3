"""make bench's comparison with targets and peers, its picture and the
table in docs/performance.md, on canned figures: no QEMU needed. The
table they all read is scripts/bench-targets.tsv."""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../scripts"))
import benchtab  # noqa: E402

# As the bench libOS prints them through the kernel log: stamped, CRLF.
CANNED = """\
[    0.120000] BENCH null_syscall 17.9 insns/op\r
[    0.130000] BENCH exc_breakpoint 61.0 insns/op\r
[    0.140000] BENCH yield_pair 256.0 insns/roundtrip\r
[    0.150000] BENCH cap_lookup_1 218.9 insns/op\r
[    0.160000] BENCH cap_lookup_64 219.9 insns/op\r
[    0.170000] BENCH kstat_syscall 232.9 insns/op\r
"""

TABLE = """\
# a comment
figure\ttarget\tpeers
null_syscall\t<= 30\tLinux getpid = 211; xv6 getpid = 1124
exc_breakpoint\t<= 60\t-
yield_pair\t<= 300\tLinux sched_yield ping-pong = 2543
cap_lookup_64\t= cap_lookup_1\t-
"""


def run(script, *args):
    return subprocess.run([sys.executable, "scripts/" + script] + list(args),
                          capture_output=True, text=True)


@pytest.fixture
def canned(tmp_path):
    out = tmp_path / "bench.txt"
    out.write_text(CANNED)
    table = tmp_path / "targets.tsv"
    table.write_text(TABLE)
    return out, table


def test_targets_table_parses_targets_and_peers():
    rows = benchtab.parse_targets(TABLE)
    assert [r.figure for r in rows] == ["null_syscall", "exc_breakpoint",
                                        "yield_pair", "cap_lookup_64"]
    assert rows[0].kind == "le" and rows[0].bound == 30
    assert rows[0].peers == [("Linux getpid", 211), ("xv6 getpid", 1124)]
    assert rows[1].peers == []
    assert rows[3].kind == "eq" and rows[3].ref == "cap_lookup_1"


@pytest.mark.parametrize("line, what", [
    ("null_syscall\t<= thirty\t-", "expected a number"),
    ("null_syscall\tabout 30\t-", "target must be"),
    ("null_syscall\t<= 30", "3 tab-separated columns"),
    ("null_syscall\t<= 30\tLinux getpid 211", "peer must be 'label = N'"),
    ("bad name\t<= 30\t-", "bad figure name"),
])
def test_targets_table_errors_name_the_line(line, what):
    with pytest.raises(benchtab.TableError) as e:
        benchtab.parse_targets("figure\ttarget\tpeers\n" + line + "\n",
                               "t.tsv")
    assert str(e.value).startswith("t.tsv:2: ") and what in str(e.value)


def test_targets_table_listing_a_figure_twice_is_an_error():
    with pytest.raises(benchtab.TableError, match="t.tsv:3: .* twice"):
        benchtab.parse_targets("figure\ttarget\tpeers\na\t-\t-\na\t-\t-\n",
                               "t.tsv")


def test_the_checked_in_table_parses():
    rows = benchtab.load_targets()
    assert any(r.peers for r in rows) and any(r.kind for r in rows)


def test_compare_marks_misses_and_prints_peers(canned):
    out, table = canned
    r = run("bench-compare", "--targets", str(table), str(out))
    assert r.returncode == 0, r.stderr
    lines = {l.split()[0]: l for l in r.stdout.splitlines() if l.strip()}
    assert re.search(r"17\.9 .*<= 30 +ok +Linux getpid 211 \(11\.8x\); "
                     r"xv6 getpid 1124 \(62\.8x\)", lines["null_syscall"])
    assert re.search(r"61\.0 .*<= 60 +MISS", lines["exc_breakpoint"])
    assert re.search(r"<= 300 +ok +Linux sched_yield ping-pong 2543",
                     lines["yield_pair"])
    assert re.search(r"= cap_lookup_1 +MISS", lines["cap_lookup_64"])
    assert "MISS" not in lines["kstat_syscall"]  # no target: not judged
    assert "2 of 4 targets met; missed: exc_breakpoint, cap_lookup_64" \
        in r.stdout
    strict = run("bench-compare", "--strict", "--targets", str(table),
                 str(out))
    assert strict.returncode == 1


def test_compare_fails_when_a_listed_figure_was_not_measured(canned):
    out, table = canned
    table.write_text(TABLE + "gone_figure\t<= 5\t-\n")
    r = run("bench-compare", "--targets", str(table), str(out))
    assert r.returncode == 2
    assert "NOT MEASURED" in r.stdout and "gone_figure" in r.stdout


def test_compare_names_a_bad_table_line(canned):
    out, table = canned
    table.write_text(TABLE + "x\t<= lots\t-\n")
    r = run("bench-compare", "--targets", str(table), str(out))
    assert r.returncode == 2
    assert "targets.tsv:7: expected a number" in r.stderr


def test_plot_writes_a_valid_svg(canned, tmp_path):
    out, table = canned
    svg = tmp_path / "perf.svg"
    r = run("bench-plot", "--targets", str(table), str(out), str(svg))
    assert r.returncode == 0, r.stderr
    root = ET.parse(str(svg)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text()
    for name in ("null_syscall", "Linux getpid", "xv6 getpid",
                 "cap_lookup_1", "Linux sched_yield ping-pong"):
        assert name in text
    assert "kstat_syscall" not in text  # nothing to compare it with
    # Reproducible: the same figures give the same file.
    again = tmp_path / "again.svg"
    run("bench-plot", "--targets", str(table), str(out), str(again))
    assert again.read_text() == text


def test_performance_doc_table_matches_the_targets_table(tmp_path):
    r = run("bench-doc", "--check", "docs/performance.md")
    assert r.returncode == 0, r.stderr
    assert os.path.exists("docs/performance.svg")
    assert "](performance.svg)" in open("docs/performance.md").read()


def test_bench_doc_check_catches_an_unregenerated_doc(tmp_path):
    doc = tmp_path / "performance.md"
    shutil.copy("docs/performance.md", str(doc))
    doc.write_text(doc.read_text().replace("| ≤ 30 | yes |",
                                           "| ≤ 10 | yes |"))
    r = run("bench-doc", "--check", str(doc))
    assert r.returncode == 1 and "make bench-doc" in r.stderr


def test_bench_doc_writes_targets_misses_and_peers(canned, tmp_path):
    out, _ = canned
    doc = tmp_path / "performance.md"
    shutil.copy("docs/performance.md", str(doc))
    r = run("bench-doc", str(out), str(doc))
    assert r.returncode == 0, r.stderr
    text = doc.read_text()
    assert "| `exc_breakpoint` | 61.0 | insns/op | ≤ 60 | **miss** |" in text
    assert re.search(r"\| `null_syscall` \| 17\.9 \| insns/op \| ≤ 30 \| "
                     r"yes \| Linux 6\.12 getpid 211 ", text)
    # Listed in scripts/bench-targets.tsv but absent from the canned run.
    assert "| `map_batch_page` | – |  | ≤ 100 | **not measured** |" in text
