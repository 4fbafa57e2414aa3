"""The system call convention register by register (docs/syscalls.md,
"Convention"; libos/tests/sysabi.c): what a call keeps holds the caller's
values, what it may change holds the caller's values or 0 and never one of
the kernel's, a0/a1 the results, for every kind of call (ordinary,
through the C dispatch, restarted at its ecall, failing, no such call,
bad pointers, full frame). On one hart the ordinary calls are answered
straight from the trap; on two every call takes the C dispatch and the
big kernel lock; test_fastpath.py runs it on the slow kernel."""
from rivetqemu import boot_kernel, build_path, make_initramfs
from test_domains import assert_all_pass, conf, run_suite

CALLS = ["sysabi_kstat", "sysabi_cap_info", "sysabi_null",
         "sysabi_kstat_bad", "sysabi_cap_info_bad", "sysabi_protect_bad",
         "sysabi_cap_delete", "sysabi_cap_delete_bad", "sysabi_frame_alloc",
         "sysabi_restarted", "sysabi_nosys_count", "sysabi_nosys_63",
         "sysabi_nosys_64", "sysabi_nosys_67", "sysabi_nosys_minus_1",
         "sysabi_nosys_minus_big", "sysabi_write_bad_ptr",
         "sysabi_write_kernel_ptr", "sysabi_lookup_bad_ptr",
         "sysabi_map_batch_bad_ptr", "sysabi_spawn_bad_ptr", "sysabi_yield",
         "sysabi_wait"]
ALL = [c + s for c in CALLS for s in ("", "_kept", "_changed")] + \
    ["sysabi_frame_alloc_slot", "sysabi_kstat_1000"]
CONF = conf("t_sysabi", t_sysabi=["notify = t_sysabi 3"])


def test_convention_on_one_hart(tmp_path):
    b = run_suite(tmp_path, CONF)
    assert_all_pass(b, ALL)
    assert b.has(r"summary: t_sysabi +id 1 exited, status 0")


def test_convention_on_two_harts_through_the_c_dispatch(tmp_path):
    initrd = make_initramfs(tmp_path, CONF,
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=60)
    assert b.has(r"cpu: 2 harts online"), b
    assert b.has(r"rivet: powering off$"), b
    assert_all_pass(b, ALL)
