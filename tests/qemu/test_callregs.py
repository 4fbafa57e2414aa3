"""A system call keeps what a function call keeps (docs/syscalls.md), on
the ordinary call path that calls the handler straight from the trap
(arch/riscv/syscall_entry.S) and on the full-frame path
(libos/tests/callregs.c). test_fastpath.py runs it on the slow kernel."""
from test_domains import assert_all_pass, conf, run_suite

CASES = ["callregs_kstat", "callregs_error", "callregs_cap_info_empty",
         "callregs_nosys_63", "callregs_nosys_200", "callregs_yield_any",
         "callregs_retired_yield", "callregs_retired_notify",
         "callregs_wait_pending", "callregs_kstat_1000"]


def test_system_calls_keep_what_a_call_keeps(tmp_path):
    b = run_suite(tmp_path, conf("t_callregs",
                                 t_callregs=["notify = t_callregs 3"]))
    results = [c for c in CASES if c != "callregs_kstat_1000"]
    assert_all_pass(b, CASES + [c + "_result" for c in results])
