"""scripts/fetch-lwip on the two ways a Debian machine lists its archives.

A machine set up from a container image lists them in deb822 files
(/etc/apt/sources.list.d/*.sources); one installed by debian-installer
or debootstrap in one-line entries (/etc/apt/sources.list). fetch-lwip
once read only the first and stopped `make run` on the second. These
tests point it at a fake /etc/apt (RIVET_APT_ETC) and read the private
deb-src entries it writes (--deb-src DIR); nothing is downloaded.
"""
import os
import subprocess

SRC = os.environ.get("RIVET_SRC", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
FETCH = os.path.join(SRC, "scripts", "fetch-lwip")

DEB822 = """Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

ONE_LINE = """# a comment
deb http://deb.debian.org/debian bookworm main
deb [arch=amd64] http://security.debian.org/debian-security bookworm-security main
deb-src http://deb.debian.org/debian bookworm main
deb http://apt.example.com/vendor stable main
"""


def deb_src(tmp_path, files):
    etc = tmp_path / "etc"
    (etc / "sources.list.d").mkdir(parents=True)
    for name, text in files.items():
        (etc / name).write_text(text)
    out = tmp_path / "out"
    env = dict(os.environ, RIVET_APT_ETC=str(etc),
               RIVET_CACHE=str(tmp_path / "cache"))
    r = subprocess.run([FETCH, "--deb-src", str(out)], env=env,
                       capture_output=True, text=True, timeout=30)
    written = {p.name: p.read_text() for p in out.iterdir()} \
        if out.exists() else {}
    return r, written


def test_deb822_sources_become_deb_src(tmp_path):
    r, written = deb_src(tmp_path, {"sources.list.d/debian.sources": DEB822})
    assert r.returncode == 0, r.stderr
    assert list(written) == ["debian.sources"]
    text = written["debian.sources"]
    assert "Types: deb-src\n" in text
    assert "Types: deb\n" not in text
    assert "URIs: http://deb.debian.org/debian\n" in text


def test_one_line_sources_list_becomes_deb_src(tmp_path):
    r, written = deb_src(tmp_path, {"sources.list": ONE_LINE})
    assert r.returncode == 0, r.stderr
    assert list(written) == ["one-line.list"]
    lines = written["one-line.list"].splitlines()
    # Every Debian "deb" entry, options kept; the existing deb-src line
    # is not doubled and the vendor archive (no Debian sources) is left out.
    assert lines == [
        "deb-src http://deb.debian.org/debian bookworm main",
        "deb-src [arch=amd64] http://security.debian.org/debian-security "
        "bookworm-security main",
    ]


def test_both_kinds_are_read(tmp_path):
    r, written = deb_src(tmp_path, {
        "sources.list.d/debian.sources": DEB822,
        "sources.list.d/extra.list":
            "deb http://deb.debian.org/debian bookworm-backports main\n",
    })
    assert r.returncode == 0, r.stderr
    assert sorted(written) == ["debian.sources", "one-line.list"]
    assert written["one-line.list"] == \
        "deb-src http://deb.debian.org/debian bookworm-backports main\n"


def test_no_archive_is_a_clear_error(tmp_path):
    r, written = deb_src(tmp_path, {"sources.list": "# nothing here\n"})
    assert r.returncode != 0
    assert "fetch-lwip: no Debian archive in" in r.stderr
    assert "sources.list" in r.stderr
    assert written == {}
