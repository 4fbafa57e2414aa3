// SPDX-License-Identifier: MIT
/*
 * Hart discovery: the usable harts get dense indices (hart_start.c
 * starts them; docs/smp.md). A hart without an MMU (the S7/E51 monitor cores) or one the
 * tree marks disabled is never started: on some boards starting it crashes
 * the firmware.
 */
#include "kernel/boot/cpu.h"

#include "kernel/arch.h"
#include "kernel/lib/printk.h"
#include <rivet/errno.h>

static struct cpu cpus[CONFIG_NR_HARTS];
static unsigned ncpus;
static uint32_t boot_hart;

const char *cpu_hsm_state_name(long s)
{
	switch (s) {
	case SBI_HSM_STARTED:
		return "started";
	case SBI_HSM_STOPPED:
		return "stopped";
	default:
		return s < 0 ? "unknown" : "in transition";
	}
}

static void log_hart(const struct hart *h, uint32_t boot_hartid)
{
	if (h->state != HART_USABLE) {
		pr_info("cpu: hart %u: skipped: %s\n", h->hartid,
			hart_state_name(h->state));
		return;
	}
	pr_info("cpu: hart %u: %s %s%s, %s%s\n", h->hartid, h->isa, h->mmu,
		h->has_sstc ? " sstc" : "",
		h->hartid == boot_hartid
			? "boot hart"
			: cpu_hsm_state_name(
				  sbi_has(SBI_EXT_HSM)
					  ? sbi_hart_status(h->hartid)
					  : -1),
		"");
}

static void record(const struct hart *h, bool is_boot)
{
	cpus[ncpus].hartid = h->hartid;
	cpus[ncpus].plic_sctx = h->plic_sctx;
	cpus[ncpus].index = ncpus;
	cpus[ncpus].state = is_boot ? CPU_ONLINE : CPU_STOPPED;
	ncpus++;
}

/* The usable hart boot_hartid of m, or NULL. */
static const struct hart *usable_hart(const struct machine *m, uint32_t hartid)
{
	unsigned i;

	for (i = 0; i < m->nharts; i++)
		if (m->harts[i].hartid == hartid &&
		    m->harts[i].state == HART_USABLE)
			return &m->harts[i];
	return NULL;
}

int cpu_init(const struct machine *m, uint32_t boot_hartid)
{
	const struct hart *boot = usable_hart(m, boot_hartid);
	unsigned i, skipped = 0;

	boot_hart = boot_hartid;
	/* Index 0 is the boot hart, whatever its place in the tree: it
	 * always has a record, however many harts there are. */
	if (boot)
		record(boot, true);
	for (i = 0; i < m->nharts; i++) {
		const struct hart *h = &m->harts[i];

		log_hart(h, boot_hartid);
		if (h->state != HART_USABLE) {
			skipped++;
			continue;
		}
		if (h == boot)
			continue;
		if (ncpus == CONFIG_NR_HARTS) {
			pr_warn("cpu: hart %u: beyond CONFIG_NR_HARTS=%d, "
				"not used\n",
				h->hartid, CONFIG_NR_HARTS);
			continue;
		}
		record(h, false);
	}
	if (m->harts_dropped)
		pr_warn("cpu: %u cpu nodes past the %d the kernel reads, hart %u "
			"to hart %u in tree order: not used\n",
			m->harts_dropped, MACHINE_MAX_HARTS, m->dropped_first,
			m->dropped_last);
	pr_info("cpu: %u harts usable, %u skipped, booted on hart %u\n",
		m->nharts - skipped, skipped, boot_hartid);
	if (!boot) {
		pr_err("cpu: the boot hart %u is not a usable hart in the "
		       "device tree\n",
		       boot_hartid);
		return E_NOENT;
	}
	return (int)ncpus;
}

uint32_t cpu_boot_hartid(void)
{
	return boot_hart;
}

int cpu_index_of(uint32_t hartid)
{
	unsigned i;

	for (i = 0; i < ncpus; i++)
		if (cpus[i].hartid == hartid)
			return (int)i;
	return -1;
}

unsigned cpu_count(void)
{
	return ncpus;
}

struct cpu *cpu_get(unsigned index)
{
	return index < ncpus ? &cpus[index] : 0;
}
