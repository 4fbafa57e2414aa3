"""Documentation generated from the code must match it."""
import subprocess


def test_syscall_reference_matches_the_table():
    r = subprocess.run(["scripts/gen-syscall-doc", "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
