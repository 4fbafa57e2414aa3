"""Exception leaf handlers (rivet_exc_register_leaf; libos/tests/
excleaf.c): handling or declining, a leaf that changes every register it
may gives them all back; a declined fault goes to the cause's light or
full handler, or is reported as unhandled; any later registration for
the cause removes the leaf; the VM manager's leaf keeps every register
and declines what is not its case to vm_fault, which reports a kernel
refusal. scripts/check-exc-leaf: every *_leaf function of the libOS
images keeps the leaf's contract, and the check finds one that does
not."""
import os
import subprocess

from rivetqemu import BUILD
from test_caps import conf
from test_domains import assert_all_pass, run_suite

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHECK = os.path.join(ROOT, "scripts", "check-exc-leaf")

CASES = [
    "leaf_register", "leaf_handles_keeps_registers",
    "leaf_handled_nothing_mapped", "leaf_store_keeps_registers",
    "leaf_declines_to_light_keeps_registers", "leaf_declined_light_mapped",
    "leaf_declines_to_full_keeps_registers", "leaf_removed_by_full",
    "leaf_removed_by_light", "leaf_unregister", "leaf_removed_by_null",
    "leaf_cause_past_codes", "leaf_kernel_cause",
    "vm_leaf_keeps_registers", "vm_leaf_declines_to_vm_fault",
    "vm_leaf_unmap"]

# Functions named as leaves: one keeps a value across a call (a frame on
# the stack and a callee-saved register), one writes gp.
NOT_A_LEAF = """
long g(long);
long bad_leaf(long x)
{
	return g(x) + x;
}
long g(long x) { return x; }
void gp_leaf(void) { __asm__ volatile("li gp, 0"); }
void _start(void) { bad_leaf(1); gp_leaf(); }
"""


def test_leaf_entry_keeps_registers_and_falls_back(tmp_path):
    b = run_suite(tmp_path, conf(("t_exc_leaf", ["memory = 2M"])))
    assert_all_pass(b, CASES)
    assert b.has(r"summary: t_exc_leaf +id 1 exited, status 0")


def test_declined_with_no_handler_is_unhandled(tmp_path):
    b = run_suite(tmp_path, conf(("t_exc_leaf_refuse", ["memory = 2M"])))
    assert b.has(r"t_exc_leaf_refuse: unhandled load page fault "
                 r"\(cause 0xd\) at epc 0x[0-9a-f]+, tval 0x64000000")
    assert b.has(r"t_exc_leaf_refuse \(id 1\) exited with status -13")
    assert not b.has(r"leaf_refuse_not_reached")


def test_vm_leaf_refused_by_the_kernel_is_reported(tmp_path):
    b = run_suite(tmp_path, conf(("t_exc_leaf_no_frame", ["memory = 2M"])))
    assert b.has(r"t_exc_leaf_no_frame: vm: page 0x[0-9a-f]+: no frame")
    assert b.has(r"t_exc_leaf_no_frame \(id 1\) exited with status -15")
    assert not b.has(r"leaf_no_frame_not_reached")


def test_leaves_keep_their_contract():
    r = subprocess.run([CHECK, "--build", BUILD], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_finds_a_leaf_that_breaks_it(tmp_path):
    src = tmp_path / "f.c"
    src.write_text(NOT_A_LEAF)
    (tmp_path / "libos").mkdir()
    subprocess.run(["riscv64-unknown-elf-gcc", "-march=rv64imac",
                    "-mabi=lp64", "-O2", "-fno-inline", "-nostdlib",
                    str(src), "-o", str(tmp_path / "libos" / "x.elf")],
                   check=True)
    r = subprocess.run([CHECK, "--build", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stdout
    assert "bad_leaf: uses sp" in r.stdout, r.stdout
    assert "bad_leaf: calls" in r.stdout, r.stdout
    assert "gp_leaf: writes gp" in r.stdout, r.stdout
