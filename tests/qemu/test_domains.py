"""LibOS domains under QEMU: the in-QEMU suite (libos/tests) run as
domains, each case checked by its result line, and boots with broken
configurations, images and ELF files."""
import re

import pytest

from rivetqemu import boot_domains, boot_kernel, build_path, make_initramfs

TESTS_ELF = build_path("libos/tests.elf")
HELLO_ELF = build_path("libos/hello.elf")
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]


def conf(*domains, **extra):
    """Config text for test roles; extra maps a role to more key lines."""
    out = []
    for name in domains:
        out.append("[domain %s]\nimage = /libos/tests.elf\nmemory = 1M\n"
                   % name)
        out.extend(extra.get(name, []))
        out.append("")
    return "\n".join(out)


def run_suite(tmp_path, text, timeout=60):
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF},
                     extra=ICOUNT, timeout=timeout)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def run_suite_on_two_harts(tmp_path, text, timeout=120):
    """run_suite with two harts online and no icount: every call goes
    through the C dispatch under the big kernel lock (docs/smp.md)."""
    initrd = make_initramfs(tmp_path, text, {"/libos/tests.elf": TESTS_ELF})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=timeout)
    assert b.has(r"cpu: 2 harts online"), b
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def results(b):
    return dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))


def assert_all_pass(b, expected):
    got = results(b)
    missing = [c for c in expected if c not in got]
    failed = {c: r for c, r in got.items() if r != "PASS"}
    assert not missing and not failed, (missing, failed, b.out)


SYSCALL_CASES = [
    "syscall_bad_number", "syscall_number_past_table",
    "debug_write_kernel_pointer", "debug_write_unmapped_pointer",
    "debug_write_past_user_top", "debug_write_wraps_around",
    "debug_write_too_long", "debug_write_runs_off_stack",
    "debug_write_empty", "yield_by_id_is_retired",
    "yield_to_own_id_is_retired", "notify_by_id_is_retired",
    "yield_cap_any", "yield_cap_domain_capability",
    "notify_cap_domain_capability", "wait_empty_mask", "lookup_unmapped_name", "lookup_unknown_name",
    "lookup_overlong_name", "lookup_self", "kstat_unknown_counter",
    "upcall_set_unmapped_entry", "upcall_set_data_entry",
    "upcall_set_reversed_range", "upcall_set_refused_keeps_entries",
]


def test_syscall_errors_never_panic(tmp_path):
    b = run_suite(tmp_path, conf("t_syscall"))
    assert_all_pass(b, SYSCALL_CASES)
    assert b.has(r"summary: t_syscall +id 1 exited, status 0")


def test_directed_yield_order_between_three_domains(tmp_path):
    b = run_suite(tmp_path, conf(
        "t_order_a", "t_order_b", "t_order_c",
        t_order_a=["notify = t_order_b", "notify = t_order_c"],
        t_order_b=["notify = t_order_a"], t_order_c=["notify = t_order_b"]))
    order = b.findall(r"\] ORDER (\w+)$")
    assert order == ["a1", "c1", "b1", "a2", "b2", "c2", "a3"], b
    assert_all_pass(b, ["yield_directed_returns_zero"])


def test_wait_blocks_until_notified(tmp_path):
    b = run_suite(tmp_path, conf("t_waiter", "t_waker",
                                 t_waker=["notify = t_waiter"]))
    assert_all_pass(b, ["waiter_is_waiting", "notify_waiting_domain",
                        "wait_wakes_with_its_bits",
                        "wait_leaves_other_bits_pending",
                        "wait_returns_pending_bits_at_once",
                        "wait_cleared_taken_bits"])


def test_slice_end_upcall_and_strikes_kill_a_spinner(tmp_path):
    text = conf("t_polite", "t_spinner",
                t_polite=["slice = 1ms"],
                t_spinner=["slice = 1ms", "strikes = 2", "grace = 200us"])
    b = run_suite(tmp_path, text)
    assert_all_pass(b, ["slice_end_upcall_yields_without_strikes"])
    strikes = b.findall(r"sched: t_spinner ignored its slice-end upcall: "
                        r"strike (\d) of 2 allowed")
    assert strikes == ["1", "2", "3"], b
    assert b.has(r"domain t_spinner \(id 2\) killed: more than 2 slice "
                 r"overruns")
    assert b.has(r"summary: t_polite +id 1 exited, status 0, slices \d+, "
                 r"strikes 0")
    assert b.has(r"summary: t_spinner +id 2 killed \(more than 2 slice "
                 r"overruns\), slices \d+, strikes 3")


EXC_CASES = [
    "exc_breakpoint_resumes", "exc_illegal_resumes",
    "exc_load_page_fault_resumes",
    "exc_store_page_fault_on_readonly_info_page",
    "exc_instruction_page_fault_resumes", "exc_misaligned_amo_resumes",
    "exc_fp_disabled_enables_lazily", "exc_in_upcall_cleared_after_resume",
]


def test_exception_upcalls_resume_in_user_mode(tmp_path):
    b = run_suite(tmp_path, conf("t_exc"))
    assert_all_pass(b, EXC_CASES)
    assert b.has(r"summary: t_exc +id 1 exited, status 0, slices \d+, "
                 r"strikes 0, faults 7")


def test_fault_in_handler_or_without_handler_kills_only_that_domain(
        tmp_path):
    b = run_suite(tmp_path, conf("t_badhandler", "t_nohandler",
                                 "t_survivor"))
    assert b.has(r"domain t_badhandler \(id 1\) killed: load page fault at "
                 r"epc 0x[0-9a-f]+, tval 0x18, inside its own exception "
                 r"handler")
    assert b.has(r"domain t_nohandler \(id 2\) killed: load page fault at "
                 r"epc 0x[0-9a-f]+, tval 0x28, and no exception handler")
    assert not b.has(r"TEST (badhandler|nohandler)_killed: FAIL")
    assert_all_pass(b, ["survivor_outlives_killed_peers"])


def test_exit_reclaims_every_frame(tmp_path):
    b = run_suite(tmp_path, conf("t_reclaim_a", "t_reclaim_b",
                                 t_reclaim_b=["notify = t_reclaim_a"]))
    assert_all_pass(b, ["domain_owns_frames", "exit_returns_every_frame"])
    assert not b.has(r"frames still owned after teardown")


def test_directed_yield_keeps_callee_saved_and_fp_registers(tmp_path):
    b = run_suite(tmp_path, conf("t_regs_a", "t_regs_b",
                                 t_regs_a=["notify = t_regs_b"],
                                 t_regs_b=["notify = t_regs_a"]))
    assert_all_pass(b, ["yield_directed_keeps_callee_saved",
                        "yield_directed_keeps_fp_registers"])


def test_demo_config_shows_threads_and_summary():
    from rivetqemu import boot_kernel
    b = boot_kernel("virt", smp=2, mem="256M", extra=ICOUNT)
    steps = b.findall(r"hello: thread ([AB]) step \d")
    assert steps[:4] == ["A", "B", "A", "B"], b
    assert b.has(r"world: domain 3 \"world\" says hello")
    assert b.has(r"summary: hello +id 2 exited, status 0")
    assert b.has(r"summary: world +id 3 exited, status 0")
    # The console domain took over the UART and printed everyone's lines.
    assert b.has(r"console: handed over to domain console")
    assert b.has(r"summary: console +id 1 exited, status 0")
    assert b.has(r"rivet: powering off$")


# ------------------------------------------------ broken configurations ---

def test_bad_domain_section_is_refused_and_others_run(tmp_path):
    text = conf("t_survivor") + "\n[domain broken]\nimage = /libos/tests.elf\n" \
        "memory = 1M\nmemroy = 2M\n"
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF},
                     extra=ICOUNT)
    assert b.has(r"config: /etc/rivet.conf:\d+: unknown key 'memroy' in "
                 r"\[domain broken\]")
    assert b.has(r"launch: domain broken refused: configuration error at "
                 r"line \d+")
    assert b.has(r"launch: 1 of 2 configured domains started")
    assert b.has(r"summary: t_survivor +id 1 exited, status 0")


def test_unusable_config_starts_nothing(tmp_path):
    text = conf("t_survivor") + "\n[bogus section]\nx = 1\n"
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF},
                     extra=ICOUNT)
    assert b.has(r"config: /etc/rivet.conf:\d+: ")
    assert b.has(r"config: /etc/rivet.conf is unusable; no domain will "
                 r"start")
    assert b.has(r"rivet: no domain to run")
    assert b.has(r"rivet: powering off$")


def test_missing_image_is_reported_and_others_run(tmp_path):
    text = conf("t_survivor") + \
        "\n[domain ghost]\nimage = /libos/ghost.elf\nmemory = 1M\n"
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF},
                     extra=ICOUNT)
    assert b.has(r"launch: domain ghost refused: image /libos/ghost.elf is "
                 r"not in the initramfs")
    assert b.has(r"summary: t_survivor +id 1 exited, status 0")


@pytest.mark.parametrize("corrupt", ["truncated", "x86", "garbage"])
def test_corrupt_elf_is_reported_and_others_run(tmp_path, corrupt):
    good = open(TESTS_ELF, "rb").read()
    if corrupt == "truncated":
        bad = good[:3000]
    elif corrupt == "x86":
        bad = good[:18] + bytes([62, 0]) + good[20:]  # e_machine = x86-64
    else:
        bad = b"\x7fELF" + bytes(range(256)) * 8
    text = conf("t_survivor") + \
        "\n[domain corrupt]\nimage = /libos/bad.elf\nmemory = 1M\n"
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF,
                                      "/libos/bad.elf": bad}, extra=ICOUNT)
    assert b.has(r"launch: domain corrupt refused: image /libos/bad.elf is "
                 r"not a valid libOS ELF: \S"), b
    assert b.has(r"summary: t_survivor +id 1 exited, status 0")


def test_failed_start_leaves_no_frame_behind(tmp_path):
    """A quota that runs out part-way through building the domain (image
    loaded, the upcall page not): every frame taken goes back."""
    text = conf("t_survivor") + \
        "\n[domain short]\nimage = /libos/tests.elf\nmemory = 300K\n"
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF},
                     extra=ICOUNT)
    assert b.has(r"launch: domain short refused: ")
    assert not b.has(r"frames still owned")
    assert b.has(r"summary: t_survivor +id 1 exited, status 0")


def test_quota_too_small_is_refused(tmp_path):
    text = conf("t_survivor") + \
        "\n[domain tiny]\nimage = /libos/tests.elf\nmemory = 64K\n"
    b = boot_domains(tmp_path, text, {"/libos/tests.elf": TESTS_ELF},
                     extra=ICOUNT)
    assert b.has(r"launch: domain tiny refused: ")
    assert b.has(r"summary: t_survivor +id 1 exited, status 0")
    assert b.has(r"summary: 1 domains")


def test_quota_too_small_says_what_the_domain_needs(tmp_path):
    """The refusal gives the quota and what the domain needs, not "image
    invalid"; and the figure is exact: that much boots, a page less not."""
    def boot(memory):
        text = conf("t_survivor") + \
            "\n[domain tiny]\nimage = /libos/tests.elf\nmemory = %s\n" % memory
        d = tmp_path / memory
        d.mkdir()
        return boot_domains(d, text, {"/libos/tests.elf": TESTS_ELF},
                            extra=ICOUNT)

    b = boot("64K")
    m = b.find(r"launch: domain tiny refused: memory = 64 KiB is too small: "
               r"it needs (\d+) KiB \(image (\d+) KiB, stack 64 KiB, "
               r"(\d+) capability slots (\d+) KiB, page tables and shared "
               r"pages (\d+) KiB\)$")
    need, image, slots, slots_kib, rest = map(int, m.groups())
    assert need == image + 64 + slots_kib + rest
    assert slots == 1024 and image > 0 and rest > 0
    assert not b.has(r"not a valid libOS ELF")
    assert not b.has(r"frames still owned")
    assert b.has(r"summary: t_survivor +id 1 exited, status 0")

    b = boot("%dK" % need)
    assert b.has(r"launch: domain tiny \(id 2\): /libos/tests.elf, %d KiB "
                 r"quota, %d KiB used" % (need, need)), b
    b = boot("%dK" % (need - 4))
    assert b.has(r"launch: domain tiny refused: memory = %d KiB is too "
                 r"small: it needs %d KiB " % (need - 4, need)), b
