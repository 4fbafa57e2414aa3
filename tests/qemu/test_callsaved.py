"""The kernel keeps t2-t6 for its caller (scripts/check-callsaved): the
ordinary system call path relies on it to give the user's values back
without saving them (arch/riscv/syscall_entry.S, docs/syscalls.md)."""
import os
import subprocess

from rivetqemu import BUILD

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(ROOT, "scripts", "check-callsaved")

# Needs more registers than the a- and t0/t1 ones: built without
# -fcall-saved-t*, GCC takes t2-t6 freely.
PRESSURE = """
long f(long *p)
{
	long a = p[0], b = p[1], c = p[2], d = p[3], e = p[4], g = p[5],
	     h = p[6], i = p[7], j = p[8], k = p[9], l = p[10], m = p[11];
	p[12] = a * b + c; p[13] = d * e + g; p[14] = h * i + j;
	p[15] = k * l + m; p[16] = a * m + l; p[17] = b * k + j;
	return a + b + c + d + e + g + h + i + j + k + l + m;
}
"""


def test_kernel_keeps_t2_to_t6():
    r = subprocess.run([CHECK, "--build", BUILD], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_finds_code_built_without_the_flags(tmp_path):
    src = tmp_path / "f.c"
    src.write_text(PRESSURE)
    base = ["riscv64-unknown-elf-gcc", "-march=rv64imac", "-mabi=lp64",
            "-O2", "-nostdlib", "-Wl,-e,f", str(src), "-o",
            str(tmp_path / "rivet.elf")]
    subprocess.run(base, check=True)
    r = subprocess.run([CHECK, "--build", str(tmp_path)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1 and "f: writes" in r.stdout, r.stdout
    subprocess.run(base + ["-fcall-saved-t2", "-fcall-saved-t3",
                           "-fcall-saved-t4", "-fcall-saved-t5",
                           "-fcall-saved-t6"], check=True)
    r = subprocess.run([CHECK, "--build", str(tmp_path)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout
