"""Valid but unusual device trees, beyond the public board corpus: what
firmware-edited trees, newer SoCs and vendor trees look like. Each tree
is one change to dts/fixtures/edge-base.dtsi (or a tree of its own),
compiled with dtc here, and rivet-dtinfo (the kernel's own reader) must
describe it as the kernel should see it, or refuse it with a message
naming the node. docs/porting.md ("Trees the kernel accepts") lists them.
"""
import os
import subprocess

import pytest

from rivetqemu import BUILD

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "dts/fixtures")
DTINFO = os.path.join(BUILD, "host/rivet-dtinfo")
CHECK_BOARDS = os.path.join(ROOT, "scripts/check-boards")



def source(body):
    """The tree's source: /memreserve/ lines go before any node."""
    lines = body.split("\n")
    resv = [x for x in lines if x.startswith("/memreserve/")]
    rest = [x for x in lines if not x.startswith("/memreserve/")]
    return "/dts-v1/;\n%s\n/include/ \"edge-base.dtsi\"\n%s\n" % (
        "\n".join(resv), "\n".join(rest))

# name: (dts after the include, lines rivet-dtinfo must print, lines it
# must not print)
TREES = {
    # 32-bit cells at the root and on /soc.
    "root-32bit-cells": ("""/ { #address-cells = <1>; #size-cells = <1>;
 /delete-node/ memory@80000000;
 memory@80000000 { device_type = "memory"; reg = <0x80000000 0x8000000>; };
 soc { #address-cells = <1>; #size-cells = <1>;
  interrupt-controller@c000000 { reg = <0xc000000 0x4000000>; };
  serial@10000000 { reg = <0x10000000 0x100>; }; }; };""",
        ["ram: 0x0000000080000000-0x0000000087ffffff 128 MiB",
         "plic: /soc/interrupt-controller@c000000 riscv,plic0 at "
         "0x000000000c000000 size 0x4000000 sources 31",
         "console: /soc/serial@10000000 ns16550a at 0x10000000 size 0x100"],
        []),
    # A 1-cell bus under a 2-cell root, translated by ranges.
    "soc-32bit-ranges": ("""/ { soc { #address-cells = <1>; #size-cells = <1>;
  ranges = <0x0 0x0 0x0 0x80000000>;
  interrupt-controller@c000000 { reg = <0xc000000 0x4000000>; };
  serial@10000000 { reg = <0x10000000 0x100>; }; }; };""",
        ["console: /soc/serial@10000000 ns16550a at 0x10000000 size 0x100"],
        []),
    # RAM above 4 GiB, several nodes, one with two ranges, one disabled.
    "ram-high-many-nodes": ("""/ {
 memory@80000000 { reg = <0x0 0x80000000 0x0 0x80000000>,
                         <0x2 0x0 0x1 0x0>; };
 memory@100000000 { device_type = "memory";
                    reg = <0x1 0x0 0x0 0x40000000>; };
 memory@400000000 { device_type = "memory"; status = "disabled";
                    reg = <0x4 0x0 0x0 0x40000000>; }; };""",
        ["ram: 0x0000000080000000-0x00000000ffffffff 2048 MiB",
         "ram: 0x0000000200000000-0x00000002ffffffff 4096 MiB",
         "ram: 0x0000000100000000-0x000000013fffffff 1024 MiB",
         "ram total: 7168 MiB"],
        ["0x0000000400000000"]),
    # Overlapping RAM ranges are counted once.
    "ram-overlapping": ("""/ {
 memory@84000000 { device_type = "memory";
                   reg = <0x0 0x84000000 0x0 0x8000000>; }; };""",
        ["ram total: 192 MiB"], []),
    # A memory node without a unit address.
    "ram-node-without-unit": ("""/ { /delete-node/ memory@80000000;
 memory { device_type = "memory"; reg = <0x0 0x80000000 0x0 0x8000000>; };
};""", ["ram: 0x0000000080000000-0x0000000087ffffff 128 MiB"], []),
    # /memreserve/, no-map with two reg entries, a dynamic pool, a
    # disabled child, and a 1-cell /reserved-memory.
    "reserved-memory-kinds": ("""/memreserve/ 0x87000000 0x1000;
/ { reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
  fw@80000000 { reg = <0x80000000 0x40000>, <0x80100000 0x1000>; no-map; };
  pool { compatible = "shared-dma-pool"; reusable; size = <0x400000>;
         alloc-ranges = <0x84000000 0x1000000>; };
  off@86000000 { reg = <0x86000000 0x1000>; status = "disabled"; }; }; };""",
        ["reserved: 0x0000000087000000-0x0000000087000fff 4 KiB memreserve",
         "reserved: 0x0000000080000000-0x000000008003ffff 256 KiB "
         "fw@80000000 no-map",
         "reserved: 0x0000000080100000-0x0000000080100fff 4 KiB "
         "fw@80000000 no-map"],
        ["pool", "off@86000000"]),
    # stdout-path forms.
    "stdout-alias-options": ("""/ { aliases { serial0 = &uart0; };
 chosen { stdout-path = "serial0:115200n8"; }; };""",
        ["stdout-path: /soc/serial@10000000",
         "console: /soc/serial@10000000 ns16550a"], []),
    "stdout-path-options": ("""/ { chosen {
 stdout-path = "/soc/serial@10000000:115200n8"; }; };""",
        ["console: /soc/serial@10000000 ns16550a"], []),
    "linux-stdout-path": ("""/ { chosen { /delete-property/ stdout-path;
 linux,stdout-path = "/soc/serial@10000000"; }; };""",
        ["console: /soc/serial@10000000 ns16550a"], []),
    # No stdout-path: the first UART Rivet drives, as OpenSBI picks it.
    "no-stdout-path": ("""/ { chosen { /delete-property/ stdout-path; };
 soc { serial@10000100 { compatible = "vendor,other-uart";
  reg = <0x0 0x10000100 0x0 0x100>; }; }; };""",
        ["stdout-path: /soc/serial@10000000 (none in the tree: the first "
         "UART, as OpenSBI picks it)",
         "console: /soc/serial@10000000 ns16550a"], []),
    "no-chosen": ("""/ { /delete-node/ chosen; };""",
        ["console: /soc/serial@10000000 ns16550a", "initrd: none"], []),
    "no-stdout-no-driver": ("""/ { chosen { /delete-property/ stdout-path; };
 soc { serial@10000000 { compatible = "arm,pl011"; }; }; };""",
        ["stdout-path: (none)", "console: none"], []),
    "stdout-unknown-alias": ("""/ { chosen {
 stdout-path = "serial3:115200n8"; }; };""",
        ["stdout-path: serial3", "console: none"], []),
    "stdout-disabled-uart": ("""/ { soc { serial@10000000 {
 status = "disabled"; }; }; };""", ["console: none"], ["uart: "]),
    # initrd cells: 64-bit pair, 32-bit pair, mixed; start alone.
    "initrd-64bit": ("""/ { chosen {
 linux,initrd-start = /bits/ 64 <0x84000000>;
 linux,initrd-end = /bits/ 64 <0x84100000>; }; };""",
        ["initrd: 0x84000000-0x84100000 (1048576 bytes)"], []),
    "initrd-mixed-cells": ("""/ { chosen {
 linux,initrd-start = <0x84000000>;
 linux,initrd-end = /bits/ 64 <0x84100000>; }; };""",
        ["initrd: 0x84000000-0x84100000 (1048576 bytes)"], []),
    "initrd-start-only": ("""/ { chosen {
 linux,initrd-start = <0x84000000>; }; };""", ["initrd: none"], []),
    # Longer than the 255 characters kept: cut between words, and said.
    "bootargs-long": ("""/ { chosen { bootargs = "loglevel=7 %s"; }; };"""
        % ("rivet.conf=/etc/" + "x" * 300 + ".conf"),
        ["bootargs: loglevel=7 \n", "bootargs cut: longer than 255 "
         "characters, words past them ignored"], ["rivet.conf"]),
    "bootargs-empty": ("""/ { chosen { bootargs = ""; }; };""",
        ["bootargs:", "initrd: none"], []),
    # Harts: a monitor hart 0 without MMU that says okay, hart ids not
    # contiguous, isa-base/isa-extensions only (no riscv,isa), Sv48, a
    # failed hart, a hart without an interrupt-controller child, cpu-map,
    # PLIC contexts hidden by firmware (0xffffffff).
    "harts-sparse-monitor": ("""/ { cpus { timebase-frequency = <4000000>;
 cpu@0 { mmu-type = "riscv,none"; riscv,isa = "rv64imac"; status = "okay"; };
 cpu@4 { device_type = "cpu"; reg = <4>; mmu-type = "riscv,sv48";
  riscv,isa-base = "rv64i";
  riscv,isa-extensions = "i", "m", "a", "c", "zicsr", "sstc";
  c4: interrupt-controller { #interrupt-cells = <1>; interrupt-controller;
   compatible = "riscv,cpu-intc"; }; };
 cpu@7 { device_type = "cpu"; reg = <7>; mmu-type = "riscv,sv39";
  status = "fail";
  c7: interrupt-controller { #interrupt-cells = <1>; interrupt-controller;
   compatible = "riscv,cpu-intc"; }; };
 cpu@9 { device_type = "cpu"; reg = <9>; mmu-type = "riscv,sv39"; };
 cpu-map { cluster0 { core0 { cpu = <&cpu0>; }; }; }; };
 soc { interrupt-controller@c000000 { interrupts-extended =
  <&cpu0_intc 0xffffffff>, <&c4 11>, <&c4 9>, <&c7 11>, <&c7 9>; }; }; };""",
        ["hart 0: skipped (no MMU) rv64imac riscv,none",
         "hart 4: usable rv64imac_zicsr_sstc riscv,sv48 sstc plic-context 2",
         "hart 7: skipped (disabled)",
         "hart 9: usable no-isa riscv,sv39 no-sstc plic-context none",
         "harts usable: 2 of 4", "timebase: 4000000 Hz"], []),
    # Two nodes for one hart: the second is refused.
    "harts-duplicate-id": ("""/ { cpus { cpu@1 { device_type = "cpu";
 reg = <0>; mmu-type = "riscv,sv39"; riscv,isa = "rv64imac"; }; }; };""",
        ["hart 0: usable rv64imafdc_zicsr_sstc",
         "hart 0: skipped (duplicate hart id) rv64imac",
         "harts usable: 1 of 2"], []),
    # cpu nodes without device_type: cpus by their name, as in Linux.
    "cpu-without-device-type": ("""/ { cpus { cpu@0 {
 /delete-property/ device_type; }; l2-cache { cache-level = <2>; }; }; };""",
        ["hart 0: usable rv64imafdc_zicsr_sstc", "harts usable: 1 of 1"], []),
    # A 32-bit hart id far from 0.
    "hart-id-high": ("""/ { cpus { cpu@1 { device_type = "cpu";
 reg = <0xfffffff0>; mmu-type = "riscv,sv39"; }; }; };""",
        ["hart 4294967280: usable"], []),
    "hartid-two-cells": ("""/ { cpus { #address-cells = <2>;
 cpu@0 { reg = <0 0>; }; }; };""", ["hart 0: usable"], []),
    # timebase on the cpu node only, or as two cells.
    "timebase-per-cpu": ("""/ { cpus { /delete-property/ timebase-frequency;
 cpu@0 { timebase-frequency = <24000000>; }; }; };""",
        ["timebase: 24000000 Hz"], []),
    # Only the application harts' nodes carry it, not the monitor's.
    "timebase-not-on-first-cpu": ("""/ { cpus {
 /delete-property/ timebase-frequency;
 cpu@0 { mmu-type = "riscv,none"; };
 cpu@1 { device_type = "cpu"; reg = <1>; mmu-type = "riscv,sv39";
  timebase-frequency = <4000000>; }; }; };""",
        ["timebase: 4000000 Hz", "hart 1: usable"], []),
    "timebase-64bit": ("""/ { cpus {
 timebase-frequency = /bits/ 64 <25000000>; }; };""",
        ["timebase: 25000000 Hz"], []),
    # PLIC variants with two-cell interrupts and the largest ndev.
    "plic-thead-2cells": ("""/ { soc { interrupt-controller@c000000 {
 compatible = "vendor,soc-plic", "thead,c900-plic";
 #interrupt-cells = <2>; riscv,ndev = <1023>; };
 serial@10000000 { interrupts = <10 4>; }; }; };""",
        ["plic: /soc/interrupt-controller@c000000 thead,c900-plic at "
         "0x000000000c000000 size 0x4000000 sources 1023 "
         "edge-lost-while-claimed", " irq 10"], []),
    "plic-andes": ("""/ { soc { interrupt-controller@c000000 {
 compatible = "andestech,nceplic100"; #interrupt-cells = <2>; };
 serial@10000000 { interrupts = <10 4>; }; }; };""",
        ["andestech,nceplic100", "edge-lost-while-claimed"], []),
    "plic-sifive": ("""/ { soc { interrupt-controller@c000000 {
 compatible = "sifive,fu540-c000-plic", "sifive,plic-1.0.0"; }; }; };""",
        ["plic: /soc/interrupt-controller@c000000 sifive,plic-1.0.0"], []),
    # Only M-mode contexts: the hart has no S-mode context.
    "plic-m-mode-only": ("""/ { soc { interrupt-controller@c000000 {
 interrupts-extended = <&cpu0_intc 11>; }; }; };""",
        ["plic-context none"], []),
    # interrupt-parent inherited from /soc, or from the root.
    "irq-parent-from-bus": ("""/ { soc { interrupt-parent = <&plic>;
 serial@10000000 { /delete-property/ interrupt-parent; }; }; };""",
        ["console: /soc/serial@10000000 ns16550a", " irq 10"], []),
    "irq-parent-from-root": ("""/ { interrupt-parent = <&plic>;
 soc { serial@10000000 { /delete-property/ interrupt-parent; }; }; };""",
        [" irq 10"], []),
    "uart-interrupts-extended": ("""/ { soc {
 interrupt-controller@c000000 { #interrupt-cells = <2>; };
 serial@10000000 { /delete-property/ interrupt-parent;
  /delete-property/ interrupts; interrupts-extended = <&plic 33 4>; }; }; };""",
        [" irq 33"], []),
    # UARTs: DesignWare with reg-shift/io-width, clocks instead of
    # clock-frequency, current-speed; a bare sifive,uart0.
    "uart-dw-apb": ("""/ { soc { serial@10000000 {
 compatible = "starfive,jh7110-uart", "snps,dw-apb-uart";
 reg-shift = <2>; reg-io-width = <4>; /delete-property/ clock-frequency;
 clocks = <&plic 0>; current-speed = <115200>; }; }; };""",
        ["console: /soc/serial@10000000 snps,dw-apb-uart at 0x10000000 "
         "size 0x100 driver 8250 reg-shift 2 io-width 4 clock 0 "
         "baud 115200 irq 10"], []),
    # reg-offset: the registers start that far into reg (AE350).
    "uart-reg-offset": ("""/ { soc { serial@10000000 { reg-offset = <0x20>;
 reg-shift = <2>; reg-io-width = <4>; }; }; };""",
        ["console: /soc/serial@10000000 ns16550a at 0x10000020 size 0xe0 "
         "driver 8250 reg-shift 2 io-width 4"], []),
    "uart-sifive-no-clock": ("""/ { soc { serial@10000000 {
 compatible = "sifive,uart0"; /delete-property/ clock-frequency; }; }; };""",
        ["driver sifive reg-shift 0 io-width 1 clock 0"], []),
    # CLINT / ACLINT nodes are the firmware's: Rivet uses SBI for the
    # timer (or Sstc) and IPIs, and these nodes change nothing.
    "aclint-split": ("""/ { soc {
 mswi@2000000 { compatible = "riscv,aclint-mswi";
  reg = <0x0 0x2000000 0x0 0x4000>; interrupts-extended = <&cpu0_intc 3>; };
 mtimer@2004000 { compatible = "riscv,aclint-mtimer";
  reg = <0x0 0x2004000 0x0 0x8000>, <0x0 0x200c000 0x0 0x8>;
  interrupts-extended = <&cpu0_intc 7>; };
 sswi@2f00000 { compatible = "riscv,aclint-sswi";
  reg = <0x0 0x2f00000 0x0 0x4000>; interrupts-extended = <&cpu0_intc 1>; };
 clint@2000000 { compatible = "thead,c900-clint";
  reg = <0x0 0x2000000 0x0 0x10000>; }; }; };""",
        ["hart 0: usable", "plic-context 1", " irq 10"], []),
    # AIA only (APLIC + IMSIC, no PLIC): no external interrupts, the
    # tree is still read; check-boards names the controllers.
    "aia-only": ("""/ { soc { /delete-node/ interrupt-controller@c000000;
 imsic: interrupt-controller@28000000 {
  compatible = "qemu,imsics", "riscv,imsics";
  reg = <0x0 0x28000000 0x0 0x1000>; interrupt-controller;
  #interrupt-cells = <0>; msi-controller;
  interrupts-extended = <&cpu0_intc 9>; riscv,num-ids = <255>; };
 aplic: interrupt-controller@d000000 {
  compatible = "qemu,aplic", "riscv,aplic";
  reg = <0x0 0xd000000 0x0 0x8000>; interrupt-controller;
  #interrupt-cells = <2>; msi-parent = <&imsic>;
  riscv,num-sources = <96>; };
 serial@10000000 { interrupt-parent = <&aplic>;
  interrupts = <10 4>; }; }; };""",
        ["plic: none", "console: /soc/serial@10000000 ns16550a",
         "hart 0: usable", "interrupt controller: riscv,imsics (RISC-V "
         "AIA, not supported: no external interrupts)"], []),
    # No PLIC and no AIA either: nothing named.
    "no-interrupt-controller": ("""/ { soc {
 /delete-node/ interrupt-controller@c000000;
 serial@10000000 { /delete-property/ interrupt-parent; }; }; };""",
        ["plic: none", "console: /soc/serial@10000000"],
        ["interrupt controller:"]),
}

# Refused trees: the message rivet-dtinfo prints (the kernel's).
REFUSED = {
    # device_type is what makes a node RAM, as in the DT spec.
    "memory-without-device-type": (
        """/ { memory@80000000 { /delete-property/ device_type; }; };""",
        "/: no RAM: no memory node with a non-empty reg"),
    "ndev-over-1023": (
        """/ { soc { interrupt-controller@c000000 {
 riscv,ndev = <1024>; }; }; };""",
        "/soc/interrupt-controller@c000000: "),
}


def compile_tree(tmp_path, name, body):
    src = tmp_path / (name + ".dts")
    src.write_text(body)
    dtb = tmp_path / (name + ".dtb")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-i", FIXTURES,
                    "-o", str(dtb), str(src)], check=True)
    return str(dtb)


def dtinfo(dtb):
    return subprocess.run([DTINFO, dtb], capture_output=True, text=True)


@pytest.mark.parametrize("name", sorted(TREES))
def test_unusual_tree_reads_right(tmp_path, name):
    body, want, never = TREES[name]
    r = dtinfo(compile_tree(tmp_path, name, source(body)))
    assert r.returncode == 0, r.stderr
    for w in want:
        assert w in r.stdout, "%s: %r missing\n%s" % (name, w, r.stdout)
    for w in never:
        assert w not in r.stdout, "%s: %r present\n%s" % (name, w, r.stdout)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_unusual_tree_refused_with_the_node(tmp_path, name):
    body, msg = REFUSED[name]
    r = dtinfo(compile_tree(tmp_path, name, source(body)))
    assert r.returncode == 1, r.stdout
    assert msg in r.stderr, r.stderr


def test_long_stdout_path_still_finds_the_console(tmp_path):
    """A stdout-path longer than the 255 characters the machine keeps for
    the log: the console is the UART it names, not none."""
    buses = ["bus%d" % i + "z" * 60 for i in range(4)]
    nest = "".join("%s { #address-cells = <2>; #size-cells = <2>; ranges;\n"
                   % b for b in buses)
    body = source("""/ { chosen { stdout-path = "/soc/%s/serial@10001000:115200"; };
 soc { %s serial@10001000 { compatible = "ns16550a";
    reg = <0x0 0x10001000 0x0 0x100>; interrupt-parent = <&plic>;
    interrupts = <11>; }; %s }; };""" % ("/".join(buses), nest,
                                          "}; " * len(buses)))
    r = dtinfo(compile_tree(tmp_path, "long-stdout", body))
    assert r.returncode == 0, r.stderr
    assert "ns16550a at 0x10001000 size 0x100 driver 8250" in \
        r.stdout.split("console: ", 1)[1].split("\n", 1)[0], r.stdout


def test_deep_nesting_long_names_many_properties(tmp_path):
    """A console 40 levels down (past the old limit of 32, within Linux's
    and the reader's 64), a 200-character node name on the way, 500
    properties on the root and on the UART."""
    names = ["n%d" % i for i in range(40)]
    names[5] = "n5" + "x" * 200
    nest = "".join("%s { #address-cells = <2>; #size-cells = <2>; ranges;\n"
                   % n for n in names)
    props = "".join("prop-%d-%s = <%d>;\n" % (i, "y" * 40, i)
                    for i in range(500))
    body = source("""/ { %s chosen { stdout-path = "/%s/serial@10001000"; };
 %s serial@10001000 { compatible = "ns16550a"; %s
  reg = <0x0 0x10001000 0x0 0x100>; interrupt-parent = <&plic>;
  interrupts = <11>; }; %s };""" % (props, "/".join(names), nest, props,
                                     "}; " * len(names)))
    r = dtinfo(compile_tree(tmp_path, "deep", body))
    assert r.returncode == 0, r.stderr
    assert "ns16550a at 0x10001000 size 0x100 driver 8250" in \
        r.stdout.split("console: ", 1)[1].split("\n", 1)[0], r.stdout


def test_nesting_past_the_limit_is_refused_by_name(tmp_path):
    body = source("/ { %s %s };" % ("".join("n%d {\n" % i for i in range(64)),
                                     "};\n" * 64))
    r = dtinfo(compile_tree(tmp_path, "too-deep", body))
    assert r.returncode == 1, r.stdout
    assert "nodes nested deeper than FDT_MAX_DEPTH" in r.stderr, r.stderr


def test_check_boards_names_what_an_aia_board_lacks(tmp_path):
    dtb = compile_tree(tmp_path, "aia-only", source(TREES["aia-only"][0]))
    r = subprocess.run([CHECK_BOARDS, "--dtinfo", DTINFO, dtb],
                       capture_output=True, text=True, cwd=ROOT)
    assert "aia-only: unsupported: no PLIC Rivet knows " \
        "(riscv,aplic, riscv,imsics)" in " ".join(r.stdout.split()), \
        r.stdout + r.stderr
