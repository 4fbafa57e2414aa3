// SPDX-License-Identifier: MIT
/*
 * PLIC driver, set-up. Register layout from the RISC-V PLIC
 * specification: priority of source s at 4*s, enable bits of context c at
 * 0x2000 + 0x80*c, threshold of context c at 0x200000 + 0x1000*c and its
 * claim/complete register 4 bytes further. Only the three pages this
 * hart's context needs are mapped; the per-source operations are in
 * plic_src.c.
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

int plic_init(bool present, uint64_t base, uint32_t ndev, int ctx)
{
	volatile uint32_t *priority, *enable, *threshold;
	uint32_t i;
	int rc;

	if (!present || ctx < 0)
		return E_NOENT;
	rc = map_reg(base, 0, &priority);
	if (!rc)
		rc = map_reg(base, PLIC_ENABLE(ctx), &enable);
	if (!rc)
		rc = map_reg(base, PLIC_THRESHOLD(ctx), &threshold);
	if (rc)
		return rc;
	for (i = 0; i <= ndev / 32; i++)
		enable[i] = 0;
	*threshold = 0;
	plic_src_attach(priority, enable, threshold + 1, ndev);
	csr_set(sie, SIE_SEIE);
	return 0;
}
