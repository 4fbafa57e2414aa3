"""arch/ sits strictly below kernel/: kernel/arch.h is the one interface
between them (scripts/check-layers, docs/architecture.md "Layers")."""
import os
import subprocess

from rivetqemu import BUILD

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(ROOT, "scripts", "check-layers")


def test_arch_and_kernel_meet_only_at_the_interface():
    r = subprocess.run([CHECK, "--build", BUILD], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_layer_check_finds_includes_across_the_interface(tmp_path):
    (tmp_path / "kernel" / "sched").mkdir(parents=True)
    (tmp_path / "arch" / "riscv").mkdir(parents=True)
    (tmp_path / "kernel" / "arch.h").write_text(
        '#include "arch/riscv/csr.h"\n')
    (tmp_path / "kernel" / "sched" / "sched.c").write_text(
        '#include "kernel/arch.h"\n#include "arch/riscv/csr.h"\n')
    (tmp_path / "arch" / "riscv" / "uvm.c").write_text(
        '#include "kernel/lib/printk.h"\n#include "kernel/sched/domain.h"\n')
    r = subprocess.run([CHECK, "--root", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "kernel/sched/sched.c:2: includes arch/riscv/csr.h; kernel/ reaches the "
        "machine only through kernel/arch.h",
        "arch/riscv/uvm.c:2: includes kernel/sched/domain.h; arch/ may use only "
        "kernel/arch.h and the library headers",
    ]
