"""Every fast path has a C twin (Kconfig, menu "Fast paths"): the kernel
built with all of them off (make slow-kernel, $RIVET_SLOW_BUILD) passes
the domain, capability, interrupt, notification and channel suites (the
same results, errors included, as the fast kernel gives them), and leaves
the same bookkeeping as the fast kernel after the same deterministic
run."""
import os
import re
import subprocess
import sys

from rivetqemu import BUILD, boot_domains, build_path

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SLOW_BUILD = os.environ.get("RIVET_SLOW_BUILD", BUILD + "-slow")
SLOW_KERNEL = os.path.join(SLOW_BUILD, "rivet.elf")
SUITES = ["tests/qemu/test_domains.py", "tests/qemu/test_caps.py",
          "tests/qemu/test_callregs.py",
          "tests/qemu/test_irq.py", "tests/qemu/test_map_batch.py",
          "tests/qemu/test_notify_fast.py",
          "tests/qemu/test_channels.py", "tests/qemu/test_chan_hostile.py",
          "tests/qemu/test_ring.py", "tests/qemu/test_pair_starve.py",
          "tests/qemu/test_capdelete.py", "tests/qemu/test_protect.py",
          "tests/qemu/test_capinfo.py", "tests/qemu/test_sysabi.py",
          "tests/qemu/test_inplace.py",
           "tests/qemu/test_allocmap_step.py", "tests/qemu/test_delstep.py",
           "tests/qemu/test_map_step.py"]
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1", "-rtc", "clock=vm"]


def slow_kernel():
    assert os.path.exists(SLOW_KERNEL), \
        "no kernel at %s: run make slow-kernel" % SLOW_KERNEL
    return SLOW_KERNEL


def test_slow_kernel_has_every_fast_path_off():
    with open(os.path.join(SLOW_BUILD, ".config")) as f:
        conf = f.read()
    for name in ("FAST_NULL", "FAST_SYSCALL", "FAST_REFLECT",
                 "FAST_IDLE_RESUME", "FAST_MAP_BATCH", "FAST_CAP_DELETE",
                 "FAST_BKL_ALONE", "FAST_ALLOC_MAP", "FAST_MAP_STEP"):
        assert "# CONFIG_%s is not set" % name in conf
    # FAST_NOTIFY depends on FAST_SYSCALL: off, it is not even listed
    assert "CONFIG_FAST_NOTIFY=y" not in conf


def test_suites_pass_on_the_c_paths():
    env = dict(os.environ, RIVET_KERNEL=slow_kernel())
    r = subprocess.run([sys.executable, "-m", "pytest", "-q",
                        "-p", "no:cacheprovider"] + SUITES,
                       capture_output=True, text=True, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]


def bookkeeping(out):
    """What the run leaves: each domain's end, slices, strikes and faults
    (the power-off summary) and the order in which domains ended."""
    return (re.findall(r"^(?:\[[ 0-9.]+\] )?(summary: .*?)\r?$", out, re.M),
            re.findall(r"domain (\S+ \(id \d+\) exited with status \d+)",
                       out))


def test_fast_and_c_paths_leave_the_same_bookkeeping(tmp_path):
    conf = open(os.path.join(ROOT, "libos/bench/rivet.conf")).read()
    files = {"/libos/bench.elf": build_path("libos/bench.elf")}
    runs = []
    for name, kernel in (("fast", None), ("slow", slow_kernel())):
        d = tmp_path / name
        d.mkdir()
        b = boot_domains(d, conf, files, extra=ICOUNT, kernel=kernel)
        assert b.has(r"summary: bench +id 1 exited, status 0"), b
        runs.append(bookkeeping(b.out))
    assert runs[0] == runs[1]
    assert runs[0][0], "no summary lines"
