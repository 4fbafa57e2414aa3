"""Page memory types (arch/riscv/memtype_probe.c): on QEMU virt, whose
harts are not T-Head's, the kernel leaves the types to the PMAs without
a word; a tree that names T-Head C9xx cores on a machine whose firmware
reports other ids gets one warning line and boots on. (The XTheadMae
bits themselves are checked on the host: tests/unit/test_memtype.c;
QEMU 7.2 has no T-Head CPU.)"""
import subprocess

from rivetqemu import boot_kernel, dump_dtb


def test_virt_says_nothing_about_memory_types():
    b = boot_kernel("virt", initrd=False)
    assert b.has(r"rivet: powering off$")
    assert not b.has(r"XTheadMae")


def test_a_tree_naming_thead_cores_on_other_hardware_warns(tmp_path):
    dtb = str(tmp_path / "thead.dtb")
    dump_dtb(dtb, "virt")
    subprocess.run(["fdtput", "-t", "s", dtb, "/cpus/cpu@0", "compatible",
                    "thead,c906", "riscv"], check=True)
    b = boot_kernel("virt", initrd=False, extra=("-dtb", dtb))
    assert b.has(r"mm: the tree names T-Head C9xx cores, but the firmware "
                 r"reports mvendorid 0x0 marchid 0x[0-9a-f]+ mimpid "
                 r"0x[0-9a-f]+: XTheadMae "
                 r"not probed, page types from the PMAs$"), b.out
    assert b.has(r"rivet: powering off$")
