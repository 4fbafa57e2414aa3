// SPDX-License-Identifier: MIT
/* Interrupt capabilities; see irq_cap.h. */
#include "kernel/cap/irq_cap.h"

#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/trace.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

#define IRQ_SOURCES_MAX 1024 /* the PLIC's limit */

struct binding {
	struct domain *d;
	cap_ref_t ref; /* the capability it was bound through */
	uint8_t bit;
	uint8_t masked; /* claimed, waiting for irq_ack */
	/* completed at the claim, held by its enable bit until the ack
	 * (an edge source on a PLIC that loses edges: plic_src.c) */
	uint8_t early;
};

static struct binding bindings[IRQ_SOURCES_MAX];
static unsigned nbound, nmasked; /* bound sources; of those, claims open */
static uint64_t spurious, unowned;
uint64_t irq_claims_on(unsigned hart)
{
	return plic_claims_on(hart); /* each hart counts its own */
}

/* The hart index d runs on: its sources are enabled in that hart's
 * context (docs/smp.md). */
static unsigned holder_hart(const struct domain *d)
{
	return d->hart ? d->hart->self.index : 0;
}

int irq_any_bound(void)
{
	/* A source whose claim is open cannot fire until its holder acks. */
	return nbound > nmasked;
}

long irq_cap_bind(struct domain *d, uint64_t slot, uint64_t bit)
{
	struct cap *c;
	struct binding *b;
	long rc;

	if (!cap_slot_valid(slot) || bit > 55)
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)slot, CAP_IRQ, 0, &c);
	if (rc)
		return rc;
	if (!plic_present() || !c->object || c->object > plic_sources() ||
	    c->object >= IRQ_SOURCES_MAX)
		return E_NOENT;
	b = &bindings[c->object];
	if (b->d && b->d != d)
		return E_BUSY;
	if (!b->d) {
		nbound++;
		b->masked = 0;
		b->early = plic_completes_at_claim((uint32_t)c->object);
		/* Taken on the holder's hart: it wakes there, no IPI. */
		plic_route((uint32_t)c->object, holder_hart(d));
		plic_enable((uint32_t)c->object);
	}
	/* Rebinding by the holder changes the bit (and the capability it
	 * goes through), never an open claim: that still waits for ack. */
	b->d = d;
	b->ref = cap_ref(d->id, (uint32_t)slot);
	b->bit = (uint8_t)bit;
	return 0;
}

/* Ends the hold of a claimed source: complete it, or for one completed
 * at its claim, unmask it. */
static void release(const struct binding *b, uint32_t src)
{
	if (b->early)
		plic_released_early(src);
	else
		plic_complete(src);
}

long irq_cap_ack(struct domain *d, uint64_t slot)
{
	struct cap *c;
	struct binding *b;
	long rc;

	if (!cap_slot_valid(slot))
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)slot, CAP_IRQ, 0, &c);
	if (rc)
		return rc;
	if (c->object >= IRQ_SOURCES_MAX)
		return E_INVAL;
	b = &bindings[c->object];
	if (b->d != d)
		return E_INVAL;
	if (b->masked) {
		b->masked = 0;
		nmasked--;
		release(b, (uint32_t)c->object);
	}
	return 0;
}

void irq_cap_deleted(cap_ref_t ref, const struct cap *c)
{
	struct binding *b;

	if (c->object >= IRQ_SOURCES_MAX)
		return;
	b = &bindings[c->object];
	if (!b->d || b->ref != ref)
		return;
	if (b->masked) {
		b->masked = 0;
		nmasked--;
		release(b, (uint32_t)c->object);
	}
	plic_disable((uint32_t)c->object);
	b->d = 0;
	nbound--;
}

/*
 * One claimed source: tell its holder. The claim is left open until the
 * holder's irq_ack: the PLIC forwards nothing more from a source with a
 * claim outstanding, which is exactly "masked until acknowledged", and
 * completing it then lets a still-asserted source fire again. An edge
 * source on a PLIC that loses edges while claimed is completed now and
 * masked by its enable bit instead (b->early, plic_src.c).
 */
static __attribute__((noinline)) void drop_unowned(uint32_t src)
{
	/* Complete while enabled (a completion for a disabled source is
	 * ignored), then mask it for good. */
	plic_complete(src);
	plic_disable(src);
	if (!unowned++)
		pr_warn("irq: source %u fired with no holder; masked (counted "
			"from now on)\n",
			src);
}

/* Out of line and last, so that the common path keeps nothing live
 * across a call (a tail call here). */
static __attribute__((noinline)) struct domain *claimed_early(struct domain *d,
							      uint32_t src)
{
	plic_claimed_early(src);
	return d;
}

static __attribute__((noinline)) void count_spurious(void)
{
	if (!spurious++)
		pr_warn("irq: spurious external interrupt (counted from now "
			"on)\n");
}

struct domain *irq_claim(uint64_t stamp, uint64_t *bits)
{
	uint64_t src = plic_claim_on(arch_hart_index()); /* zero-extended */
	struct binding *b;
	struct domain *d;

	if (!src) {
		count_spurious();
		return 0;
	}
	b = src < IRQ_SOURCES_MAX ? &bindings[src] : 0;
	d = b ? b->d : 0;
	trace_irq(src, d);
	if (!d) {
		drop_unowned((uint32_t)src);
		return 0;
	}
	*bits = 1UL << b->bit;
	b->masked = 1;
	nmasked++;
	d->info->irq_instret = stamp; /* a holder is a live domain */
	if (b->early)
		return claimed_early(d, (uint32_t)src);
	return d;
}

/*
 * One claim per call: if more sources are pending the PLIC keeps the
 * external interrupt raised, and the next trap (or the idle loop's next
 * look) takes the next one. The common single interrupt then costs one
 * claim, not a second one that finds nothing.
 */
void irq_dispatch(uint64_t stamp)
{
	uint64_t bits;
	struct domain *d = irq_claim(stamp, &bits);

	if (d)
		sched_notify(d, bits);
}
