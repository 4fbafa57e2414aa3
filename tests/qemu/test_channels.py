"""Channels from the boot configuration and notification capabilities
(issue 13, kernel half): the kernel maps one frame capability into both
ends, gives each a notification capability for the other, runs a waiting
peer at once on a handoff notify, and tells an end that its peer ended.
Roles are in libos/tests/channels.c."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CHAN_CONF = conf(
    ("t_chan_a", ["memory = 1M"]),
    ("t_chan_b", ["memory = 1M"]),
    ("t_chan_c", ["memory = 1M"]),
    ("t_chan_d", ["memory = 1M"]),
    ("t_chan_e", ["memory = 1M"]),
    ("t_chan_f", ["memory = 1M"]),
    ("t_chan_g", ["memory = 1M"]),
    ("t_chan_h", ["memory = 1M"]),
    ("t_chan_x", ["memory = 1M"])) + """
[channel t_chan_a t_chan_b]
size = 8K
msg = 64
handoff = t_chan_a

[channel t_chan_c t_chan_d]
size = 4K
direction = c-to-d

[channel t_chan_e t_chan_f]
size = 4K
msg = 8

[channel t_chan_h t_chan_g]
size = 4K
msg = 8
direction = b-to-a
handoff = yes
"""

ENTRY = ["chan_info_has_one_channel", "chan_info_names_the_peer",
         "chan_info_state_up", "chan_info_va", "chan_info_size",
         "chan_info_owner", "chan_info_bit", "chan_frame_slot_is_a_frame",
         "chan_notify_slot_is_a_notification", "chan_frames_mapped_rw"]


def test_configured_channels_and_notification_caps(tmp_path):
    b = run_suite(tmp_path, CHAN_CONF.replace("c-to-d", "a-to-b"))
    assert b.has(r"launch: channel t_chan_a t_chan_b: 8 KiB at "
                 r"0x3800000000 / 0x3800000000, event bits 48 / 48$"), b
    assert_all_pass(b, ENTRY + [
        "notify_cap_slot_past_the_space", "notify_cap_empty_slot",
        "notify_cap_frame_slot", "notify_cap_domain_slot",
        "yield_cap_frame_slot", "notify_cap_bits_outside_the_badge",
        "notify_cap_kernel_bits", "notify_wait_empty_mask",
        "notify_wait_empty_slot",
        "derive_notify_widening_the_badge_is_perm",
        "notify_cap_wakes_the_peer", "no_handoff_without_the_flag",
        "wait_gets_the_channel_bit", "request_seen", "notify_cap_handoff",
        "handoff_ran_the_peer_at_once",
        "yield_cap_to_a_waiting_peer_is_busy", "derive_notify_copy",
        "notify_through_a_copy", "copy_has_no_handoff",
        "copy_signal_arrived", "revoke_notify_original",
        "notify_after_revoke_is_noent", "yield_cap_after_revoke_is_noent",
        "notify_cap_exit_command", "peer_death_event", "peer_death_state",
        "notify_cap_dead_peer_is_noent", "yield_cap_dead_peer_is_noent",
        "owner_frames_outlive_the_peer", "both_ends_map_the_same_frames",
        "waiting_end_woken_by_peer_death",
        "peer_death_state_at_the_waiter", "owner_death_unmaps_the_frames",
        "owner_death_revokes_the_copy",
        "frame_slot_empty_after_owner_death",
        "notify_cap_after_owner_death_is_noent",
        "stranger_has_no_channel", "stranger_has_nothing_mapped",
        "stranger_cannot_notify_through_any_slot",
        "stranger_cannot_yield_cap", "chan_hooks_rivet_conf",
        "chan_hooks_rivet_conf_no_such_channel", "hostile_notify",
        "scribbled_head_is_refused", "scribbled_ring_stays_corrupt",
        "hostile_yield_cap", "receive_when_the_peer_dies_is_noent",
        "survivor_state_peer_dead", "survivor_keeps_its_frames",
        "backpressure_producer_done", "backpressure_ring_was_full",
        "backpressure_no_loss_in_order"])
    assert not b.has(r"frames still owned after teardown"), b


def test_channel_that_cannot_be_set_up_costs_nothing(tmp_path):
    """Two slots each: the frames and B's copy fit, A's notification
    capability does not. The kernel takes back everything it made: no
    frame, slot or mapping is left, and neither end is told of a
    revocation; both see RIVET_CHAN_FAILED."""
    text = conf(("t_chan_y", ["memory = 1M", "slots = 2"]),
                ("t_chan_z", ["memory = 1M", "slots = 2"])) + """
[channel t_chan_y t_chan_z]
size = 8K
"""
    b = run_suite(tmp_path, text)
    assert b.has(r"launch: channel t_chan_y t_chan_z \(line \d+\): error -2 "
                 r"\(quota or slots of an end\); not set up$"), b
    assert_all_pass(b, ["failed_channel_state",
                        "failed_channel_names_the_peer",
                        "failed_channel_nothing_mapped",
                        "failed_channel_only_own_slot",
                        "failed_channel_no_revocation_told"])
    y = b.find(r"t_chan_y: frames (\d+)$").group(1)
    z = b.find(r"t_chan_z: frames (\d+)$").group(1)
    assert y == z, b


def test_bad_channel_key_names_file_line_and_key(tmp_path):
    """A bad [channel] value is a file error naming the line and key; no
    domain starts."""
    b = run_suite(tmp_path, CHAN_CONF)
    line = CHAN_CONF.split("\n").index("direction = c-to-d") + 1
    assert b.has(r"/etc/rivet.conf:%d: bad direction 'c-to-d' in "
                 r"\[channel t_chan_c t_chan_d\]; expected both, a-to-b "
                 r"or b-to-a" % line), b
