// SPDX-License-Identifier: MIT
/*
 * PLIC per-source operations: enable, disable, complete, and when a
 * claim is completed. Pure (register pointers only, no CSR, no mapping)
 * so the host tests drive it on a fake register block.
 *
 * When to complete. A claim masks its source until completed, and Rivet
 * uses exactly that to keep a source quiet until its holder's irq_ack.
 * On the SiFive PLIC (and the specification's gateway) an edge that comes
 * while its source is claimed is held pending and fires after the
 * completion. The T-Head C9xx and Andes PLICs (thead,c900-plic,
 * andestech,nceplic100; struct plic's edge_lost) drop such an edge. So on
 * those, an edge-triggered source is completed right after its claim,
 * before its holder hears of it, and kept quiet with its enable bit
 * instead: an edge that comes before the ack is then held pending by the
 * gateway (pending does not depend on enable) and fires once the ack
 * enables the source again. Level-triggered sources need none of this:
 * a level still asserted after the completion fires again. The
 * trigger type is the second cell of the device's interrupt specifier
 * (kernel/boot/machine_device.c), recorded with plic_set_trigger().
 */
#include "arch/riscv/plic.h"

#define PLIC_MAX_SRC 1024 /* the register map's limit, source 0 included */

static volatile uint32_t *priority, *enable;
volatile uint32_t *plic_claim_reg;
static uint32_t nsources;
/* Sources completed at their claim (edge-triggered on an edge_lost PLIC). */
static uint64_t early[PLIC_MAX_SRC / 64];

void plic_src_attach(volatile uint32_t *prio, volatile uint32_t *en,
		     volatile uint32_t *claim, uint32_t ndev)
{
	unsigned i;

	priority = prio;
	enable = en;
	plic_claim_reg = claim;
	nsources = ndev < PLIC_MAX_SRC ? ndev : PLIC_MAX_SRC - 1;
	for (i = 0; i < PLIC_MAX_SRC / 64; i++)
		early[i] = 0;
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

void plic_set_trigger(uint32_t src, bool edge, bool edge_lost)
{
	if (!src || src > nsources)
		return;
	if (edge && edge_lost)
		early[src / 64] |= 1UL << (src % 64);
	else
		early[src / 64] &= ~(1UL << (src % 64));
}

bool plic_completes_at_claim(uint32_t src)
{
	return src && src <= nsources && (early[src / 64] >> (src % 64) & 1);
}

void plic_claimed_early(uint32_t src)
{
	/* Complete while enabled (a completion for a disabled source is
	 * ignored), then hold the source with its enable bit. */
	plic_complete(src);
	plic_disable(src);
}

void plic_released_early(uint32_t src)
{
	plic_enable(src);
}
