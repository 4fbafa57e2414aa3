"""Booting on trees the public corpus does not have: QEMU virt's own tree
edited the way firmware and vendor trees differ (RAM split over ranges
and nodes, a disabled memory node over nothing, no-map reservations
with several entries, a dynamic pool, stdout-path through /aliases with
options, two cpu nodes for one hart), and QEMU's AIA machines, which
have no PLIC at all. Each boot must end by itself, on the right RAM,
harts and console. test_dt10_trees.py reads more variants on the host.
"""
import subprocess

from rivetqemu import boot_kernel, dump_dtb


def edited_virt(tmp_path, name, edit, smp=1, mem="256M"):
    """QEMU virt's tree (before OpenSBI), edited as dts text."""
    raw = dump_dtb(str(tmp_path / "virt.dtb"), "virt", smp=smp, mem=mem)
    src = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", raw],
                         capture_output=True, text=True, check=True).stdout
    src = edit(src)
    dts = tmp_path / (name + ".dts")
    dts.write_text(src)
    dtb = str(tmp_path / (name + ".dtb"))
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb,
                    str(dts)], check=True)
    return dtb


def replace_once(src, old, new):
    assert src.count(old) == 1, old
    return src.replace(old, new)


def before_last_brace(src, text):
    i = src.rindex("};")
    return src[:i] + text + src[i:]


def split_ram_and_reserve(src):
    src = replace_once(src, "reg = <0x00 0x80000000 0x00 0x10000000>;",
                       "reg = <0x00 0x80000000 0x00 0x8000000 "
                       "0x00 0x88000000 0x00 0x8000000>;")
    src = replace_once(src, 'stdout-path = "/soc/serial@10000000";',
                       'stdout-path = "serial0:115200n8";')
    return before_last_brace(src, """
	memory@100000000 {
		device_type = "memory";
		status = "disabled";
		reg = <0x01 0x00 0x01 0x00>;
	};
	reserved-memory {
		#address-cells = <0x02>;
		#size-cells = <0x02>;
		ranges;
		hole@8c000000 {
			reg = <0x00 0x8c000000 0x00 0x100000>,
			      <0x00 0x8e000000 0x00 0x100000>;
			no-map;
		};
		pool {
			compatible = "shared-dma-pool";
			reusable;
			size = <0x00 0x400000>;
			alloc-ranges = <0x00 0x88000000 0x00 0x8000000>;
		};
	};
	aliases {
		serial0 = "/soc/serial@10000000";
	};
""")


def test_ram_in_two_ranges_no_map_holes_and_an_aliased_console(tmp_path):
    dtb = edited_virt(tmp_path, "split", split_ram_and_reserve)
    b = boot_kernel("virt", mem="256M", extra=("-dtb", dtb))
    assert b.has(r"mem: ram +0x0000000080000000-0x0000000087ffffff +128 MiB")
    assert b.has(r"mem: ram +0x0000000088000000-0x000000008fffffff +128 MiB")
    assert b.has(r"mem: total RAM 256 MiB$")
    # The disabled node names RAM that does not exist: never used.
    assert not b.has(r"0x0000000100000000"), b.out
    for lo, hi in (("8c000000", "8c0fffff"), ("8e000000", "8e0fffff")):
        assert b.has(r"mem: reserved +0x00000000%s-0x00000000%s +1 MiB "
                     r"hole@8c000000 \(no-map\)$" % (lo, hi)), b.out
    # A pool without reg is the allocator's to place: not a fixed range.
    assert not b.has(r"reserved .* pool"), b.out
    # serial0:115200n8 through /aliases: the UART, not the SBI console.
    assert b.has(r"console: ready on stdout \(ns16550a at 0x10000000"), b.out
    assert b.has(r"rivet: powering off$"), b.out


def ram_seam_under_the_initrd(src):
    """RAM as two memory nodes that meet at 0x88300000, inside the
    initramfs QEMU loads at 0x88200000 (as firmware splits RAM at 4 GiB
    or per bank)."""
    src = replace_once(src, "reg = <0x00 0x80000000 0x00 0x10000000>;",
                       "reg = <0x00 0x80000000 0x00 0x8300000>;")
    return before_last_brace(src, """
	memory@88300000 {
		device_type = "memory";
		reg = <0x00 0x88300000 0x00 0x7d00000>;
	};
""")


def test_boot_inputs_may_lie_across_adjacent_ram_ranges(tmp_path):
    dtb = edited_virt(tmp_path, "seam", ram_seam_under_the_initrd)
    b = boot_kernel("virt", mem="256M", extra=("-dtb", dtb))
    initrd = b.find(r"mem: initrd +0x0*([0-9a-f]+)-0x0*([0-9a-f]+) ")
    assert int(initrd.group(1), 16) < 0x88300000 < int(initrd.group(2), 16)
    assert not b.has(r"outside RAM|not inside RAM"), b.out
    assert b.has(r"initramfs: 0x88200000-"), b.out
    assert b.has(r"rivet: powering off$"), b.out


def uart_with_reg_offset(src):
    """The UART's reg starts 0x100 below its registers and reg-offset
    says so (the 8250 binding; Andes AE350 has such UARTs)."""
    return replace_once(src, "reg = <0x00 0x10000000 0x00 0x100>;",
                        "reg = <0x00 0xfffff00 0x00 0x200>;\n"
                        "\t\t\treg-offset = <0x100>;")


def test_uart_reg_offset_is_honoured(tmp_path):
    """OpenSBI prints through it; so must the kernel and the console
    domain (before: a store access fault at 0xfffff00)."""
    dtb = edited_virt(tmp_path, "regoff", uart_with_reg_offset)
    b = boot_kernel("virt", mem="256M", extra=("-dtb", dtb))
    assert b.has(r"console: ns16550a at 0x10000000 \(/soc/serial@10000000\)"
                 r", driver 8250"), b.out
    assert b.has(r"console: ready on stdout \(ns16550a at 0x10000000"), b.out
    assert not b.has(r"kernel fault"), b.out
    assert b.has(r"rivet: powering off$"), b.out


def no_stdout_path(src):
    return replace_once(src, 'stdout-path = "/soc/serial@10000000";', "")


def test_no_stdout_path_takes_the_first_uart(tmp_path):
    """As OpenSBI does: its banner and the kernel's log on one UART, and
    the console domain's `device = stdout` is that UART (before: the
    SBI console, the console domain without a device, and its channel
    peers killed when it gave up)."""
    dtb = edited_virt(tmp_path, "nostdout", no_stdout_path)
    b = boot_kernel("virt", mem="256M", extra=("-dtb", dtb))
    assert b.has(r"console: the tree has no stdout-path: its first UART, "
                 r"as OpenSBI picks it$"), b.out
    assert b.has(r"console: ready on stdout \(ns16550a at 0x10000000"), b.out
    assert b.has(r"hello: exiting with status 0$"), b.out
    assert not b.has(r"killed"), b.out
    assert b.has(r"rivet: powering off$"), b.out


def duplicate_cpu_node(src):
    i = src.index("cpu-map")
    return src[:i] + """cpu@2 {
			device_type = "cpu";
			reg = <0x01>;
			status = "okay";
			compatible = "riscv";
			riscv,isa = "rv64imac";
			mmu-type = "riscv,sv48";
		};

		""" + src[i:]


def test_a_second_node_for_one_hart_is_skipped(tmp_path):
    dtb = edited_virt(tmp_path, "dup", duplicate_cpu_node, smp=2)
    b = boot_kernel("virt", smp=2, mem="256M", extra=("-dtb", dtb))
    assert b.has(r"cpu: hart 1: skipped: duplicate hart id$"), b.out
    assert b.has(r"cpu: 2 harts online: (0 1|1 0)$"), b.out
    assert b.has(r"rivet: powering off$"), b.out


def many_cpu_nodes_first(src):
    """64 disabled cpu nodes (harts 100..163) before QEMU's own: the harts
    that exist come past the reader's limit of 64."""
    fake = "".join("""cpu@%x {
			device_type = "cpu";
			reg = <0x%x>;
			status = "disabled";
			mmu-type = "riscv,sv39";
		};

		""" % (h, h) for h in range(100, 164))
    i = src.index("cpu@0 {")
    return src[:i] + fake + src[i:]


def test_the_boot_hart_is_kept_past_the_readers_limit(tmp_path):
    """More cpu nodes than MACHINE_MAX_HARTS, the boot hart's among the
    last: the kernel still finds the hart it runs on (it takes the last
    described entry) and names the nodes it leaves out."""
    dtb = edited_virt(tmp_path, "many", many_cpu_nodes_first, smp=2)
    b = boot_kernel("virt", smp=2, mem="256M", extra=("-dtb", dtb))
    # Tree order: fakes 100..163, cpu@0, cpu@1. The boot hart's node
    # takes hart 163's entry; the other real hart is dropped too.
    other = "1" if b.has(r"booted on hart 0$") else "0"
    assert b.has(r"cpu: 2 cpu nodes past the 64 the kernel reads, hart 163 "
                 r"to hart %s in tree order: not used$" % other), b.out
    assert b.has(r"cpu: 1 harts usable, 63 skipped, booted on hart [01]$"), \
        b.out
    assert b.has(r"rivet: powering off$"), b.out


def test_aia_machines_boot_without_a_plic():
    """APLIC + IMSIC, and APLIC alone: no PLIC Rivet drives. The kernel
    says so, keeps the timer and IPIs (SBI, Sstc) and finishes."""
    for aia in ("aplic-imsic", "aplic"):
        b = boot_kernel("virt,aia=" + aia, smp=2)
        assert b.has(r"plic: none found \(the tree has riscv,(aplic|imsics)"
                     r": RISC-V AIA, not supported\); external interrupts "
                     r"unavailable$"), b.out
        assert b.has(r"cpu: 2 harts online: (0 1|1 0)$"), b.out
        assert b.has(r"rivet: powering off$"), b.out
