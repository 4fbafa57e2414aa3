"""make bench keeps working: every figure is printed, in the exact
"BENCH <name> <value> <unit>" form. Values are not judged here (speed
claims live in docs/performance.md, not in tests)."""
import re

from rivetqemu import boot_domains, build_path

FIGURES = ["null_syscall", "kstat_syscall", "exc_breakpoint", "exc_illegal",
           "exc_pagefault", "exc_misaligned", "exc_breakpoint_generic",
           "yield_pair", "uthread_switch"]


def test_bench_prints_every_figure(tmp_path):
    conf = open("libos/bench/rivet.conf").read()
    b = boot_domains(tmp_path, conf,
                     {"/libos/bench.elf": build_path("libos/bench.elf")},
                     extra=["-icount", "shift=0,sleep=off", "-seed", "1"])
    got = dict(re.findall(r"BENCH (\w+) (\d+\.\d) (insns/\w+)$", b.out,
                          re.M) and
               [(n, v) for n, v, _ in re.findall(
                   r"BENCH (\w+) (\d+\.\d) (insns/\w+)$", b.out, re.M)])
    assert sorted(got) == sorted(FIGURES), b
    assert b.has(r"summary: bench +id 1 exited, status 0")
