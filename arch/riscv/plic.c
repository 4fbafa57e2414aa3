// SPDX-License-Identifier: MIT
/*
 * PLIC driver. Register layout from the RISC-V PLIC specification:
 * priority of source s at 4*s, enable bits of context c at
 * 0x2000 + 0x80*c, threshold of context c at 0x200000 + 0x1000*c and its
 * claim/complete register 4 bytes further. Only the three pages this
 * hart's context needs are mapped.
 */
#include "arch/riscv/plic.h"

#include "arch/riscv/csr.h"
#include "arch/riscv/memlayout.h"
#include "kernel/lib/printk.h"
#include "arch/riscv/vm.h"
#include <rivet/errno.h>

#define PLIC_ENABLE(c)	  (0x2000UL + 0x80UL * (c))
#define PLIC_THRESHOLD(c) (0x200000UL + 0x1000UL * (c))
#define PLIC_CLAIM(c)	  (PLIC_THRESHOLD(c) + 4)

static volatile uint32_t *priority, *enable, *threshold;
volatile uint32_t *plic_claim_reg;
static uint32_t nsources;

static int map_reg(uint64_t base, uint64_t off, volatile uint32_t **out)
{
	uintptr_t va;
	int rc = vm_map_mmio(base + off, 4, &va);

	*out = (volatile uint32_t *)va;
	return rc;
}

int plic_init(bool present, uint64_t base, uint32_t ndev, int ctx)
{
	uint32_t i;
	int rc;

	if (!present || ctx < 0)
		return E_NOENT;
	nsources = ndev;
	rc = map_reg(base, 0, &priority);
	if (!rc)
		rc = map_reg(base, PLIC_ENABLE(ctx), &enable);
	if (!rc)
		rc = map_reg(base, PLIC_THRESHOLD(ctx), &threshold);
	if (rc)
		return rc;
	plic_claim_reg = threshold + 1;
	for (i = 0; i <= nsources / 32; i++)
		enable[i] = 0;
	*threshold = 0;
	csr_set(sie, SIE_SEIE);
	return 0;
}

bool plic_present(void)
{
	return plic_claim_reg != 0;
}

uint32_t plic_sources(void)
{
	return nsources;
}

void plic_enable(uint32_t src)
{
	if (!src || src > nsources)
		return;
	priority[src] = 1;
	enable[src / 32] |= 1u << (src % 32);
}

void plic_disable(uint32_t src)
{
	if (!src || src > nsources)
		return;
	enable[src / 32] &= ~(1u << (src % 32));
}

void plic_complete(uint32_t src)
{
	if (plic_claim_reg)
		*plic_claim_reg = src;
}
