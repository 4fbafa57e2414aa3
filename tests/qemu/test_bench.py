"""make bench keeps working: every figure is printed, in the exact
"BENCH <name> <value> <unit>" form. Values are not judged here (speed
claims live in docs/performance.md, not in tests)."""
import re

from rivetqemu import boot_domains, build_path

FIGURES = ["null_syscall", "kstat_syscall", "exc_breakpoint", "exc_illegal",
           "exc_pagefault", "exc_misaligned", "exc_breakpoint_generic",
           "yield_pair", "uthread_switch", "map_page", "map_batch_page", "ring_map_page",
           "pagefault_map_resume", "cap_grant", "revoke_per_node",
           "cap_lookup_1", "cap_lookup_64", "cap_lookup_4096",
           "cap_lookup_65536", "irq_to_handler", "irq_to_handler_running",
           "irq_ack", "chan_msg_8", "chan_msg_64",
           "chan_msg_1024", "ipc_roundtrip_handoff",
           "notify_wake", "appel_prot1",
           "appel_unprot", "appel_protN", "appel_trap",
           "appel_trap_prot1_unprot", "appel_protN_trap_unprot",
           "mmap_touch_munmap",
           "pagefault_alloc_map_resume", "pagefault_alloc_map_cold",
           "idle_zero_frame", "frame_alloc_delete_cold",
           "frame_alloc_delete_reuse"]


def test_bench_prints_every_figure(tmp_path):
    conf = open("libos/bench/rivet.conf").read()
    b = boot_domains(tmp_path, conf,
                     {"/libos/bench.elf": build_path("libos/bench.elf")},
                     extra=["-icount", "shift=0,sleep=off", "-seed", "1",
                            "-rtc", "clock=vm"])
    got = dict((n, v) for n, v, _ in re.findall(
        r"BENCH (\w+) (\d+\.\d) (insns(?:/\w+)?)$", b.out, re.M))
    assert sorted(got) == sorted(FIGURES), b
    # Lookup is O(1): the same count whatever the number of slots in use.
    assert len({got["cap_lookup_%d" % n] for n in (1, 64, 4096, 65536)}) == 1
    # mmap_touch_munmap measured what it says: every vm_mmap and
    # vm_munmap succeeded, every frame went back, each from the pool.
    assert not b.has(r"bench: (vm_mmap or vm_munmap failed|"
                     r"mmap_touch_munmap kept frames|"
                     r"the zeroed-frame pool holds)"), b
    assert b.has(r"summary: bench +id 1 exited, status 0")
