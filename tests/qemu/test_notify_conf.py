"""`notify = NAME [BITS]` (issue 13): the configuration gives a domain a
badged notification capability for another without a channel, and a
domain without one cannot signal or yield to it. Roles in
libos/tests/notify_conf.c."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

NCONF = conf(
    ("t_nconf_a", ["memory = 1M", "notify = t_nconf_b 4-7",
                   "notify = t_nconf_a 1"]),
    ("t_nconf_b", ["memory = 1M"]),
    ("t_nconf_x", ["memory = 1M"]))


def test_notify_line_gives_a_badged_capability(tmp_path):
    b = run_suite(tmp_path, NCONF)
    assert_all_pass(b, [
        "nconf_info_lists_both_lines", "nconf_info_names_the_target",
        "nconf_slot_by_name", "nconf_cap_is_a_notification_cap",
        "nconf_cap_badge_is_the_lines_bits",
        "nconf_notify_outside_the_badge_is_perm", "nconf_notify_self",
        "nconf_self_bit_pending", "nconf_yield_by_name",
        "nconf_notify_by_name", "nconf_b_has_no_notify_line",
        "nconf_b_woken_by_a_badge_bit"])
    assert b.findall(r"\] ORDER (\w+)$") == ["b", "x"], b


def test_no_capability_no_signal(tmp_path):
    b = run_suite(tmp_path, NCONF)
    assert_all_pass(b, [
        "nconf_x_has_no_notify_line", "nconf_x_no_slot_for_b",
        "nconf_x_cannot_notify_b", "nconf_x_cannot_yield_to_b"])


def test_notify_target_that_is_not_running_leaves_slot_0(tmp_path):
    text = conf(("t_nconf_x", ["memory = 1M", "notify = t_nconf_gone"]),
                ("t_nconf_gone", ["memory = 1M", "image = /libos/ghost.elf"]))
    b = run_suite(tmp_path, text)
    assert b.has(r"launch: domain t_nconf_x: notify target t_nconf_gone is "
                 r"not running; no capability$"), b
