"""A hostile libOS against the last-level table the one-step
frame_alloc_map keeps (d->step_leaf) and the one-step cap_delete that
writes through it, and against the slot fields both steps leave alone
(libos/tests/red10_step.c; docs/isolation.md, "red10"): leaf index
aliases in another 2 MiB and another 1 GiB, vaddrs with high bits that a
truncated key would take for the kept range, megapages beside the kept
range and a 2 MiB original over its emptied table, protected and
execute-only step pages deleted, badged domain and frame copies' slots
refilled by both frame_alloc_map paths. A sibling with step pages of its
own runs throughout. On one hart (the direct entries), on two and on
four (the C dispatch under the lock, remote fences by the hart mask)."""
import re

from rivetqemu import boot_kernel, build_path, make_initramfs
from test_caps import conf
from test_domains import assert_all_pass, run_suite

CASES = [
    "red10_alias_2m_mapped", "red10_alias_2m_deleted", "red10_alias_2m_gone",
    "red10_alias_2m_step_page_kept",
    "red10_alias_1g_mapped", "red10_alias_1g_deleted", "red10_alias_1g_gone",
    "red10_alias_1g_step_page_kept", "red10_alias_a_by_step",
    "red10_alias_range_by_step", "red10_alias_back_by_step",
    "red10_alias_step_deleted_kept_a", "red10_alias_a_deleted",
    "red10_alias_a_one_step", "red10_alias_a_gone", "red10_alias_frames_back",
    "red10_va_past_user_half", "red10_va_key_wrap_2_53", "red10_va_bit_63",
    "red10_va_kernel_alias", "red10_va_map_top",
    "red10_high_bits_left_nothing",
    "red10_protected_by_step", "red10_xonly_by_step", "red10_protect_none", "red10_protected_deleted",
    "red10_protected_one_step", "red10_protected_gone",
    "red10_protected_back_refused", "red10_xonly_protect_refused",
    "red10_xonly_deleted", "red10_xonly_not_in_view",
    "red10_protected_frames_back",
    "red10_mega_mapped", "red10_mega_alloc_map_refused",
    "red10_mega_step_beside", "red10_mega_unmapped", "red10_mega_gone",
    "red10_mega_over_table_mapped", "red10_mega_over_table_data",
    "red10_mega_over_table_alloc_map_refused",
    "red10_mega_over_table_deleted", "red10_mega_over_table_gone",
    "red10_mega_step_again_by_step", "red10_mega_step_again_zeroed", "red10_mega_step_again_one_step",
    "red10_mega_frames_back",
    "red10_domain_copy_badged", "red10_domain_slot_step_same",
    "red10_domain_slot_step_plain", "red10_domain_slot_step_no_powers",
    "red10_domain_slot_general_same", "red10_domain_slot_general_plain",
    "red10_domain_slot_general_no_powers", "red10_domain_slot_general_way",
    "red10_frame_copy_badged", "red10_frame_copy_mapped",
    "red10_frame_slot_step_same", "red10_frame_slot_step_plain",
    "red10_frame_slot_step_no_powers", "red10_frame_copy_mapping_gone",
    "red10_frame_orig_deleted", "red10_frame_orig_one_step",
    "red10_slot_reuse_frames_back",
    "red10_kinds_configured", "red10_device_mapped", "red10_irq_bound",
    "red10_device_slot_same", "red10_device_slot_plain",
    "red10_device_mapping_gone", "red10_device_slot_is_new_frame",
    "red10_irq_slot_same", "red10_irq_slot_plain", "red10_irq_slot_no_powers",
    "red10_notify_slot_same", "red10_notify_slot_plain",
    "red10_notify_slot_no_powers",
    "red10_spawn_slot_same", "red10_spawn_slot_plain",
    "red10_mapstep_second_mapping", "red10_mapstep_second_by_step",
    "red10_mapstep_two_deleted", "red10_mapstep_two_general_way",
    "red10_mapstep_wx_rw_then_rx", "red10_mapstep_wx_x_then_rw",
    "red10_mapstep_wx_nothing_mapped", "red10_mapstep_alias_mapped",
    "red10_mapstep_alias_by_step", "red10_mapstep_alias_copy_deleted",
    "red10_mapstep_alias_gone_a_kept", "red10_mapstep_frames_back",
    "red10_sibling_saw_attacker_end", "red10_sibling_pages_intact",
    "red10_sibling_deletes"]
DIFF_CASES = ["red10_diff_rights_%d" % r for r in range(16)] + [
    "red10_diff_rights_bit_32", "red10_diff_rights_minus_one",
    "red10_diff_unaligned", "red10_diff_unaligned_2048",
    "red10_diff_last_page", "red10_diff_last_page_x", "red10_diff_map_top",
    "red10_diff_high_alias", "red10_diff_taken", "red10_diff_left_nothing"]

ROLES = [("t_red10_step", ["memory = 8M", "device = /soc/rtc@101000",
                           "notify = t_red10_sibling 5",
                           "spawn = /libos/tests.elf"]),
         ("t_red10_sibling", ["memory = 1M"]),
         ("t_red10_diff", ["memory = 1M"])]


def check(b):
    assert_all_pass(b, CASES + DIFF_CASES)
    assert not b.has(r"TEST red10_\w+: FAIL"), b
    for role in ("t_red10_step", "t_red10_sibling"):
        assert b.has(r"summary: %s +id \d+ exited, status 0" % role), b


def test_step_leaf_and_slots_against_a_hostile_libos(tmp_path):
    check(run_suite(tmp_path, conf(*ROLES), timeout=120))


def smp(tmp_path, harts):
    initrd = make_initramfs(tmp_path, conf(*ROLES),
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=harts, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=180)
    assert b.has(r"cpu: %d harts online" % harts), b
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    check(b)


def test_step_leaf_and_slots_on_two_harts(tmp_path):
    smp(tmp_path, 2)


def test_step_leaf_and_slots_on_four_harts(tmp_path):
    smp(tmp_path, 4)


STRAY_CASES = [
    "red10_stray_deleted", "red10_stray_one_step", "red10_stray_fenced_once",
    "red10_stray_gone", "red10_stray_second_deleted",
    "red10_stray_second_no_fence"]


def test_one_step_delete_fences_every_hart_of_the_mask(tmp_path):
    """rivet.test=hart-stray-bit on three harts: the space of
    t_red10_stray (hart 0) also names hart 2. Its first one-step delete
    fences hart 2 (one call, one hart) and takes it out of the mask; the
    next fences nobody else."""
    text = conf(("t_red10_stray", ["memory = 1M", "hart = 0"]))
    initrd = make_initramfs(tmp_path, text,
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=3, mem="256M", initrd=False,
                    append="rivet.test=hart-stray-bit",
                    extra=["-initrd", initrd], timeout=120)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert_all_pass(b, STRAY_CASES)


LEAF_ROLES = [("t_red10_leaf_loop", ["memory = 1M"]),
              ("t_red10_leaf_gp", ["memory = 1M"]),
              ("t_red10_sibling", ["memory = 1M"]),
              ("t_red10_step", ["memory = 8M", "device = /soc/rtc@101000",
                                "notify = t_red10_sibling 5",
                                "spawn = /libos/tests.elf"])]

LEAF_CASES = ["red10_leaf_resumes_in_kernel_half",
              "red10_leaf_resumes_non_canonical", "red10_leaf_loop_goes_on",
              "red10_sibling_pages_intact"]


def leaf_check(b):
    assert_all_pass(b, LEAF_CASES)
    assert b.has(r"red10: gp smasher registered"), b
    assert not b.has(r"red10: gp smasher survived"), b
    assert b.has(r"domain t_red10_leaf_gp \(id \d+\) killed: .*inside its "
                 r"own exception handler"), b
    assert b.has(r"summary: t_red10_leaf_loop +id \d+ exited, status 0"), b
    assert b.has(r"summary: t_red10_sibling +id \d+ exited, status 0"), b


def test_hostile_leaves_hurt_only_their_domain(tmp_path):
    """Exception leaves (rivet_exc_register_leaf) that resume at kernel
    and non-canonical addresses 999 times each, and one that returns with
    gp in the kernel's half: the first domain goes on, the second is
    killed inside its own handler, the sibling and the attacker beside
    them run to their ends."""
    leaf_check(run_suite(tmp_path, conf(*LEAF_ROLES), timeout=120))


def test_hostile_leaves_on_two_harts(tmp_path):
    initrd = make_initramfs(tmp_path, conf(*LEAF_ROLES),
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=180)
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    leaf_check(b)


SPAWN_CONF = conf(("t_red10_spawner", ["memory = 4M", "slots = 512",
                                       "spawn = /libos/tests.elf"]),
                  ("t_red10_sibling", ["memory = 1M",
                                       "args = t_red10_spawner"]))


def spawn_check(b):
    assert b.has(r"TEST red10_spawner_kids_ended: PASS$"), b
    assert b.has(r"TEST red10_spawner_pages_intact: PASS$"), b
    assert len(b.findall(r"TEST red10_kid_pages: PASS$")) == 6, b
    assert len(b.findall(r"TEST red10_kid_steps: PASS$")) == 6, b
    assert not b.has(r"TEST red10_\w+: FAIL"), b
    assert not b.has(r"TEST child_quota: FAIL"), b
    assert b.has(r"TEST red10_sibling_pages_intact: PASS$"), b
    assert b.has(r"TEST red10_sibling_saw_attacker_end: PASS$"), b


def test_kept_table_across_a_domains_end(tmp_path):
    """Six kids one after another warm the step in one range and end with
    pages mapped (their tables freed with the kept pointer naming one);
    the spawner takes pages meanwhile: no kid gets a page not zeroed, no
    spawner page changes."""
    spawn_check(run_suite(tmp_path, SPAWN_CONF, timeout=120))


def test_kept_table_across_a_domains_end_on_two_harts(tmp_path):
    initrd = make_initramfs(tmp_path, SPAWN_CONF,
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=180)
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    spawn_check(b)


STORM_CASES = ["red10_storm_ring_setup", "red10_storm_model_held", "red10_storm_took_the_steps",
               "red10_storm_left_nothing", "red10_sibling_pages_intact",
               "red10_sibling_saw_attacker_end"]


def storm_conf(seed):
    return conf(("t_red10_storm", ["memory = 2M", "args = %d" % seed]),
                ("t_red10_sibling", ["memory = 1M", "args = t_red10_storm"]))


def test_random_storm_against_a_model(tmp_path):
    """3,000 random calls over 48 pages in three ranges sharing leaf
    indices, each answer and each page checked against a model, with two
    seeds; the steps taken often (more than 20 step frame_alloc_maps, 100
    one-step deletes)."""
    for seed in (1, 2):
        sub = tmp_path / str(seed)
        sub.mkdir()
        b = run_suite(sub, storm_conf(seed), timeout=120)
        assert_all_pass(b, STORM_CASES)
        assert b.has(r"red10: storm: \d+ step alloc_maps"), b


def test_random_storm_on_two_harts(tmp_path):
    initrd = make_initramfs(tmp_path, storm_conf(3),
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("virt", smp=2, mem="256M", initrd=False,
                    extra=["-initrd", initrd], timeout=180)
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    assert_all_pass(b, ["red10_storm_model_held", "red10_storm_left_nothing",
                        "red10_sibling_pages_intact"])
