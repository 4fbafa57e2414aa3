"""The libOS virtual-memory manager (libos/lib/vm.c) under QEMU, through
the vmdemo app: frames by page colour and as an aligned physical run,
demand paging of a sparse 64 MiB mapping, the manager's API edges, and
revocation by a peer under both policies. Each case is a result line
`TEST vmdemo_<case>: PASS`; roles are picked by domain name."""
import re

from rivetqemu import boot_domains, build_path

VMDEMO_ELF = build_path("libos/vmdemo.elf")
ICOUNT = ["-icount", "shift=0,sleep=off", "-seed", "1"]

# Cases of the vmdemo domain that need no other domain.
SOLO_CASES = [
    "mmap_64m", "mmap_maps_nothing_yet", "demand_64m_sparse_reads_back",
    "demand_64m_sparse", "demand_untouched_page_reads_zero", "munmap_64m",
    "munmap_returns_frames", "munmap_frees_slots", "munmap_region_gone",
    "colour_pager_faults_each_page", "colour_buffer_one_colour",
    "colour_buffer_distinct_frames", "colour_buffer_reads_back",
    "colour_munmap", "dma_run_aligned", "dma_run_covers_every_colour",
    "dma_run_maps", "dma_run_reads_back", "dma_run_by_physical_address",
    "region_misaligned", "region_empty", "region_write_execute",
    "region_write_without_read", "region_bad_policy",
    "region_above_map_top", "region_over_vm_tables", "region_overlap",
    "pager_needs_region_start", "region_table_full", "munmap_misaligned",
    "adopt_outside_regions", "adopt_non_frame_slot",
    "populate_outside_regions", "fault_outside_regions_declined",
    "store_to_read_only_region_declined",
    "fetch_from_no_exec_region_declined",
    "load_from_read_only_region_served", "table_grows",
    "table_finds_every_page", "table_empties", "munmap_splits_region",
    "split_keeps_both_ends", "mmap_reuses_hole_with_guards",
    "mmap_keeps_guard_pages", "syscall_on_untouched_buffer_is_range",
    "populate_faults_in", "syscall_on_populated_buffer",
    "discard_returns_frames", "discarded_page_refaults_zeroed",
    "heap_in_vm_region", "heap_frames_follow_use",
    "heap_reuses_freed_block", "vanished_mapping_refaults_fresh",
]

# Cases that need vmpeer (and vmstrict, vmarena).
PEER_CASES = [
    "peer_grants", "adopt_granted_frames", "adopted_pages_show_peer_data",
    "peer_revokes_two_grants", "revocations_forget_both_pages",
    "revoked_refault_page_is_untouched", "revoked_strict_page_is_marked",
    "revoked_page_refaults_fresh", "munmap_strict_tombstone",
    "peer_grants_many", "adopt_many_grants", "peer_revokes_many",
    "peer_keeps_own_mapping", "ring_overflow_page_refaults_fresh",
    "ring_overflow_forgets_every_page", "strict_adopts_grant",
    "heap_falls_back_to_arena", "heap_arena_is_bounded",
]

VMDEMO = "[domain vmdemo]\nimage = /libos/vmdemo.elf\nmemory = 8M\n" \
         "slots = 2048\n"
PEERS = """
[domain vmpeer]
image = /libos/vmdemo.elf
memory = 1M
peer = vmdemo
peer = vmstrict
notify = vmdemo
notify = vmstrict

[domain vmstrict]
image = /libos/vmdemo.elf
memory = 1M
accept = vmpeer 1
notify = vmpeer

[domain vmarena]
image = /libos/vmdemo.elf
memory = 1M
"""


def boot(tmp_path, config):
    b = boot_domains(tmp_path, config, {"/libos/vmdemo.elf": VMDEMO_ELF},
                     extra=ICOUNT)
    assert b.has(r"rivet: powering off$"), b
    assert not b.has(r"kernel fault|panic|assertion failed"), b
    return b


def assert_cases(b, expected):
    got = dict(re.findall(r"TEST vmdemo_(\w+): (PASS|FAIL.*)$", b.out,
                          re.M))
    missing = [c for c in expected if c not in got]
    failed = {c: r for c, r in got.items() if r != "PASS"}
    assert not missing and not failed, (missing, failed, b.out)


def test_vmdemo_alone_colours_dma_and_demand_paging(tmp_path):
    b = boot(tmp_path, VMDEMO)
    assert_cases(b, SOLO_CASES)
    assert b.has(r"vmdemo: no vmpeer domain: revocation cases skipped$"), b
    assert b.has(r"summary: vmdemo +id 1 exited, status 0,"), b


def test_vmdemo_revocation_refault_strict_and_arena(tmp_path):
    b = boot(tmp_path, VMDEMO + "accept = vmpeer 32\nnotify = vmpeer\n" +
             PEERS)
    assert_cases(b, SOLO_CASES + PEER_CASES)
    assert b.has(r"summary: vmdemo +id 1 exited, status 0,"), b
    assert b.has(r"summary: vmpeer +id 2 exited, status 0,"), b
    assert b.has(r"summary: vmarena +id 4 exited, status 0,"), b
    # A touch of a revoked page in a strict region ends the domain, and
    # says why, before the runtime's unhandled-fault line.
    assert b.has(r"vmstrict: vm: page 0x10202000: its frame was revoked "
                 r"and the region is strict \(-6\)$"), b
    assert b.has(r"vmstrict: unhandled load page fault \(cause 0xd\) .*"
                 r"tval 0x10202000$"), b
    assert b.has(r"summary: vmstrict +id 3 exited, status -13,"), b
    assert not b.has(r"TEST vmdemo_strict_touch_ends_domain"), b
