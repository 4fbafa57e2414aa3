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
    ("t_nconf_x", ["memory = 1M"]),
    ("t_nconf_p", ["memory = 1M", "peer = t_nconf_a"])) + """
[channel t_nconf_b t_nconf_p]
size = 4K
"""


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


def test_lookup_answers_only_for_configured_names(tmp_path):
    """domain_lookup answers for the caller itself and the domains its
    section names (peer, notify, a channel), E_NOENT for the rest; the
    registry page still lists every domain (an id carries no
    authority)."""
    b = run_suite(tmp_path, NCONF)
    assert_all_pass(b, [
        "nconf_lookup_self", "nconf_lookup_notify_target",
        "nconf_lookup_unnamed_is_noent",
        "nconf_b_lookup_of_its_notifier_is_noent",
        "nconf_b_lookup_channel_peer", "nconf_x_cannot_look_up_a",
        "nconf_x_cannot_look_up_b", "nconf_x_looks_itself_up",
        "nconf_x_notify_by_id_is_nosys", "nconf_x_yield_by_id_is_nosys",
        "nconf_x_registry_still_lists_a", "nconf_p_lookup_peer",
        "nconf_p_lookup_channel_peer", "nconf_p_lookup_unnamed_is_noent"])


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
