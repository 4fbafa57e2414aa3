"""rivet_sleep_us: a timer event and a wait in librivet
(libos/tests/bootinfo.c plays the roles)."""
import re

from rivetqemu import boot_domains, build_path

ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]
CASES = ["sleep_us_waits_at_least_that_long",
         "sleep_us_keeps_other_events_pending",
         "sleep_us_leaves_no_timer_bit", "sleep_us_zero_returns_at_once",
         "sleep_us_zero_takes_no_time", "stale_timer_bit_is_pending",
         "sleep_us_outlasts_a_stale_timer_bit", "sleep_us_again",
         "sleeper_waits_in_the_kernel", "notify_sleeper"]


def test_sleep_us_blocks_for_the_time_asked(tmp_path):
    conf = ("[domain t_sleep]\nimage = /libos/tests.elf\nmemory = 1M\n\n"
            "[domain t_sleep_peer]\nimage = /libos/tests.elf\n"
            "memory = 1M\nnotify = t_sleep\n")
    b = boot_domains(tmp_path, conf,
                     {"/libos/tests.elf": build_path("libos/tests.elf")},
                     extra=ICOUNT)
    got = dict(re.findall(r"TEST (\w+): (PASS|FAIL.*)$", b.out, re.M))
    for case in CASES:
        assert got.get(case) == "PASS", (case, got.get(case), b)
    assert b.has(r"summary: t_sleep +id 1 exited, status 0,"), b
    assert b.has(r"rivet: powering off$"), b
