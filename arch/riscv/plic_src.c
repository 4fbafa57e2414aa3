// SPDX-License-Identifier: MIT
/*
 * PLIC per-source operations: which hart's context a source is enabled
 * in (its route), enable, disable, complete, and when a claim is
 * completed. Pure (register pointers only, no CSR, no mapping)
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

static volatile uint32_t *priority;
/* Per hart index: its context's enable words and claim register. */
static volatile uint32_t *enables[PLIC_MAX_HARTS];
struct plic_hart_ctx plic_harts[PLIC_MAX_HARTS];
static uint32_t nsources;
/* The hart index whose context each source is enabled in (if at all). */
static uint8_t route[PLIC_MAX_SRC];
/* Sources completed at their claim (edge-triggered on an edge_lost PLIC). */
static uint64_t early[PLIC_MAX_SRC / 64];

_Static_assert(PLIC_MAX_HARTS <= 256, "route[] holds a hart index in a byte");

void plic_src_attach(volatile uint32_t *prio, volatile uint32_t *en,
		     volatile uint32_t *claim, uint32_t ndev)
{
	unsigned i;

	priority = prio;
	for (i = 0; i < PLIC_MAX_HARTS; i++) {
		enables[i] = 0;
		plic_harts[i].claim = 0;
		plic_harts[i].claims = 0;
	}
	enables[0] = en;
	plic_harts[0].claim = claim;
	nsources = ndev < PLIC_MAX_SRC ? ndev : PLIC_MAX_SRC - 1;
	for (i = 0; i < PLIC_MAX_SRC; i++)
		route[i] = 0;
	for (i = 0; i < PLIC_MAX_SRC / 64; i++)
		early[i] = 0;
}

bool plic_hart_attach(unsigned hart, volatile uint32_t *en,
		      volatile uint32_t *claim)
{
	if (!hart || hart >= PLIC_MAX_HARTS || !en || !claim)
		return false;
	enables[hart] = en;
	plic_harts[hart].claim = claim;
	return true;
}

volatile uint32_t *plic_hart_enables(unsigned hart)
{
	return hart < PLIC_MAX_HARTS ? enables[hart] : 0;
}

bool plic_present(void)
{
	return plic_harts[0].claim != 0;
}

uint32_t plic_sources(void)
{
	return nsources;
}

static bool valid(uint32_t src)
{
	return src && src <= nsources;
}

static void set_bit(unsigned hart, uint32_t src, bool on)
{
	volatile uint32_t *w = &enables[hart][src / 32];

	if (on)
		*w |= 1u << (src % 32);
	else
		*w &= ~(1u << (src % 32));
}

bool plic_enabled_on(uint32_t src, unsigned hart)
{
	return valid(src) && hart < PLIC_MAX_HARTS && enables[hart] &&
	       (enables[hart][src / 32] >> (src % 32) & 1);
}

unsigned plic_route(uint32_t src, unsigned hart)
{
	unsigned from;

	if (!valid(src))
		return 0;
	if (hart >= PLIC_MAX_HARTS || !enables[hart])
		hart = 0; /* no context of its own: the boot hart takes it */
	from = route[src];
	if (from == hart)
		return hart;
	/* Enabled in the new context first: a level still asserted is not
	 * dropped in between (at worst both may see it once; the loser's
	 * claim finds nothing). */
	if (plic_enabled_on(src, from)) {
		set_bit(hart, src, true);
		set_bit(from, src, false);
	}
	route[src] = (uint8_t)hart;
	return hart;
}

unsigned plic_routed_to(uint32_t src)
{
	return valid(src) ? route[src] : 0;
}

void plic_enable(uint32_t src)
{
	if (!valid(src))
		return;
	priority[src] = 1;
	set_bit(route[src], src, true);
}

void plic_disable(uint32_t src)
{
	if (!valid(src))
		return;
	set_bit(route[src], src, false);
}

void plic_complete(uint32_t src)
{
	volatile uint32_t *r;

	if (!valid(src))
		return;
	r = plic_harts[route[src]].claim;
	if (r)
		*r = src;
}

void plic_set_trigger(uint32_t src, bool edge, bool edge_lost)
{
	if (!valid(src))
		return;
	if (edge && edge_lost)
		early[src / 64] |= 1UL << (src % 64);
	else
		early[src / 64] &= ~(1UL << (src % 64));
}

bool plic_completes_at_claim(uint32_t src)
{
	return valid(src) && (early[src / 64] >> (src % 64) & 1);
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
