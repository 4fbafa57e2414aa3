"""cap_info's answers, errors and kept registers (libos/tests/capinfo.c):
on one hart cap_sys_info called straight from the trap, on two harts (the
big kernel lock is taken there) through the C dispatch; test_fastpath.py
runs it on the slow kernel too."""
from rivetqemu import boot_kernel, build_path, make_initramfs
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "capinfo_frame_named", "capinfo_type", "capinfo_type_of_copy",
    "capinfo_object", "capinfo_size", "capinfo_badge_none",
    "capinfo_domain_object", "capinfo_empty_slot",
    "capinfo_last_slot_plus_one", "capinfo_slot_past_32_bits",
    "capinfo_slot_minus_one", "capinfo_what_4", "capinfo_what_huge",
    "capinfo_empty_before_what", "capinfo_deleted_copy"]
ALL = [c + s for c in CASES[1:] for s in ("", "_regs")] + \
    ["capinfo_frame_named", "capinfo_1000_the_same"]
CONF = conf(("t_cap_info", ["memory = 1M"]))


def test_cap_info_on_one_hart(tmp_path):
    b = run_suite(tmp_path, CONF)
    assert_all_pass(b, ALL)
    assert b.has(r"summary: t_cap_info +id 1 exited, status 0")


def test_cap_info_on_two_harts_takes_the_c_path(tmp_path):
    initrd = make_initramfs(tmp_path, CONF,
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=60)
    assert b.has(r"cpu: 2 harts online"), b
    assert b.has(r"rivet: powering off$"), b
    assert_all_pass(b, ALL)
