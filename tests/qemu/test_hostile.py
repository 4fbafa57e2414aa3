"""A hostile libOS against the kernel (issue 11): each attack that once
faulted the kernel or broke isolation, run as libos/tests roles
(libos/tests/hostile.c). Each test failed on the kernel before its fix."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite

RTC = "device = /soc/rtc@101000"
UART = "device = stdout"


def test_device_registers_are_not_user_memory_for_the_kernel(tmp_path):
    """Item 1: a device mapping passed as a buffer is refused, not copied
    through (a kernel fault on the RTC, device side effects on the UART)."""
    b = run_suite(tmp_path, conf(("t_dev_uaccess", ["memory = 1M", RTC]),
                                 ("t_uart_uaccess", ["memory = 1M", UART])))
    assert_all_pass(b, [
        "hostile_device_maps", "debug_write_from_device_registers_refused",
        "lookup_name_in_device_registers_refused",
        "map_batch_entries_in_device_registers_refused",
        "debug_write_from_ram_into_device_refused",
        "debug_write_from_ram_next_to_device",
        "kernel_survives_device_pointers", "uart_maps_and_owns_the_log",
        "debug_write_from_uart_registers_refused",
        "log_read_into_uart_registers_refused"])


def test_killing_the_log_owner_while_it_waits_for_the_log(tmp_path):
    """Item 2: the deadlock breaker kills the console owner, which waits
    for log text only; the kill message must not wake it mid-teardown."""
    b = run_suite(tmp_path, conf(("t_log_waiter", ["memory = 1M", UART])))
    assert_all_pass(b, ["log_waiter_started"])
    assert b.has(r"console: handed over to domain t_log_waiter")
    assert b.has(r"domain t_log_waiter \(id 1\) killed: waits for events "
                 r"\(mask 0x[0-9a-f]+\) that nothing can send any more")
    assert b.has(r"console: taken back from domain t_log_waiter$")
    assert b.has(r"summary: t_log_waiter +id 1 killed")


def test_killed_log_owner_is_not_run_again_when_a_peer_is_woken(tmp_path):
    """Item 2, with someone left to run: the kill wakes a peer waiting for
    a domain's end, and the scheduler must pick it, not the dying owner
    that the kill message woke."""
    b = run_suite(tmp_path, conf(("t_log_waiter", ["memory = 1M", UART]),
                                 ("t_exit_watcher", ["memory = 1M"])))
    assert_all_pass(b, ["log_waiter_started",
                        "peer_runs_after_the_log_owner_is_killed"])
    assert b.has(r"domain t_log_waiter \(id 1\) killed: waits for events")
    assert b.has(r"summary: t_exit_watcher +id 2 exited, status 0")


def test_log_access_ends_with_the_uart_mapping(tmp_path):
    """Item 3: unmap, delete, revoke (own copy and a peer's grant) and the
    last of two mappings each end log ownership."""
    b = run_suite(tmp_path, conf(
        ("t_log_owner", ["memory = 1M", UART]),
        ("t_log_grantor", ["memory = 1M", UART, "peer = t_log_grantee",
                           "notify = t_log_grantee"]),
        ("t_log_grantee", ["memory = 1M", "peer = t_log_grantor",
                           "accept = t_log_grantor 4",
                           "notify = t_log_grantor"])))
    assert_all_pass(b, [
        "log_owner_while_mapped", "log_access_ends_with_unmap",
        "log_owner_through_a_copy", "log_access_ends_with_delete",
        "log_owner_through_a_second_copy", "log_access_ends_with_revoke",
        "log_owner_with_two_mappings",
        "log_access_lasts_while_one_mapping_is_left",
        "log_access_ends_with_the_last_mapping", "uart_granted_to_peer",
        "grantor_revokes_the_uart", "grantee_owns_the_log_through_the_grant",
        "revoked_grantee_loses_the_log"])
    assert len(b.findall(r"console: taken back from domain t_log_owner$")) \
        == 4, b
    assert b.has(r"console: taken back from domain t_log_grantee$")


A1_CASES = [
    "a1_frame_alloc_after_another_domains_lookup",
    "a1_no_such_call", "a1_wait_empty_mask", "a1_lookup_unmapped_name",
    "a1_lookup_unknown_name", "a1_lookup_empty_name", "a1_kstat_unknown",
    "a1_frame_alloc_zero_pages", "a1_frame_alloc_not_ram",
    "a1_frame_alloc_kernel_frame", "a1_frame_alloc_over_quota",
    "a1_map_batch_too_many", "a1_map_batch_unreadable",
    "a1_map_batch_first_entry_fails", "a1_cap_derive_empty_slot",
    "a1_cap_derive_bad_rights", "a1_cap_derive_bad_dest",
    "a1_cap_revoke_slot_out_of_range", "a1_cap_revoke_empty_slot",
    "a1_cap_info_bad_what", "a1_cap_info_empty_slot",
    "a1_log_read_not_owner", "a1_debug_write_unmapped",
    "a1_yield_cap_empty_slot", "a1_notify_cap_empty_slot",
    "a1_retired_yield", "a1_retired_notify", "a1_upcall_set_unmapped", "a1_map_empty_slot",
    "a1_unmap_empty_slot", "a1_cap_delete_empty_slot",
    "a1_frame_reclaim_self", "a1_irq_bind_empty_slot",
    "a1_irq_ack_empty_slot", "a1_timer_event_kernel_bit", "a1_null_call",
    "a1_directed_yield", "a1_yield_to_self", "a1_cap_info_slot_out_of_range",
    "a1_cap_derive_dest_without_grant_right",
    "a1_map_batch_counts_entries_before_the_failure",
    "a1_cap_derive_space_full", "a1_frame_alloc_no_slot_left",
]


def test_failing_calls_return_a1_zero_not_kernel_stack(tmp_path):
    """Item 5: after another domain's (and our own) domain_lookup of a
    "KEY..." name, every failing path returns a1 = 0."""
    b = run_suite(tmp_path, conf(("t_a1_sprayer", ["memory = 1M",
                                                   "notify = t_a1_check"]),
                                 ("t_a1_check", ["memory = 1M",
                                                 "notify = t_a1_sprayer",
                                                 "notify = t_a1_check"])))
    assert_all_pass(b, A1_CASES)


def test_wx_holds_per_frame_across_mappings_and_domains(tmp_path):
    """Item 6: a frame writable through one mapping cannot be executable
    through another (either order, through a copy, across a grant)."""
    b = run_suite(tmp_path, conf(
        ("t_wx", ["memory = 1M"]),
        ("t_wx_a", ["memory = 1M", "peer = t_wx_b", "accept = t_wx_b 4",
                    "notify = t_wx_b"]),
        ("t_wx_b", ["memory = 1M", "peer = t_wx_a", "accept = t_wx_a 4",
                    "notify = t_wx_a"])))
    assert_all_pass(b, [
        "wx_map_writable", "wx_executable_refused_while_writable",
        "wx_executable_refused_through_a_copy",
        "wx_read_only_beside_writable", "wx_executable_once_not_writable",
        "wx_code_runs", "wx_writable_refused_while_executable",
        "wx_second_executable_mapping",
        "wx_writable_refused_while_one_executable_left",
        "wx_writable_once_not_executable",
        "wx_delete_releases_the_writable_mapping", "wx_grant_rx_copy",
        "wx_grantee_executable_refused_while_holder_writes",
        "wx_grantee_executable_once_holder_unmapped",
        "wx_grantee_runs_the_code",
        "wx_holder_refused_writable_while_grantee_executes",
        "wx_holder_writable_after_grantee_unmaps"])


def test_a_holder_cannot_outrun_a_revoke_by_copying(tmp_path):
    """Review 1: while a revoke runs in pieces, the holder of a granted
    copy derives copies of copies in its own space as fast as it can;
    every derive is refused (E_BUSY) until the revoke ends, which it does,
    with the holder's copy and mapping gone and short kernel entries."""
    text = ("[domain t_race_revoker]\nimage = /libos/tests.elf\n"
            "memory = 16M\nslots = 65536\npeer = t_race_holder\n"
            "notify = t_race_holder\n\n" +
            conf(("t_race_holder", ["memory = 1M", "peer = t_race_revoker",
                                    "accept = t_race_revoker 4",
                                    "notify = t_race_revoker"])))
    b = run_suite(tmp_path, text, timeout=120)
    assert_all_pass(b, [
        "race_grant_to_the_holder", "race_holder_maps_its_copy",
        "race_tree_built", "race_revoke_finishes",
        "race_revoke_kernel_entries_stay_short",
        "race_holder_cannot_copy_while_the_revoke_runs",
        "race_holder_mapping_is_gone", "race_holder_copy_is_gone"])


def test_a_dma_device_is_not_granted_on_or_passed_to_a_child(tmp_path):
    """Review 3: the virtio transport (dma) its line trusts a domain with
    has no grant right: granting it to a peer that accepts grants, or
    passing it to a spawned child, is refused (E_PERM)."""
    b = run_suite(tmp_path, conf(
        ("t_dma_holder", ["memory = 2M", "slots = 64",
                          "device = /soc/virtio_mmio@10008000 dma",
                          "peer = t_dma_peer", "spawn = /libos/",
                          "notify = t_dma_peer"]),
        ("t_dma_peer", ["memory = 1M", "peer = t_dma_holder",
                        "accept = t_dma_holder 4"])))
    assert_all_pass(b, [
        "dma_device_has_no_grant_right", "dma_device_copied_in_own_space",
        "dma_device_grant_to_accepting_peer_refused",
        "dma_device_passed_to_spawned_child_refused"])
    assert not b.has(r"dma_child_started"), b
