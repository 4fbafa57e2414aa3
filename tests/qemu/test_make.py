"""What make says to a newcomer: make help, the configuration targets."""
import os
import re
import subprocess

SRC = os.environ.get("RIVET_SRC", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))


def make(out, *goals):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["RIVET_INSTALL_DEPS"] = "true"
    r = subprocess.run(["make", "-s", "-C", SRC, "O=%s" % out] + list(goals),
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_help_columns_line_up(tmp_path):
    out = make(tmp_path, "help")
    entries = [l for l in out.splitlines() if l.startswith("  ")]
    defconfigs = sorted(f for f in os.listdir(os.path.join(SRC, "configs"))
                        if f.endswith("_defconfig"))
    for d in defconfigs:
        assert any(l.split()[0] == d for l in entries), (d, out)
    # Every description, and every continuation line, starts in one column.
    columns = set()
    for l in entries:
        m = re.match(r"  (\S.*?)?\s{2,}(\S)", l)
        assert m, l
        columns.add(m.start(2))
    assert len(columns) == 1, out


def test_savedefconfig_says_it_once(tmp_path):
    make(tmp_path, "defconfig")
    out = make(tmp_path, "savedefconfig")
    assert out.splitlines() == [
        "Minimal config written to %s/defconfig" % tmp_path], out
    saved = (tmp_path / "defconfig").read_text()
    assert not os.path.exists(tmp_path / "defconfig.tmp")
    # The stock defconfig is already minimal.
    with open(os.path.join(SRC, "configs", "qemu_virt_defconfig")) as f:
        stock = [l for l in f.read().splitlines()
                 if l and not l.startswith("#")]
    assert [l for l in saved.splitlines()
            if l and not l.startswith("#")] == stock


def test_defconfig_says_when_it_replaces_an_edited_config(tmp_path):
    out = make(tmp_path, "defconfig")
    assert "Replaced" not in out
    out = make(tmp_path, "defconfig")
    assert "Replaced" not in out, "an unchanged .config is not replaced"
    config = tmp_path / ".config"
    config.write_text(config.read_text().replace(
        "CONFIG_CAP_SLOTS_DEFAULT=1024", "CONFIG_CAP_SLOTS_DEFAULT=512"))
    out = make(tmp_path, "defconfig")
    assert ("Replaced %s (the previous one is %s.old)" % (config, config)
            in out), out
    assert "CONFIG_CAP_SLOTS_DEFAULT=512" in (tmp_path / ".config.old").read_text()
    assert "CONFIG_CAP_SLOTS_DEFAULT=1024" in config.read_text()
