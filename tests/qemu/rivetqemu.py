"""Helpers for booting Rivet under QEMU in tests.

Every run has a timeout and must end by itself: the kernel powers off
through SBI (or resets, which -no-reboot turns into an exit).
"""
import os
import re
import signal
import subprocess
import threading
import time

BUILD = os.environ.get("RIVET_BUILD", os.path.abspath("build"))
# Another kernel for every boot that names none (test_fastpath.py runs
# suites on the kernel with the fast paths off this way).
KERNEL = os.environ.get("RIVET_KERNEL")
FW_JUMP = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
# What make run uses: the tree stays where QEMU put it (scripts/run.mk).
FW_DYNAMIC = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
QEMU = "qemu-system-riscv64"


class Boot:
    """The outcome of one QEMU run."""

    def __init__(self, cmd, out, rc, seconds):
        self.cmd = cmd
        self.out = out
        self.rc = rc
        self.seconds = seconds

    def has(self, pattern):
        return re.search(pattern, self.out, re.M) is not None

    def find(self, pattern):
        m = re.search(pattern, self.out, re.M)
        assert m, "no line matching %r in:\n%s" % (pattern, self.out)
        return m

    def findall(self, pattern):
        return re.findall(pattern, self.out, re.M)

    def __repr__(self):
        return "Boot(rc=%s)\n%s" % (self.rc, self.out)


def build_path(name):
    return os.path.join(BUILD, name)


def qemu(args, timeout=60):
    """Runs QEMU with args; returns a Boot. Fails the test on timeout."""
    cmd = [QEMU, "-nographic", "-no-reboot", "-monitor", "none"] + args
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        raise AssertionError("QEMU did not stop within %d s: %s\n%s"
                             % (timeout, " ".join(cmd), out))
    out = proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    return Boot(cmd, out, proc.returncode, time.monotonic() - start)


# The default initramfs's configuration that ends by itself.
DEMO_CONF = "rivet.conf=/etc/demo.conf"


def boot_kernel(machine="virt", smp=1, mem=None, append=None, initrd=True,
                kernel=None, extra=(), timeout=60, firmware=FW_JUMP):
    """Boots rivet.elf (or kernel) through OpenSBI (fw_jump unless
    firmware names another). With the
    default initramfs it runs /etc/demo.conf (the default system without
    the interactive shell, so the boot ends by itself) unless append
    names another rivet.conf=."""
    args = ["-M", machine, "-smp", str(smp), "-bios", firmware,
            "-kernel", kernel or KERNEL or build_path("rivet.elf")]
    if mem:
        args += ["-m", mem]
    if initrd:
        args += ["-initrd", build_path("initramfs.cpio")]
        if "rivet.conf=" not in (append or ""):
            append = ((append or "") + " " + DEMO_CONF).strip()
    if append:
        args += ["-append", append]
    return qemu(args + list(extra), timeout=timeout)


def dump_dtb(path, machine="virt", smp=1, mem=None):
    """Dumps the tree QEMU builds for this machine (before OpenSBI)."""
    args = ["-M", "%s,dumpdtb=%s" % (machine, path), "-smp", str(smp)]
    if mem:
        args += ["-m", mem]
    subprocess.run([QEMU, "-nographic"] + args, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=30)
    return path


def dtinfo(dtb):
    """rivet-dtinfo's description of dtb, as text."""
    return subprocess.run([build_path("host/rivet-dtinfo"), dtb], check=True,
                          capture_output=True, text=True).stdout


def make_initramfs(tmp_path, config, files):
    """Packs config (text for /etc/rivet.conf) and files ({archive path:
    local path or bytes}) into a cpio newc archive; returns its path."""
    root = tmp_path / "initramfs"
    (root / "etc").mkdir(parents=True, exist_ok=True)
    (root / "etc" / "rivet.conf").write_text(config)
    names = ["etc/rivet.conf"]
    for name, src in files.items():
        dst = root / name.lstrip("/")
        dst.parent.mkdir(parents=True, exist_ok=True)
        data = src if isinstance(src, bytes) else open(src, "rb").read()
        dst.write_bytes(data)
        names.append(name.lstrip("/"))
    out = tmp_path / "initramfs.cpio"
    with open(out, "wb") as f:
        subprocess.run(["cpio", "--quiet", "-o", "-H", "newc", "-R", "0:0"],
                       input="\n".join(names).encode(), stdout=f,
                       cwd=root, check=True)
    return str(out)


def boot_domains(tmp_path, config, files, append=None, timeout=60,
                 extra=(), kernel=None):
    """Boots QEMU virt with an initramfs holding config and files."""
    initrd = make_initramfs(tmp_path, config, files)
    return boot_kernel("virt", smp=1, mem="256M", append=append,
                       initrd=False, extra=["-initrd", initrd] + list(extra),
                       timeout=timeout, kernel=kernel)


def interactive(cmd, steps, timeout=60, cwd=None):
    """Runs cmd (QEMU, or make run) with a pipe on its stdin. steps is a list of
    (pattern, bytes): once the output matches pattern (a regular
    expression, or a function of the output so far), bytes are typed.
    Returns a Boot once the command has stopped by itself; fails the test
    if a pattern never shows or it does not stop within timeout seconds.
    The command runs in a session of its own, killed whole at the end, so
    that no QEMU started by make outlives the test."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    out = bytearray()
    lock = threading.Lock()

    def reader():
        while True:
            chunk = proc.stdout.read1(4096)
            if not chunk:
                return
            with lock:
                out.extend(chunk)

    def text():
        with lock:
            return out.decode("utf-8", "replace").replace("\r\n", "\n")

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for pattern, data in steps:
            while not (pattern(text()) if callable(pattern)
                       else re.search(pattern, text(), re.M)):
                if proc.poll() is not None or \
                        time.monotonic() - start > timeout:
                    raise AssertionError("never saw %r before typing %r:\n%s"
                                         % (pattern, data, text()))
                time.sleep(0.01)
            proc.stdin.write(data)
            proc.stdin.flush()
        try:
            proc.wait(timeout=max(1, timeout - (time.monotonic() - start)))
        except subprocess.TimeoutExpired:
            raise AssertionError("it did not stop within %d s: %s\n%s"
                                 % (timeout, " ".join(cmd), text()))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        thread.join(timeout=5)
        proc.stdin.close()
        proc.stdout.close()
    boot = Boot(cmd, text(), proc.returncode, time.monotonic() - start)
    boot.raw = out.decode("utf-8", "replace")  # line ends as sent
    return boot


def qemu_interactive(args, steps, timeout=60):
    """interactive() for QEMU with args, its first UART on stdin."""
    return interactive([QEMU, "-nographic", "-no-reboot", "-monitor", "none"]
                       + args, steps, timeout)
