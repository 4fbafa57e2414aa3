"""Boot configurations are checked at build time (scripts/rivet-confcheck.c,
the kernel's own parser on the host): a mistake is reported as FILE:LINE
before the initramfs is packed, not at boot under QEMU."""
import os
import shutil
import subprocess

from rivetqemu import build_path

SRC = os.environ.get("RIVET_SRC", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
APPS = "hello world tests bench vmdemo blk console shell netecho httpd"
STOCK = os.path.join(SRC, "initramfs", "etc")


def confcheck(*args):
    tool = build_path("host/rivet-confcheck")
    assert os.path.exists(tool), "make all builds " + tool
    return subprocess.run([tool, "--apps", APPS] + list(args),
                          capture_output=True, text=True, timeout=30)


def write_conf(tmp_path, text, name="rivet.conf"):
    etc = tmp_path / "etc"
    etc.mkdir(exist_ok=True)
    (etc / name).write_text(text)
    return str(etc / name)


CONSOLE = """[domain console]
image   = /libos/console.elf
memory  = 1M
device  = stdout
"""


def test_stock_configurations_pass_with_their_images():
    confs = sorted(os.path.join(STOCK, f) for f in os.listdir(STOCK)
                   if f.endswith(".conf"))
    r = confcheck("--images", build_path("libos"), *confs)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_misspelt_key_names_file_and_line(tmp_path):
    conf = write_conf(tmp_path, CONSOLE + """
[domain hello]
image   = /libos/hello.elf
memroy  = 2M
""")
    r = confcheck(conf)
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == (
        "%s:8: unknown key 'memroy' in [domain hello]; expected one of "
        "image, memory, slice, slots, strikes, grace, overcommit, device, "
        "peer, notify, accept, spawn, args, initramfs, hart, harts" % conf)


def test_missing_image_names_the_line_and_the_apps(tmp_path):
    conf = write_conf(tmp_path, CONSOLE + """
# a comment line, so the image is not on the line after the header
[domain ghost]
memory  = 1M
image   = /libos/ghost.elf
""")
    r = confcheck(conf)
    assert r.returncode == 1
    assert r.stderr == (
        "%s:9: [domain ghost] image /libos/ghost.elf is not an app the "
        "build makes; expected /libos/NAME.elf for NAME one of: %s "
        "(LIBOS_APPS in libos/libos.mk; docs/libos.md says how to add "
        "one)\n" % (conf, APPS))


def test_image_outside_libos_is_refused(tmp_path):
    conf = write_conf(tmp_path, CONSOLE.replace("/libos/console.elf",
                                                "/bin/console.elf"))
    r = confcheck(conf)
    assert r.returncode == 1
    assert r.stderr.startswith(
        "%s:2: [domain console] image /bin/console.elf is not an app"
        % conf)


def test_quota_too_small_for_its_image(tmp_path):
    conf = write_conf(tmp_path, CONSOLE.replace("memory  = 1M",
                                                "memory  = 64K"))
    r = confcheck("--slots", "1024", "--images", build_path("libos"), conf)
    assert r.returncode == 1
    line = r.stderr.strip()
    assert "\n" not in line
    assert line.startswith(
        "%s:3: [domain console] memory 64K is too small for "
        "/libos/console.elf: it needs at least " % conf), line
    assert "1024 capability slots 80K" in line
    assert line.endswith(" plus page tables; expected a larger memory "
                         "quota"), line
    # Without the images only names and keys are checked.
    assert confcheck(conf).returncode == 0


def test_make_reports_a_bad_config_before_packing(tmp_path):
    """make with a ghost image in a copy of initramfs/etc names the file,
    the line and where apps are listed; it used to stop with "No rule to
    make target 'build/libos/ghost.elf'"."""
    etc = tmp_path / "etc"
    shutil.copytree(STOCK, etc)
    conf = etc / "demo.conf"
    text = conf.read_text().replace("/libos/world.elf", "/libos/ghost.elf")
    conf.write_text(text)
    lineno = text.splitlines().index("image   = /libos/ghost.elf") + 1
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["RIVET_INSTALL_DEPS"] = "true"
    r = subprocess.run(["make", "-C", SRC, "O=%s" % (tmp_path / "out"),
                        "INITRAMFS_ETC=%s" % etc, "check-conf"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode != 0
    assert "No rule to make target" not in r.stderr
    assert ("%s:%d: [domain world] image /libos/ghost.elf is not an app the "
            "build makes" % (conf, lineno)) in r.stderr, r.stderr
    assert ("%s: boot configuration errors above; apps are the folders "
            "libos/NAME/ listed in LIBOS_APPS" % etc) in r.stderr
    assert not (tmp_path / "out" / "initramfs.conf-ok").exists()

    # The initramfs does not depend on an image no rule can make, so make
    # gets as far as the check (-n: nothing is built).
    r = subprocess.run(["make", "-n", "-C", SRC, "O=%s" % (tmp_path / "out"),
                        "INITRAMFS_ETC=%s" % etc,
                        "%s/initramfs.cpio" % (tmp_path / "out")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ghost.elf" not in r.stdout + r.stderr
    assert "rivet-confcheck" in r.stdout

    # Fixed, the same make succeeds.
    conf.write_text(text.replace("/libos/ghost.elf", "/libos/world.elf"))
    r = subprocess.run(["make", "-C", SRC, "O=%s" % (tmp_path / "out"),
                        "INITRAMFS_ETC=%s" % etc, "check-conf"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
