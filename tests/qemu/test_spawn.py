"""Domains at run time: SYS_spawn and SYS_kill through a spawn capability
from the boot configuration (libos/tests/spawn.c), the shell's run and
kill, and the spawn/kill soak whose resource counts must come back."""
import os
import re

import pytest

from rivetqemu import boot_domains, build_path
from test_testmem import image_pages

TESTS_ELF = build_path("libos/tests.elf")
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
FILES = {"/libos/tests.elf": TESTS_ELF, "/libos/junk.elf": b"not an ELF\n"}

SPAWNER_CONF = """
[domain t_spawner]
image  = /libos/tests.elf
memory = 16M
slots  = 64
peer   = t_bystander
spawn  = /libos/
notify = t_bystander
notify = t_spawner

[domain t_bystander]
image  = /libos/tests.elf
memory = 1M
"""

SPAWN_CASES = [
    "spawn_capability_granted", "spawn_capability_has_grant",
    "spawn_missing_image", "spawn_image_outside_grant",
    "spawn_dot_dot_refused", "spawn_not_an_elf",
    "spawn_quota_bigger_than_spawner", "spawn_quota_bigger_than_unused",
    "spawn_slots_bigger_than_spawner", "spawn_quota_too_small_for_image",
    "spawn_zero_frames", "spawn_zero_slots", "spawn_bad_name",
    "spawn_name_of_a_live_domain",
    "spawn_through_domain_capability", "spawn_slot_out_of_range",
    "spawn_empty_slot", "spawn_unmapped_request", "spawn_kernel_request",
    "spawn_unmapped_image_name", "spawn_too_many_caps",
    "spawn_pass_empty_slot", "spawn_pass_without_grant",
    "spawn_child", "spawn_lends_frames", "spawn_lends_slots",
    "spawn_takes_an_asid", "spawned_child_is_runnable",
    "spawn_capability_names_child", "child_exited_by_itself",
    "child_wrote_passed_frame", "kill_ended_domain", "quota_back_after_exit",
    "spawn_sleeper", "sleeper_waits", "kill_spawned_domain",
    "killed_domain_is_killed", "kill_dead_domain", "spawn_reusing_entry",
    "stale_slot_names_reused_id", "kill_stale_slot",
    "stale_kill_leaves_new_domain", "grant_through_stale_slot",
    "kill_runnable_child", "kill_deleted_slot", "kill_not_spawned_by_caller",
    "kill_self_refused", "kill_slot_out_of_range", "kill_frame_capability",
    "spawn_nester", "lookup_own_child", "lookup_grandchild_is_noent",
    "nester_looks_up_its_spawner", "nester_looks_up_its_child",
    "nester_lookup_of_a_stranger_is_noent",
    "nester_granted_grandchild", "kill_grandchild_refused",
    "kill_nester", "grandchild_ends_with_its_spawner",
    "spawn_lending_every_slot", "no_free_slot_left",
    "frame_alloc_with_slots_lent", "frame_alloc_lent_moves_no_frame",
    "derive_with_slots_lent",
    "spawn_crasher", "faulting_child_is_killed", "kill_faulted_child",
    "spawn_past_sixteen_domains", "spawned_up_to_sixteen", "kill_makes_room",
    "spawn_after_kill",
]
COUNTS = ["free_frames", "my_quota", "free_slots", "asids", "pt_pages",
          "all_slots", "all_frames"]


def results(b):
    return dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))


def assert_all_pass(b, expected):
    got = results(b)
    missing = [c for c in expected if c not in got]
    failed = {c: r for c, r in got.items() if r != "PASS"}
    assert not missing and not failed, (missing, failed, b.out)


def run(tmp_path, text, timeout=60, append=None, files=FILES,
        end=r"rivet: powering off$"):
    b = boot_domains(tmp_path, text, files, extra=ICOUNT, timeout=timeout,
                     append=append)
    assert b.has(end), b
    assert not b.has(r"kernel fault|panic|assertion failed|still owned"), b
    return b


def test_spawn_and_kill_errors_and_counts(tmp_path):
    b = run(tmp_path, SPAWNER_CONF)
    expected = SPAWN_CASES + [
        "%s_%s" % (p, c) for c in COUNTS
        for p in ("spawn_errors_change_nothing", "child_exit_gives_back",
                  "kills_give_back", "nested_give_back", "lent_slots_give_back",
                  "fault_gives_back",
                  "full_table_gives_back", "spawn_counts_back")]
    assert_all_pass(b, expected)
    assert b.has(r"launch: domain t_spawner: may spawn /libos/, slot 2$"), b
    # The child's quota follows tests.elf's size (child_quota.h).
    started = b.findall(r"spawn: t_spawner \(id 1\) started t_child \(id 3\) "
                        r"from /libos/tests.elf: (\d+) frames, 16 slots, 1 "
                        r"capabilities passed, placed on hart 0 \(the "
                        r"spawner's\)$")
    assert started and int(started[0]) > image_pages(), b
    assert b.has(r"spawn: t_spawner \(id 1\) killed t_sleeper \(id 3\)$"), b
    assert b.has(r"spawn: t_sleeper \(id \d+\) ends with its spawner "
                 r"t_nester$"), b
    assert b.has(r"summary: t_spawner +id 1 exited, status 0"), b


def test_domain_without_spawn_key_has_no_spawn_capability(tmp_path):
    text = SPAWNER_CONF.replace("spawn  = /libos/\n", "")
    b = run(tmp_path, text)
    assert results(b).get("spawn_capability_granted", "").startswith(
        "FAIL slot -5"), b


def test_spawn_grant_of_one_image_refuses_others(tmp_path):
    text = SPAWNER_CONF.replace("spawn  = /libos/\n",
                                "spawn  = /libos/other.elf\n")
    b = run(tmp_path, text)
    got = results(b)
    assert got["spawn_missing_image"].startswith("FAIL got -6"), b
    assert got["spawn_child"].startswith("FAIL got -6"), b


def soak(tmp_path, cycles, timeout):
    text = ("[domain t_soak]\nimage = /libos/tests.elf\nmemory = 2M\n"
            "slots = 64\nspawn = /libos/tests.elf\nargs = %d\n" % cycles)
    # loglevel=5: the spawn and kill lines (info) stay out of the console,
    # and so does the power-off line; the summary (notice) is the end.
    b = run(tmp_path, text, timeout=timeout, append="loglevel=5",
            files={"/libos/tests.elf": TESTS_ELF},
            end=r"summary: t_soak +id 1 exited, status 0")
    assert_all_pass(b, ["soak_counts_back"])
    assert b.has(r"SOAK %d cycles in \d+ ticks$" % cycles), b
    return b


def test_spawn_kill_soak_gives_everything_back(tmp_path):
    cycles = int(os.environ.get("RIVET_SOAK_CYCLES", "100000"))
    b = soak(tmp_path, cycles, timeout=max(120, cycles // 250))
    print("\n" + b.find(r"SOAK \d+ cycles in \d+ ticks$").group(0))


def test_shell_run_and_kill(tmp_path):
    """The default configuration lets the shell spawn: run starts an
    image, kill ends only what the shell started, and the shell's children
    end with it."""
    from test_shell import ICOUNT as SHELL_ICOUNT, at_prompt
    from rivetqemu import FW_JUMP, make_initramfs, qemu_interactive
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    conf = open(os.path.join(root, "initramfs", "etc", "rivet.conf")).read()
    files = {"/libos/%s.elf" % a: build_path("libos/%s.elf" % a)
             for a in ("console", "hello", "world", "shell")}
    files["/libos/t_sleeper.elf"] = TESTS_ELF  # its name picks the role
    initrd = make_initramfs(tmp_path, conf, files)
    args = ["-M", "virt", "-bios", FW_JUMP, "-kernel",
            build_path("rivet.elf"), "-initrd", initrd, "-smp", "1",
            "-m", "256M"] + SHELL_ICOUNT
    steps = [
        (at_prompt(1), b"run t_sleeper\r"),
        (at_prompt(2), b"run hello\r"),
        (r"domain hello \(id 6\) exited with status 0$", b"kill 5\r"),
        (r"killed domain 5$", b"kill 5\r"),
        (r"domain 5 was not started by this shell$", b"kill 1\r"),
        (r"domain 1 was not started by this shell$", b"run nothere\r"),
        (r"no such image", b"run t_sleeper 8K\r"),
        (r"not enough frames", b"run t_sleeper\r"),
        (lambda out: out.count("started /libos/t_sleeper.elf as") >= 2,
         b"exit\r"),
    ]
    b = qemu_interactive(args, steps, timeout=90)
    assert b.has(r"launch: domain shell: may spawn /libos/, slot 1$"), b
    assert b.has(r"started /libos/t_sleeper.elf as domain 5 \(2048 KiB\)$"), b
    assert b.has(r"started /libos/hello.elf as domain 6 \(2048 KiB\)$"), b
    assert b.has(r"spawn: shell \(id 4\) killed t_sleeper \(id 5\)$"), b
    assert b.has(r"run: cannot start /libos/nothere.elf: no such image "
                 r"\(-5\)$"), b
    assert b.has(r"spawn: t_sleeper \(id \d+\) ends with its spawner "
                 r"shell$"), b
    assert b.has(r"domain shell \(id 4\) exited with status 0$"), b
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed|still owned"), b
