// SPDX-License-Identifier: MIT
/*
 * Hart discovery. Only the boot hart runs for now; the others stay STOPPED
 * in SBI HSM. A hart without an MMU (the S7/E51 monitor cores) or one the
 * tree marks disabled is never started: on some boards starting it crashes
 * the firmware.
 */
#include "kernel/boot/cpu.h"

#include "kernel/arch.h"
#include "kernel/lib/printk.h"
#include <rivet/errno.h>

static struct cpu cpus[CONFIG_MAX_HARTS];
static unsigned ncpus;
static uint32_t boot_hart;

static const char *hsm_state(long s)
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
			: hsm_state(sbi_has(SBI_EXT_HSM)
					    ? sbi_hart_status(h->hartid)
					    : -1),
		"");
}

int cpu_init(const struct machine *m, uint32_t boot_hartid)
{
	unsigned i, skipped = 0;
	bool boot_found = false;

	boot_hart = boot_hartid;
	for (i = 0; i < m->nharts; i++) {
		const struct hart *h = &m->harts[i];

		log_hart(h, boot_hartid);
		if (h->state != HART_USABLE) {
			skipped++;
			continue;
		}
		if (h->hartid == boot_hartid)
			boot_found = true;
		if (ncpus == CONFIG_MAX_HARTS) {
			pr_warn("cpu: hart %u: beyond CONFIG_MAX_HARTS=%d, "
				"not used\n",
				h->hartid, CONFIG_MAX_HARTS);
			continue;
		}
		cpus[ncpus].hartid = h->hartid;
		cpus[ncpus].plic_sctx = h->plic_sctx;
		cpus[ncpus].online = h->hartid == boot_hartid;
		ncpus++;
	}
	pr_info("cpu: %u harts usable, %u skipped, booted on hart %u\n",
		m->nharts - skipped, skipped, boot_hartid);
	if (!boot_found) {
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

unsigned cpu_count(void)
{
	return ncpus;
}

struct cpu *cpu_get(unsigned index)
{
	return index < ncpus ? &cpus[index] : 0;
}
