"""Real boards: the verdicts of make check-boards on linux-source-6.12's
board trees, the SD card images of make sdimage (one booted through
QEMU's U-Boot, the other's contents checked), scripts/new-board."""
import os
import re
import shutil
import subprocess

from rivetqemu import BUILD, qemu, DEMO_CONF, FW_JUMP, UBOOT

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXPECTED = os.path.join(ROOT, "tests/boards/expected.txt")
DTINFO = os.path.join(BUILD, "host/rivet-dtinfo")
MTOOLS = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def board_dtbs():
    """The corpus, compiled (cached) by scripts/board-dtbs. No skip when
    linux-source-6.12 is missing: make test installs it (install-deps)."""
    r = subprocess.run([os.path.join(ROOT, "scripts/board-dtbs"), BUILD],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    d = os.path.join(BUILD, "boards")
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith(".dtb"))


def port_dtbs():
    """The trees ports ship in dts/<vendor>/ (not the fixtures), compiled
    by make dts; the expected verdicts list them with the corpus."""
    r = subprocess.run(["make", "--no-print-directory", "O=" + BUILD, "dts"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    top = os.path.join(BUILD, "dts")
    return sorted(os.path.join(d, f) for d, _, files in os.walk(top)
                  for f in files if f.endswith(".dtb") and
                  os.path.relpath(d, top).split(os.sep)[0] != "fixtures")


def check_boards(expected, dtbs):
    return subprocess.run([os.path.join(ROOT, "scripts/check-boards"),
                           "--dtinfo", DTINFO, "--expected", expected] +
                          dtbs + port_dtbs(),
                          capture_output=True, text=True, cwd=ROOT)


def test_check_boards_matches_the_expected_verdicts():
    """make check-boards itself: the corpus and any dts/<vendor>/ tree."""
    assert len(board_dtbs()) == 36
    r = subprocess.run(["make", "--no-print-directory", "O=" + BUILD,
                        "check-boards"], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "REGRESSION" not in r.stdout and "IMPROVED" not in r.stdout
    assert re.search(r"^boards: \d+ supported, \d+ unsupported, \d+ in all$",
                     r.stdout, re.M), r.stdout
    # The two boards make sdimage is for, and the other JH7110 boards.
    for b in ("hifive-unmatched-a00", "jh7110-starfive-visionfive-2-v1.3b",
              "jh7110-milkv-mars", "jh7110-pine64-star64"):
        assert re.search(r"^%s: +supported$" % b, r.stdout, re.M), b


def edited_expected(tmp_path, name, verdict):
    text = open(EXPECTED).read()
    text, n = re.subn(r"^%s: .*$" % re.escape(name),
                      "%s: %s" % (name, verdict), text, flags=re.M)
    assert n == 1, name
    path = tmp_path / "expected.txt"
    path.write_text(text)
    return str(path)


def test_check_boards_fails_when_a_supported_board_is_lost(tmp_path):
    # What the list expects as supported but the tree is not: a regression.
    exp = edited_expected(tmp_path, "k210_generic", "supported")
    r = check_boards(exp, board_dtbs())
    assert r.returncode == 1
    assert "REGRESSION k210_generic: expected \"supported\"" in r.stdout


def test_check_boards_fails_when_a_reason_changes(tmp_path):
    exp = edited_expected(tmp_path, "k210_generic",
                          "unsupported: no console: no /chosen/stdout-path")
    r = check_boards(exp, board_dtbs())
    assert r.returncode == 1
    assert "REGRESSION k210_generic" in r.stdout


def test_check_boards_notes_an_improvement_and_passes(tmp_path):
    exp = edited_expected(tmp_path, "jh7110-milkv-mars",
                          "unsupported: no PLIC Rivet knows")
    r = check_boards(exp, board_dtbs())
    assert r.returncode == 0, r.stdout
    assert "IMPROVED jh7110-milkv-mars" in r.stdout
    assert "update %s" % exp in r.stdout


def test_check_boards_takes_ram_from_the_firmware_and_names_new_boards():
    """Upstream trees without /memory (the firmware adds it at boot) are
    supported with a note; PolarFire (banks far apart), T-Head CV18xx and
    the Andes RZ/Five (with its SCIF console) are supported, and so is the
    64-hart SG2042."""
    d = os.path.dirname(board_dtbs()[0])
    names = ("sun20i-d1-nezha", "mpfs-icicle-kit", "cv1800b-milkv-duo",
             "r9a07g043f01-smarc", "sg2042-milkv-pioneer")
    r = subprocess.run([os.path.join(ROOT, "scripts/check-boards"),
                        "--dtinfo", DTINFO] +
                       [os.path.join(d, n + ".dtb") for n in names],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^sun20i-d1-nezha: +supported \(RAM from the "
                     r"firmware: no /memory in the tree\)$", r.stdout, re.M)
    for b in names[1:4]:
        assert re.search(r"^%s: +supported$" % b, r.stdout, re.M), r.stdout
    # The 64-hart SG2042 is read whole now (CONFIG_NR_HARTS, docs/smp.md).
    assert re.search(r"^sg2042-milkv-pioneer: +supported \(RAM from the "
                     r"firmware: no /memory in the tree\)$", r.stdout, re.M)
    assert "boards: 5 supported, 0 unsupported, 5 in all" in r.stdout


def test_check_boards_takes_devices_above_the_direct_map():
    """TH1520 puts its PLIC and console near 1 TiB, past the kernel's
    direct map: the MMIO window maps them (tests/qemu/test_mmio_window.py),
    so the board is supported."""
    d = os.path.dirname(board_dtbs()[0])
    r = subprocess.run([os.path.join(ROOT, "scripts/check-boards"),
                        "--dtinfo", DTINFO,
                        os.path.join(d, "th1520-lichee-pi-4a.dtb")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^th1520-lichee-pi-4a: +supported$", r.stdout,
                     re.M), r.stdout


def test_check_boards_fails_on_a_board_missing_from_the_list(tmp_path):
    text = "".join(l for l in open(EXPECTED)
                   if not l.startswith("sipeed_maix_go:"))
    exp = tmp_path / "expected.txt"
    exp.write_text(text)
    r = check_boards(str(exp), board_dtbs())
    assert r.returncode == 1
    assert "REGRESSION sipeed_maix_go: not in" in r.stdout


def sdimage(board):
    r = subprocess.run(["make", "--no-print-directory", "O=" + BUILD,
                        "sdimage", "BOARD=" + board],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    return os.path.join(BUILD, "rivet-%s.img" % board)


def mtype(img, path):
    return subprocess.run(["mtype", "-i", img + "@@1M", "::" + path],
                          capture_output=True, env=MTOOLS,
                          check=True).stdout


def test_sdimage_visionfive2_boots_through_qemu_uboot(tmp_path):
    """The image the board gets, booted by QEMU virt's U-Boot: the kernel
    reads the machine from the tree, so a board image runs on virt. Only
    the copy's append line changes, to the configuration that ends."""
    img = str(tmp_path / "sd.img")
    shutil.copy(sdimage("visionfive2"), img)
    conf = mtype(img, "/extlinux/extlinux.conf").decode()
    assert "\tappend loglevel=6\n" in conf
    assert "# fdt /dtbs/jh7110-starfive-visionfive-2-v1.3b.dtb" in conf
    edited = tmp_path / "extlinux.conf"
    edited.write_text(conf.replace("append loglevel=6",
                                   "append loglevel=6 " + DEMO_CONF))
    subprocess.run(["mcopy", "-o", "-i", img + "@@1M", str(edited),
                    "::/extlinux/extlinux.conf"], env=MTOOLS, check=True)
    b = qemu(["-M", "virt", "-smp", "2", "-m", "256M", "-bios", FW_JUMP,
              "-kernel", UBOOT,
              "-drive", "file=%s,format=raw,if=none,id=hd0" % img,
              "-device", "virtio-blk-device,drive=hd0",
              "-icount", "shift=0,sleep=off"], timeout=120)
    assert b.has(r"Retrieving file: /Image"), b
    assert b.has(r"config visionfive2$"), b
    assert b.has(r"summary: hello +id 2 exited, status 0"), b
    assert b.has(r"rivet: powering off$")
    assert b.rc == 0


def test_sdimage_unmatched_holds_its_kernel_config_and_tree():
    """Differs from the VisionFive 2 image only in config and trees."""
    img = sdimage("unmatched")
    out = subprocess.run(["sfdisk", "-d", img], capture_output=True,
                         text=True, check=True).stdout
    assert re.search(r"start= *2048, .*type=c, bootable", out), out
    image = mtype(img, "/Image")
    assert image[0x38:0x3c] == b"RSC\x05"
    assert b"hifive_unmatched" in image
    assert image == open(os.path.join(BUILD, "sd-unmatched/Image"),
                         "rb").read()
    initrd = open(os.path.join(BUILD, "sd-unmatched/initramfs.cpio"),
                  "rb").read()
    assert mtype(img, "/initramfs.cpio") == initrd
    conf = mtype(img, "/extlinux/extlinux.conf").decode()
    assert "kernel /Image" in conf and "initrd /initramfs.cpio" in conf
    assert mtype(img, "/dtbs/hifive-unmatched-a00.dtb")[:4] == \
        b"\xd0\x0d\xfe\xed"
    assert os.path.exists(img + ".bmap")


def test_new_board_scaffolds_a_port_in_a_copy(tmp_path):
    """scripts/new-board on a copy of the tree: a board from the corpus
    keeps its upstream name in the list; one from elsewhere becomes
    dts/VENDOR/BOARD.dts, and check-boards then reads it too."""
    board_dtbs()
    for d in ("scripts", "configs", "docs", "dts", "tests/boards"):
        shutil.copytree(os.path.join(ROOT, d), str(tmp_path / d))
    env = dict(os.environ, O=BUILD)

    def new_board(*args):
        return subprocess.run([str(tmp_path / "scripts/new-board")] +
                              list(args), capture_output=True, text=True,
                              cwd=str(tmp_path), env=env)

    r = new_board("milkv", "mars",
                  os.path.join(BUILD, "boards/jh7110-milkv-mars.dtb"))
    assert r.returncode == 0, r.stdout + r.stderr
    conf = (tmp_path / "configs/mars_defconfig").read_text()
    assert 'CONFIG_BOARD_NAME="mars"' in conf
    assert "# CONFIG_UART_SIFIVE is not set" in conf  # its UART is an 8250
    page = (tmp_path / "docs/boards/mars.md").read_text()
    assert "model: Milk-V Mars" in page and "supported" in page
    assert "- [ ] a boot log from the board" in page
    listed = (tmp_path / "tests/boards/expected.txt").read_text()
    assert listed == open(EXPECTED).read()  # already in the corpus list
    assert not (tmp_path / "dts/milkv").exists()

    fixture = tmp_path / "vf2like.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(fixture), str(tmp_path /
                                      "dts/fixtures/visionfive2-like.dts")],
                   check=True)
    r = new_board("acme", "roadrunner", str(fixture))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "roadrunner: supported" in r.stdout
    dts = tmp_path / "dts/acme/roadrunner.dts"
    assert dts.exists()
    assert "roadrunner: supported\n" in \
        (tmp_path / "tests/boards/expected.txt").read_text()
    compiled = tmp_path / "roadrunner.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                    str(compiled), str(dts)], check=True)
    r = check_boards(str(tmp_path / "tests/boards/expected.txt"),
                     board_dtbs() + [str(compiled)])
    assert r.returncode == 0, r.stdout
    # The corpus (36), the ports of dts/ (the K1) and the new one.
    assert "38 in all" in r.stdout

    # A second run refuses to overwrite the port.
    r = new_board("acme", "roadrunner", str(fixture))
    assert r.returncode == 1
    assert "exists already" in r.stderr


def test_k1_console_is_the_xscale_uart_with_its_unit_enable():
    """The SpacemiT K1 (Rivet's own tree, dts/spacemit/: linux-source-6.12
    has none) is supported; its console matches by "intel,xscale-uart",
    the second of its compatible strings, and rivet-dtinfo says the 8250
    driver keeps IER.UUE set for it (include/rivet/uart_compat.h)."""
    dtb = os.path.join(BUILD, "dts/spacemit/k1-bananapi-f3.dtb")
    r = subprocess.run(["make", "--no-print-directory", "O=" + BUILD, dtb],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([os.path.join(ROOT, "scripts/check-boards"),
                        "--dtinfo", DTINFO, dtb],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^k1-bananapi-f3: +supported \(RAM from the firmware: "
                     r"no /memory in the tree\)$", r.stdout, re.M), r.stdout
    # rivet-dtinfo needs RAM: the firmware's /memory, here a stand-in.
    with_ram = os.path.join(BUILD, "k1-with-ram.dtb")
    shutil.copy(dtb, with_ram)
    for args in (["-c", with_ram, "/memory@0"],
                 ["-t", "s", with_ram, "/memory@0", "device_type", "memory"],
                 ["-t", "x", with_ram, "/memory@0", "reg", "0", "0", "0",
                  "80000000"]):
        subprocess.run(["fdtput"] + args, check=True)
    out = subprocess.run([DTINFO, with_ram], capture_output=True, text=True,
                         check=True).stdout
    assert ("console: /soc/serial@d4017000 intel,xscale-uart at 0xd4017000 "
            "size 0x100 driver 8250 quirk xscale-ier-uue reg-shift 2 "
            "io-width 4 clock 0 baud 0 irq 42") in out, out
    assert "harts usable: 8 of 8" in out
    assert "sifive,plic-1.0.0" in out and "sources 159" in out
