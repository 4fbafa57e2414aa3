// SPDX-License-Identifier: MIT
/*
 * kmain(): the boot plan, one step per line. Reached from arch/riscv/head.S
 * running at the kernel's high-half address on the early page table.
 */
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/boot/bootargs.h"
#include "kernel/boot/bootlayout.h"
#include "kernel/drivers/console.h"
#include "kernel/boot/cpu.h"
#include "kernel/sched/bkl.h"
#include "kernel/sched/domain.h"
#include "kernel/boot/initramfs.h"
#include "kernel/boot/launch.h"
#include "kernel/lib/string.h"
#include "kernel/boot/machine.h"
#include "kernel/mm/mem.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/test_hooks.h"
#include "kernel/version.h"

static struct machine machine;
static struct initramfs initramfs;

/* How much of the tree the early page table lets us read. */
static size_t fdt_readable(uint64_t dtb_pa)
{
	uint64_t mapped_end =
		((dtb_pa + 64 * 1024) & ~(GIGA_SIZE - 1)) + GIGA_SIZE;
	uint64_t avail = mapped_end - dtb_pa;

	return avail < FDT_MAX_SIZE ? (size_t)avail : FDT_MAX_SIZE;
}

/* What to do about a bad layout; the loader decides it, not the kernel. */
static const char layout_advice[] =
	"boot: stopping: load the kernel, device tree and initramfs apart inside RAM (QEMU: -bios fw_dynamic.bin or -bios default, which place the tree above the initramfs, or more memory; see docs/boot.md)\n";

/* Reads the device tree into machine, or stops with the reason. */
static void discover_machine(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa)
{
	struct fdt_error err = { 0 };
	int rc;

	rc = machine_from_fdt_boot(&machine, phys_to_virt(dtb_pa),
				   fdt_readable(dtb_pa), hartid, &err);
	if (rc && dtb_pa >= load_pa && dtb_pa - load_pa < mem_kernel_size()) {
		/* head.S cleared .bss over it before anyone could read it. */
		pr_emerg(
			"boot: device tree at 0x%llx lies inside the kernel image 0x%llx-0x%llx (.bss included), which was cleared at entry\n",
			(unsigned long long)dtb_pa, (unsigned long long)load_pa,
			(unsigned long long)(load_pa + mem_kernel_size() - 1));
		pr_emerg("%s", layout_advice);
		machine_stop_failure();
	}
	if (rc) {
		pr_emerg("rivet: bad device tree at 0x%llx: %s%s%s (offset "
			 "0x%x, error %d)\n",
			 (unsigned long long)dtb_pa, err.node,
			 err.node[0] ? ": " : "", err.what, err.offset, rc);
		machine_stop_failure();
	}
}

/*
 * Stops with one line per problem if the loaders put the boot inputs on
 * top of each other, on firmware memory or outside RAM: one of them has
 * been overwritten, and parsing it would only give a misleading error.
 */
static void check_boot_layout(uint64_t load_pa, uint64_t dtb_pa)
{
	struct bootlayout_problem p[BOOTLAYOUT_MAX_PROBLEMS];
	const struct boot_input in[] = {
		{ "kernel image", load_pa, mem_kernel_size() },
		{ "device tree", dtb_pa, machine.fdt_size },
		{ "initramfs", machine.initrd_start,
		  machine.has_initrd &&
				  machine.initrd_end > machine.initrd_start
			  ? machine.initrd_end - machine.initrd_start
			  : 0 },
	};
	unsigned i, n;

	n = bootlayout_check(&machine, in, 3, p, BOOTLAYOUT_MAX_PROBLEMS);
	for (i = 0; i < n && i < BOOTLAYOUT_MAX_PROBLEMS; i++) {
		const struct boot_input *a = &p[i].a, *b = &p[i].b;

		if (p[i].kind == BOOTLAYOUT_OUTSIDE_RAM)
			pr_emerg("boot: %s 0x%llx-0x%llx lies outside RAM\n",
				 a->what, (unsigned long long)a->base,
				 (unsigned long long)(a->base + a->size - 1));
		else
			pr_emerg(
				"boot: %s 0x%llx-0x%llx overlaps %s 0x%llx-0x%llx\n",
				a->what, (unsigned long long)a->base,
				(unsigned long long)(a->base + a->size - 1),
				b->what, (unsigned long long)b->base,
				(unsigned long long)(b->base + b->size - 1));
	}
	if (!n)
		return;
	pr_emerg("%s", layout_advice);
	machine_stop_failure();
}

static bool loglevel_valid(const char *value)
{
	unsigned long level;

	return bootargs_parse_uint(value, LOG_EMERG, LOG_DEBUG, &level);
}

static bool test_hook_valid(const char *value)
{
	return test_hooks_run &&
	       (!strcmp(value, "fault") || !strcmp(value, "assert") ||
		!strcmp(value, "mmio-window") ||

		!strcmp(value, "hart-silent") ||
		!strcmp(value, "hart-start-bad") ||
		!strcmp(value, "hart-wrong-door") ||
		!strcmp(value, "hart-stray-bit"));
}

/* Every boot argument the kernel takes; docs/boot.md lists them too. */
static const struct bootarg_key bootarg_keys[] = {
	{ "loglevel", "0..7", loglevel_valid },
	{ "rivet.conf", "/PATH", NULL }, /* launch.c judges the path */
	{ "rivet.test", "fault|assert|mmio-window|hart-*", test_hook_valid },
};

static void apply_bootargs(void)
{
	unsigned long level;

	if (bootargs_get_uint(machine.bootargs, "loglevel", 0, 7, &level))
		printk_set_loglevel((int)level);
}

/*
 * Names the boot arguments that are ignored: Rivet's own that are wrong
 * get a warning with what is accepted; words for the loader or another
 * OS (console=, root=) one informational line, since a board's U-Boot
 * environment adds them to every boot.
 */
static void report_bootargs(void)
{
	static struct bootargs_report r; /* large: keep it off the stack */
	char accepted[BOOTARGS_REPORT_LEN];

	bootargs_check(machine.bootargs, bootarg_keys,
		       sizeof(bootarg_keys) / sizeof(bootarg_keys[0]), &r);
	bootargs_accepted(bootarg_keys,
			  sizeof(bootarg_keys) / sizeof(bootarg_keys[0]),
			  accepted, sizeof(accepted));
	if (r.nbad)
		pr_warn("boot: ignoring bootargs %s: Rivet takes %s\n", r.bad,
			accepted);
	if (r.nforeign)
		pr_info("boot: bootargs not for Rivet, left alone: %s\n",
			r.foreign);
}

/* What the kernel made of the tree, for someone debugging a boot. */
static void debug_machine(uint64_t dtb_pa)
{
	unsigned i;

	pr_debug(
		"dt: tree at 0x%llx, %u bytes: %u memory ranges, %u reserved, %u cpu nodes (%u not described), %u UARTs with a driver (%u dropped), timebase %llu Hz\n",
		(unsigned long long)dtb_pa, machine.fdt_size, machine.nmem,
		machine.nresv, machine.nharts + machine.harts_dropped,
		machine.harts_dropped, machine.nuarts, machine.uarts_dropped,
		(unsigned long long)machine.timebase_hz);
	for (i = 0; i < machine.nresv; i++)
		pr_debug("dt: reserved %s 0x%llx+0x%llx from %s%s\n",
			 machine.resv[i].name,
			 (unsigned long long)machine.resv[i].base,
			 (unsigned long long)machine.resv[i].size,
			 machine.resv[i].kind == RESV_MEMRESERVE
				 ? "the /memreserve/ block"
				 : "/reserved-memory",
			 machine.resv[i].no_map
				 ? ", no-map: left out of the direct map"
				 : "");
	for (i = 0; i < machine.nharts; i++)
		pr_debug(
			"dt: cpu hart %u: %s (mmu-type \"%s\", intc phandle %u, PLIC S-mode context %d)\n",
			machine.harts[i].hartid,
			hart_state_name(machine.harts[i].state),
			machine.harts[i].mmu, machine.harts[i].intc_phandle,
			machine.harts[i].plic_sctx);
	pr_debug("dt: /chosen stdout-path \"%s\": %s%s\n", machine.stdout_path,
		 machine.console >= 0
			 ? "console on "
			 : "no UART with a driver matches; SBI console",
		 machine.console >= 0 ? machine.uarts[machine.console].path
				      : "");
	if (machine.has_initrd)
		pr_debug("dt: /chosen linux,initrd-start 0x%llx, -end 0x%llx\n",
			 (unsigned long long)machine.initrd_start,
			 (unsigned long long)machine.initrd_end);
	else
		pr_debug(
			"dt: /chosen has no linux,initrd-start: no initramfs\n");
}

static void print_banner(uint64_t hartid, uint64_t load_pa, uint64_t dtb_pa)
{
	unsigned major, minor;
	unsigned long impl, impl_ver;

	sbi_version(&major, &minor, &impl, &impl_ver);
	pr_notice("Rivet %s (%s), config %s\n", rivet_version, rivet_git,
		  rivet_config);
	pr_info("boot: %s, hart %llu, image at 0x%llx, device tree at 0x%llx "
		"(%u bytes)\n",
		machine.model, (unsigned long long)hartid,
		(unsigned long long)load_pa, (unsigned long long)dtb_pa,
		machine.fdt_size);
	pr_info("sbi: %s %lu.%lu, SBI spec %u.%u, extensions:%s%s%s%s\n",
		sbi_impl_name(impl), impl_ver >> 16, impl_ver & 0xffff, major,
		minor, sbi_has(SBI_EXT_TIME) ? " TIME" : "",
		sbi_has(SBI_EXT_HSM) ? " HSM" : "",
		sbi_has(SBI_EXT_SRST) ? " SRST" : "",
		sbi_has(SBI_EXT_DBCN) ? " DBCN" : "");
	pr_info("boot: bootargs \"%s\", loglevel %d\n", machine.bootargs,
		printk_loglevel());
	if (machine.bootargs_cut)
		pr_warn("boot: the tree's bootargs are longer than %u characters: words past them are ignored\n",
			(unsigned)sizeof(machine.bootargs) - 1);
}

static void setup_console(void)
{
	const char *why = "";
	const struct uart *u;

	if (console_init(&machine, &why)) {
		pr_warn("console: staying on the SBI console: %s (stdout-path "
			"\"%s\")\n",
			why, machine.stdout_path);
		return;
	}
	u = &machine.uarts[machine.console];
	pr_info("console: %s at 0x%llx (%s), driver %s, %s\n", u->compat,
		(unsigned long long)u->base, u->path, console_name(),
		u->clock_hz && u->baud ? "divisor programmed"
				       : "firmware baud kept");
	if (machine.stdout_guessed)
		pr_info("console: the tree has no stdout-path: its first UART, as OpenSBI picks it\n");
}

static void log_devices(void)
{
	unsigned i;

	for (i = 0; i < machine.nuarts; i++)
		pr_info("devices: uart %s at 0x%llx, %s, irq %u\n",
			machine.uarts[i].path,
			(unsigned long long)machine.uarts[i].base,
			machine.uarts[i].compat, machine.uarts[i].irq);
	if (!machine.plic.present) {
		pr_warn("plic: none found%s%s%s; external interrupts unavailable\n",
			machine.plic.aia[0] ? " (the tree has " : "",
			machine.plic.aia,
			machine.plic.aia[0] ? ": RISC-V AIA, not supported)"
					    : "");
		return;
	}
	pr_info("plic: %s at 0x%llx (%s), %u sources\n", machine.plic.compat,
		(unsigned long long)machine.plic.base, machine.plic.path,
		machine.plic.ndev);
	for (i = 0; i < machine.nharts; i++)
		if (machine.harts[i].state == HART_USABLE)
			pr_info("plic: hart %u S-mode context %d\n",
				machine.harts[i].hartid,
				machine.harts[i].plic_sctx);
}

static const struct hart *boot_hart(uint64_t hartid)
{
	unsigned i;

	for (i = 0; i < machine.nharts; i++)
		if (machine.harts[i].hartid == hartid)
			return &machine.harts[i];
	return 0;
}

/* The PLIC contexts of the other recorded harts: a source bound by a
 * domain placed on one is enabled there (irq_cap.c, plic_route). */
static void setup_plic_harts(void)
{
	unsigned i;
	int rc;

	for (i = 1; i < cpu_count(); i++) {
		rc = plic_init_hart(i, cpu_get(i)->plic_sctx);
		if (rc)
			pr_info("plic: hart %u has no S-mode context of its own (%d): its domains' interrupts are taken by the boot hart\n",
				cpu_get(i)->hartid, rc);
		else
			pr_info("plic: using context %d of hart %u\n",
				cpu_get(i)->plic_sctx, cpu_get(i)->hartid);
	}
}

static void setup_plic(uint64_t hartid)
{
	const struct hart *h = boot_hart(hartid);
	int rc = plic_init(machine.plic.present, machine.plic.base,
			   machine.plic.ndev, h ? h->plic_sctx : -1);

	if (rc) {
		pr_warn("plic: not in use (%s); interrupt capabilities will "
			"not fire\n",
			machine.plic.present ? "no S-mode context for this hart"
					     : "none in the device tree");
		return;
	}
	pr_info("plic: using context %d of hart %llu\n", h->plic_sctx,
		(unsigned long long)hartid);
	setup_plic_harts();
}

static void setup_timer(uint64_t hartid)
{
	const struct hart *h = boot_hart(hartid);

	timer_init(machine.timebase_hz, h && h->has_sstc);
	pr_info("timer: timebase %llu Hz, using %s\n",
		(unsigned long long)machine.timebase_hz, timer_mechanism());
}

/* Arms a 10 ms one-shot and waits for it: proves interrupts work. */
static void timer_selftest(void)
{
	uint64_t start = timer_now(), hz = timer_hz();
	uint64_t deadline = start + hz / 100, limit = start + hz;

	timer_set(deadline);
	/* Wait with SIE off (wfi wakes for the enabled, pending timer all the
	 * same; with SIE on, an interrupt taken between the test and the wfi
	 * would leave it asleep), then take it as a trap: the test is that
	 * the trap path works. */
	while (!(arch_pending() & ARCH_PENDING_TIMER) && timer_now() < limit)
		arch_idle_wait();
	arch_irq_window();
	if (!timer_ticks()) {
		pr_err("timer: no interrupt within 1 s of arming it\n");
		return;
	}
	pr_info("timer: interrupt after %llu us (asked for 10000 us)\n",
		(unsigned long long)((timer_now() - start) * 1000000ULL / hz));
}

void kmain(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa)
{
	int ncpus;
	sched_hart_enter(0); /* this_hart(): the boot hart */
	sbi_init();	     /* firmware calls; SBI console */
	/* Everything else comes from here. */
	discover_machine(hartid, dtb_pa, load_pa);
	apply_bootargs(); /* loglevel= */
	printk_set_timebase(machine.timebase_hz);
	print_banner(hartid, load_pa, dtb_pa);
	report_bootargs();		    /* typos and others' words */
	debug_machine(dtb_pa);		    /* loglevel=7: the tree as read */
	check_boot_layout(load_pa, dtb_pa); /* nothing overwritten */
	arch_memtype_init(machine.thead_c9xx);	 /* PTE memory types */
	if (mem_init(&machine, load_pa, dtb_pa)) /* page table, frames */
		machine_stop_failure();
	setup_console();	     /* UART from stdout-path */
	uvm_probe_asids(DOMAIN_MAX); /* one ASID per domain? */
	ncpus = cpu_init(&machine, (uint32_t)hartid); /* harts */
	if (ncpus < 0)
		machine_stop_failure();
	bkl_init((unsigned)ncpus); /* one hart, ever: no lock to take */
	setup_timer(hartid);	   /* Sstc or SBI TIME */
	setup_plic(hartid);	   /* external interrupts */
	log_devices();		   /* UARTs, PLIC contexts */
	initramfs_init(&machine, &initramfs); /* find the initramfs */
	if (test_hooks_run)
		test_hooks_run(machine.bootargs);
	cpu_start_secondaries(&machine); /* SBI HSM; they idle */
	arch_ipi_enable(); /* the boot hart's too: the secondaries' kicks */
	timer_selftest();  /* interrupts arrive */
	if (launch_domains(&initramfs, &machine, phys_to_virt(dtb_pa)))
		sched_start(); /* runs until all have ended */
	pr_notice("rivet: no domain to run; %u frames free\n",
		  mem_frames()->nfree);
	machine_power_off();
}
