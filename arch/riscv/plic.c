// SPDX-License-Identifier: MIT
/*
 * PLIC driver, set-up. Register layout from the RISC-V PLIC
 * specification: priority of source s at 4*s, enable bits of context c at
 * 0x2000 + 0x80*c, threshold of context c at 0x200000 + 0x1000*c and its
 * claim/complete register 4 bytes further. Only the pages the contexts
 * of the kernel's harts need are mapped; the per-source operations are
 * in plic_src.c.
 */
#include "arch/riscv/plic.h"

#include "arch/riscv/csr.h"
#include "arch/riscv/memlayout.h"
#include "kernel/lib/printk.h"
#include "arch/riscv/vm.h"
#include <rivet/errno.h>

#define PLIC_ENABLE(c)	  (0x2000UL + 0x80UL * (c))
#define PLIC_THRESHOLD(c) (0x200000UL + 0x1000UL * (c))

static int map_reg(uint64_t base, uint64_t off, volatile uint32_t **out)
{
	uintptr_t va;
	int rc = vm_map_mmio(base + off, 4, &va);

	*out = (volatile uint32_t *)va;
	return rc;
}

static uint64_t plic_base;
static uint32_t plic_ndev;
static bool plic_mapped;
/* Each hart's context's threshold register, for plic_hart_local. */
static volatile uint32_t *thresholds[PLIC_MAX_HARTS];

/* Maps context ctx's enable words and threshold/claim page for hart. */
static int map_context(unsigned hart, int ctx, volatile uint32_t **en,
		       volatile uint32_t **claim)
{
	volatile uint32_t *threshold;
	int rc;

	rc = map_reg(plic_base, PLIC_ENABLE(ctx), en);
	if (!rc)
		rc = map_reg(plic_base, PLIC_THRESHOLD(ctx), &threshold);
	if (rc)
		return rc;
	thresholds[hart] = threshold;
	*claim = threshold + 1;
	return 0;
}

/* Masks every source in hart's context, lets every priority through
 * (threshold 0) and takes external interrupts on this hart. */
static void context_reset(unsigned hart, volatile uint32_t *enable)
{
	uint32_t i;

	for (i = 0; i <= plic_ndev / 32; i++)
		enable[i] = 0;
	*thresholds[hart] = 0;
	csr_set(sie, SIE_SEIE);
}

int plic_init(bool present, uint64_t base, uint32_t ndev, int ctx)
{
	volatile uint32_t *priority, *enable, *claim;
	int rc;

	if (!present || ctx < 0)
		return E_NOENT;
	plic_base = base;
	plic_ndev = ndev;
	rc = map_reg(base, 0, &priority);
	if (!rc)
		rc = map_context(0, ctx, &enable, &claim);
	if (rc)
		return rc;
	plic_src_attach(priority, enable, claim, ndev);
	plic_mapped = true;
	context_reset(0, enable);
	return 0;
}

int plic_init_hart(unsigned hart, int ctx)
{
	volatile uint32_t *enable, *claim;
	int rc;

	if (!plic_mapped || !hart || hart >= PLIC_MAX_HARTS)
		return E_INVAL;
	if (ctx < 0)
		return E_NOENT;
	rc = map_context(hart, ctx, &enable, &claim);
	if (rc)
		return rc;
	plic_hart_attach(hart, enable, claim);
	return 0;
}

/*
 * On the hart itself, once it runs: the firmware sets up each hart's
 * contexts when it starts the hart (OpenSBI 1.1 masks every source and
 * sets the S-mode threshold to 7, blocking all), so what plic_init_hart
 * could write from the boot hart before would be undone.
 */
void plic_hart_local(unsigned hart)
{
	volatile uint32_t *enable = plic_hart_enables(hart);

	if (hart && enable && thresholds[hart])
		context_reset(hart, enable);
}
