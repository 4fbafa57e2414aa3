"""spawn builds its child in restartable pieces (issue 11, part four;
docs/performance.md, "Kernel time per entry"; libos/tests/spawn_build.c):
every entry of a large spawn, and of one refused after counting what it
needs, stays within the bound; a build given up part-way (another call
at the spawn's ecall, the spawner's exit, its kill, its spawn capability
revoked) gives back every frame, the quota and the slots."""
from test_spawn import FILES, assert_all_pass, run


def test_large_spawn_and_a_refused_one_run_in_short_entries(tmp_path):
    b = run(tmp_path, "[domain t_build_bound]\nimage = /libos/tests.elf\n"
            "memory = 32M\nslots = 16500\nspawn = /libos/\n", timeout=120,
            files=FILES)
    assert_all_pass(b, ["build_big_spawn_succeeds",
                        "build_big_spawn_in_short_entries",
                        "build_big_child_runs", "build_big_child_killed",
                        "build_big_gives_back_every_frame",
                        "build_too_small_refused",
                        "build_too_small_in_short_entries",
                        "build_too_small_gives_back_every_frame",
                        "build_too_small_gives_back_the_quota",
                        "build_not_an_elf_refused",
                        "build_no_such_image_refused",
                        "build_refusals_give_back_every_frame"])
    # The count behind E_NOMEM still says what the child needs.
    assert b.has(r"spawn: t_build_bound \(id 1\) could not start t_sleeper: "
                 r"memory = 256 KiB is too small: it needs \d+ KiB \(image "
                 r"\d+ KiB, stack 64 KiB, 16384 capability slots 1280 KiB"), b
    print("\n".join(b.findall(r"(?:KTIME|STRETCH) .*$")))


def test_a_spawn_given_up_at_its_ecall_gives_its_child_back(tmp_path):
    b = run(tmp_path, "[domain t_build_giveup]\nimage = /libos/tests.elf\n"
            "memory = 32M\nslots = 65536\nslice = 1ms\n"
            "spawn = /libos/tests.elf\n", timeout=120)
    assert_all_pass(b, ["giveup_build_entry_set",
                        "giveup_build_stopped_at_a_slice_end",
                        "giveup_build_other_spawn_served",
                        "giveup_build_other_child_runs",
                        "giveup_build_huge_child_never_ran",
                        "giveup_build_gives_back_every_frame"])
    assert b.has(r"spawn: t_build_giveup \(id 1\) gave up starting "
                 r"t_sleeper-huge$"), b


def test_a_spawner_killed_revoked_or_ended_mid_build_leaks_nothing(
        tmp_path):
    b = run(tmp_path, "[domain t_build_parent]\nimage = /libos/tests.elf\n"
            "memory = 48M\nslots = 65536\nspawn = /libos/tests.elf\n"
            "notify = t_build_parent\n", timeout=180)
    assert_all_pass(b, ["killed_mid_build_child_starting",
                        "killed_mid_build_kill_succeeds",
                        "killed_mid_build_in_short_entries",
                        "killed_mid_build_gives_back_every_frame",
                        "killed_mid_build_gives_back_the_quota",
                        "revoked_mid_build_child_starting",
                        "revoked_mid_build_revoke_succeeds",
                        "revoked_mid_build_refused",
                        "revoked_mid_build_gives_back_the_quota",
                        "revoked_mid_build_gives_back_the_slots",
                        "revoked_mid_build_gives_back_every_frame",
                        "exited_mid_build_all_back",
                        "exited_mid_build_gives_back_every_frame",
                        "exited_mid_build_gives_back_the_quota"])
    assert b.has(r"t_build_spawner-k \(id \d+\) gave up starting "
                 r"t_sleeper-k$"), b
    assert b.has(r"t_build_spawner-r \(id \d+\) could not start "
                 r"t_sleeper-r: its spawn capability was taken away$"), b
    assert b.has(r"summary: t_build_exiter +id \d+ exited, status 7"), b
    assert not b.has(r"still owned|FAIL"), b
