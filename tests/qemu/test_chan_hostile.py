"""A hostile libOS against configured channels and notification
capabilities (issue 13): only a holder of a channel's notification
capability sets the channel's event bits, and an end cannot stretch the
rights of the capabilities the kernel gave it. Roles are in
libos/tests/chan_hostile.c."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

HOSTILE_CONF = conf(
    ("t_chanh_a", ["memory = 1M"]),
    ("t_chanh_b", ["memory = 1M"]),
    ("t_chanh_x", ["memory = 1M", "notify = t_chanh_a"])) + """
[channel t_chanh_a t_chanh_b]
size = 4K
"""


def test_channel_bits_need_the_capability(tmp_path):
    b = run_suite(tmp_path, HOSTILE_CONF)
    assert_all_pass(b, [
        "chanh_a_channel_up", "chanh_b_channel_up",
        "chanh_peer_notify_beside_the_badge_is_perm",
        "chanh_peer_notify_by_id_is_nosys",
        "chanh_notify_wait_outside_badge_is_perm",
        "chanh_derive_notify_without_w",
        "chanh_notify_through_copy_without_w_is_perm",
        "chanh_yield_through_copy_without_w_is_perm",
        "chanh_frame_copy_rights", "chanh_derive_frame_copy_in_own_space",
        "chanh_frame_copy_of_copy_rights",
        "chanh_frame_copy_map_exec_is_perm",
        "chanh_stranger_notify_channel_bits_are_perm",
        "chanh_stranger_notify_all_channel_bits_is_perm",
        "chanh_stranger_ordinary_bit_still_works",
        "chanh_no_channel_bit_without_the_cap",
        "chanh_no_channel_bit_pending"])


def test_failed_channel_leaves_no_page_tables(tmp_path):
    """A channel that cannot be set up (no slot for fy's notification
    capability) costs its ends nothing: the kernel checks for the
    capabilities before it maps the region, so no page table is built for
    it. fy and fz own as many frames as fw, which has no channel."""
    text = conf(("t_chanh_fy", ["memory = 1M", "slots = 2"]),
                ("t_chanh_fz", ["memory = 1M", "slots = 2"]),
                ("t_chanh_fw", ["memory = 1M", "slots = 2"])) + """
[channel t_chanh_fy t_chanh_fz]
size = 8K
"""
    b = run_suite(tmp_path, text)
    assert b.has(r"launch: channel t_chanh_fy t_chanh_fz \(line \d+\): "
                 r"error -2 \(quota or slots of an end\); not set up$"), b
    frames = [b.find(r"t_chanh_f%s: frames (\d+)$" % e).group(1)
              for e in "yzw"]
    assert frames[0] == frames[2] and frames[1] == frames[2], (frames, b)
