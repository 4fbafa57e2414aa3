"""The first make on a machine without the packages (issue 10, item 1).

No fresh machine is needed: make runs in a temporary O= directory with
RIVET_INSTALL_DEPS naming a stub installer and PYTHON a wrapper, both of
which append to one log. Until the stub "installs" (touches a flag file)
the wrapper fails every kconfiglib module the way a python3 without
python3-kconfiglib does; after it, the wrapper runs the real one.
The target is the generated autoconf.h: every Kconfig step, no compiler.
"""
import os
import shutil
import subprocess

SRC = os.environ.get("RIVET_SRC", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
KCONFIG_MODULES = ("olddefconfig", "genconfig", "savedefconfig",
                   "menuconfig", "setconfig", "defconfig")

INSTALLER = """#!/bin/sh
# Stub of scripts/install-deps: records each call.
echo "install-deps $*" >> "{log}"
if [ "$1" = "--check-only" ]; then
	[ -f "{flag}" ] && exit 0
	echo "missing packages: python3-kconfiglib"
	exit 1
fi
[ -f "{fail}" ] && {{ echo "install-deps: apt-get failed" >&2; exit 100; }}
[ -f "{lie}" ] || touch "{flag}"
exit 0
"""

PYTHON = """#!/bin/sh
# /usr/bin/python3, without kconfiglib until the stub installer ran.
echo "python $*" >> "{log}"
if [ "$1" = "-m" ] && [ ! -f "{flag}" ]; then
	case "$2" in
	{modules})
		echo "/usr/bin/python3: No module named $2" >&2
		exit 1;;
	esac
fi
exec /usr/bin/python3 "$@"
"""


class Machine:
    """A temporary O= directory and the stubs that pretend it is fresh."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.out = tmp_path / "out"
        self.log = tmp_path / "calls.log"
        self.flag = tmp_path / "kconfiglib-installed"
        self.fail = tmp_path / "installer-fails"
        self.lie = tmp_path / "installer-installs-nothing"
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        names = dict(log=self.log, flag=self.flag, fail=self.fail,
                     lie=self.lie, modules="|".join(KCONFIG_MODULES))
        self.installer = bin_dir / "install-deps"
        self.installer.write_text(INSTALLER.format(**names))
        self.python = bin_dir / "python3"
        self.python.write_text(PYTHON.format(**names))
        for f in (self.installer, self.python):
            f.chmod(0o755)
        self.path = "%s:%s" % (bin_dir, os.environ.get("PATH", ""))

    def make(self, *goals):
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL",
                            "RIVET_DEPS_CHECKED", "KCONFIG_CONFIG", "O")}
        env.update(PATH=self.path, RIVET_INSTALL_DEPS=str(self.installer))
        if self.log.exists():
            self.log.unlink()
        goals = goals or ("%s/include/generated/autoconf.h" % self.out,)
        return subprocess.run(
            ["make", "-C", SRC, "O=%s" % self.out, "PYTHON=%s" % self.python]
            + list(goals), capture_output=True, text=True, env=env,
            timeout=120)

    def calls(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def leftovers(self):
        """Configuration files a failed run must not leave behind."""
        found = []
        for name in (".config", "include/generated/autoconf.h"):
            p = self.out / name
            if p.exists():
                found.append(name)
        return found


def kconfig_steps(calls):
    return [i for i, c in enumerate(calls)
            if c.startswith("python -m ")
            and c.split()[2] in KCONFIG_MODULES]


def installs(calls):
    return [i for i, c in enumerate(calls) if c == "install-deps "]


def test_installer_runs_before_any_kconfig_step(tmp_path):
    m = Machine(tmp_path)
    r = m.make()
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    calls = m.calls()
    assert installs(calls) == [1], calls  # after one --check-only
    assert calls[0] == "install-deps --check-only", calls
    steps = kconfig_steps(calls)
    assert steps and min(steps) > installs(calls)[0], calls
    assert "No rule to make target" not in out
    config = (m.out / ".config").read_text()
    assert config.startswith("# Rivet configuration"), config[:200]
    assert (m.out / "include/generated/autoconf.h").exists()

    # Installed now: the installer is asked, and does nothing more.
    r = m.make()
    assert r.returncode == 0, r.stdout + r.stderr
    assert installs(m.calls()) == [], m.calls()


def test_failed_install_leaves_nothing_and_the_next_run_works(tmp_path):
    m = Machine(tmp_path)
    m.fail.touch()
    r = m.make()
    assert r.returncode != 0
    assert "installing the packages Rivet needs failed" in r.stderr
    assert kconfig_steps(m.calls()) == [], m.calls()
    assert m.leftovers() == []

    m.fail.unlink()
    r = m.make()
    assert r.returncode == 0, r.stdout + r.stderr
    assert (m.out / "include/generated/autoconf.h").exists()


def test_failed_kconfig_step_leaves_nothing_and_the_next_run_works(tmp_path):
    """The installer claims success but kconfiglib is still missing (an
    interrupted apt-get, say): olddefconfig fails, and neither a partial
    .config nor an autoconf.h is left to break the next run."""
    m = Machine(tmp_path)
    m.lie.touch()
    r = m.make()
    assert r.returncode != 0
    assert "No module named olddefconfig" in r.stderr, r.stderr
    assert "kconfiglib's olddefconfig failed" in r.stderr, r.stderr
    assert "No rule to make target" not in r.stderr, r.stderr
    assert m.leftovers() == []
    assert not list(m.out.glob(".config*")), list(m.out.iterdir())

    m.lie.unlink()
    r = m.make()
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "No rule to make target" not in out
    assert (m.out / ".config").read_text().startswith("# Rivet configuration")
    assert (m.out / "include/generated/autoconf.h").exists()


def test_half_made_config_is_brought_up_to_date(tmp_path):
    """A plain copy of the defconfig, as the old first run left it: the
    next make completes it rather than stopping."""
    m = Machine(tmp_path)
    m.flag.touch()  # everything installed
    m.out.mkdir()
    shutil.copy(os.path.join(SRC, "configs", "qemu_virt_defconfig"),
                m.out / ".config")
    r = m.make()
    assert r.returncode == 0, r.stdout + r.stderr
    assert kconfig_steps(m.calls()), m.calls()
    config = (m.out / ".config").read_text()
    assert config.startswith("# Rivet configuration"), config[:200]
    assert "CONFIG_CAP_SLOTS_DEFAULT=" in config
    header = (m.out / "include/generated/autoconf.h").read_text()
    assert "#define CONFIG_CAP_SLOTS_DEFAULT" in header
    assert not list(m.out.glob(".config.tmp*"))
