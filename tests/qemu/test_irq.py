"""Interrupt and device capabilities, and timer events, under QEMU virt:
the goldfish RTC's alarm interrupt drives the interrupt cases."""
from test_caps import conf
from test_domains import assert_all_pass, run_suite


def test_irq_capability_events_ack_and_revocation(tmp_path):
    b = run_suite(tmp_path, conf(
        ("t_irq_rtc", ["memory = 1M", "device = /soc/rtc@101000",
                       "peer = t_irq_peer", "notify = t_irq_peer"]),
        ("t_irq_peer", ["memory = 1M", "accept = t_irq_rtc 1"])))
    assert b.has(r"launch: domain t_irq_rtc: device /soc/rtc@101000 "
                 r"\(google,goldfish-rtc\) at 0x101000, slot 2, 1 interrupt")
    assert_all_pass(b, [
        "device_granted_with_irq", "irq_cap_names_plic_source",
        "device_cap_cannot_be_executable", "device_maps_read_write",
        "bind_needs_an_irq_capability", "bind_refuses_kernel_bits",
        "irq_bind", "bind_of_source_bound_elsewhere_is_busy",
        "log_read_needs_the_console", "one_event_per_claim_until_acked",
        "irq_ack", "ack_lets_the_next_claim_through",
        "cleared_device_raises_nothing_more",
        "deleted_irq_cap_stops_events"])


def test_device_grants_refuse_the_plic_and_unknown_nodes(tmp_path):
    b = run_suite(tmp_path, conf(
        ("t_survivor", ["memory = 1M", "device = /soc/plic@c000000",
                        "device = /soc/nothing@0"])))
    assert b.has(r"device /soc/plic@c000000: the interrupt controller is "
                 r"the kernel's")
    assert b.has(r"device /soc/nothing@0: no such enabled node or alias")
    assert_all_pass(b, ["survivor_outlives_killed_peers"])


def test_timer_events_wake_an_idle_machine(tmp_path):
    b = run_suite(tmp_path, conf(("t_timer", ["memory = 1M"])))
    assert_all_pass(b, ["timer_event_refuses_kernel_bits", "timer_event_set",
                        "timer_event_wakes_at_its_time",
                        "cancelled_timer_event_never_fires"])


def test_unacked_irq_does_not_stall_other_domains_interrupts(tmp_path):
    """One domain takes its RTC interrupt and never acks it; the blk
    domain's virtio interrupts still arrive and its I/O completes."""
    import random
    from rivetqemu import boot_domains, build_path
    from test_blk import fnv1a
    data = random.Random(5).randbytes(256 << 10)
    disk = tmp_path / "disk.img"
    disk.write_bytes(data)
    text = ("[domain t_irq_hog]\nimage = /libos/tests.elf\nmemory = 1M\n"
            "device = /soc/rtc@101000\n\n"
            "[domain blk]\nimage = /libos/blk.elf\nmemory = 2M\n"
            "device = /soc/virtio_mmio@10008000 dma\n")
    b = boot_domains(tmp_path, text,
                     {"/libos/tests.elf": build_path("libos/tests.elf"),
                      "/libos/blk.elf": build_path("libos/blk.elf")},
                     extra=["-icount", "shift=0,sleep=off", "-seed", "1",
                            "-drive", "file=%s,if=none,format=raw,id=hd0"
                            % disk, "-device",
                            "virtio-blk-device,drive=hd0"])
    assert_all_pass(b, ["hog_took_one_interrupt"])
    m = b.find(r"blk: checksum 0x([0-9a-f]{8}) over (\d+) bytes$")
    assert int(m.group(1), 16) == fnv1a(data), b
    m = b.find(r"blk: (\d+) requests, (\d+) waited, (\d+) interrupts")
    assert int(m.group(3)) > 0, b
    assert b.has(r"summary: blk +id 2 exited, status 0")


def test_irq_capability_on_sifive_u(tmp_path):
    """The same protocol on sifive_u's PLIC (different context layout),
    with the second UART's transmit interrupt as the source."""
    from rivetqemu import boot_kernel, make_initramfs, build_path
    text = ("[domain t_irq_uart1]\nimage = /libos/tests.elf\n"
            "memory = 1M\ndevice = serial1\n")
    initrd = make_initramfs(tmp_path, text,
                            {"/libos/tests.elf": build_path("libos/tests.elf")})
    b = boot_kernel("sifive_u", smp=2, initrd=False,
                    extra=["-initrd", initrd, "-icount", "shift=0,sleep=off",
                           "-seed", "1"])
    assert b.has(r"plic: using context 2 of hart 1")
    assert_all_pass(b, ["sifive_uart1_irq_is_source_5", "sifive_uart1_maps",
                        "sifive_uart1_irq_bind",
                        "sifive_irq_delivers_an_event",
                        "sifive_irq_masked_until_ack", "sifive_irq_ack",
                        "sifive_quiet_device_raises_nothing"])


def test_rebinding_keeps_an_open_claim(tmp_path):
    b = run_suite(tmp_path, conf(("t_irq_rebind", ["memory = 1M",
                                                   "device = /soc/rtc@101000"])))
    assert_all_pass(b, ["rebind_with_open_claim", "ack_after_rebind",
                        "source_still_works_after_rebind"])


def test_unacked_claim_alone_does_not_keep_the_machine_up(tmp_path):
    """A holder that never acks, waiting for peers that will never come:
    its source cannot fire again, so nothing can wake it and the kernel
    ends it instead of idling forever."""
    b = run_suite(tmp_path, conf(("t_irq_hog", ["memory = 1M",
                                                "device = /soc/rtc@101000"])))
    assert_all_pass(b, ["hog_took_one_interrupt"])
    assert b.has(r"domain t_irq_hog \(id 1\) killed: waits for events")
