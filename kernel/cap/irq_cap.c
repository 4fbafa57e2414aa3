// SPDX-License-Identifier: MIT
/* Interrupt capabilities; see irq_cap.h. */
#include "kernel/cap/irq_cap.h"
#include "kernel/cap/irq_fast.h"

#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/trace.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

struct irq_binding irq_bindings[IRQ_SOURCES_MAX];
#define bindings irq_bindings
static unsigned nbound;	       /* bound sources */
static uint64_t claims_closed; /* under the lock; opened: irq_fast.h */
static uint64_t spurious, unowned;

/* Sets BIND_MASKED, counting the opening if it was clear; the old flags. */
static inline uint32_t open_claim(struct irq_binding *b)
{
	uint32_t old =
		__atomic_fetch_or(&b->flags, BIND_MASKED, __ATOMIC_ACQUIRE);

	if (!(old & BIND_MASKED))
		irq_count_opened();
	return old;
}

/* Sets the flags of which to value, atomically: an idle resume on
 * another hart may be setting BIND_MASKED meanwhile (irq_open_for). */
static void set_flags(struct irq_binding *b, uint32_t which, uint32_t value)
{
	__atomic_fetch_and(&b->flags, ~which, __ATOMIC_RELAXED);
	__atomic_fetch_or(&b->flags, value, __ATOMIC_RELAXED);
}

/* Clears BIND_MASKED; true (and counted) if it was set. */
static bool close_claim(struct irq_binding *b)
{
	/* release: a binding's end (b->d = 0) before its close, the pair
	 * of irq_open_for's (irq_fast.h) */
	uint32_t old =
		__atomic_fetch_and(&b->flags, ~BIND_MASKED, __ATOMIC_ACQ_REL);

	if (!(old & BIND_MASKED))
		return false;
	claims_closed++;
	return true;
}
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
	uint64_t open = 0;
	unsigned i;

	/* A source whose claim is open cannot fire until its holder acks.
	 * Another hart's count may be read stale (low): that says a source
	 * may fire, the safe answer. */
	for (i = 0; i < CONFIG_NR_HARTS; i++)
		open += __atomic_load_n(&sched_harts[i].irq_opened,
					__ATOMIC_RELAXED);
	return (int64_t)nbound > (int64_t)(open - claims_closed);
}

long irq_cap_bind(struct domain *d, uint64_t slot, uint64_t bit)
{
	struct cap *c;
	struct irq_binding *b;
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
		close_claim(b); /* none is open: an unbound source is off */
		set_flags(b, BIND_EARLY,
			  plic_completes_at_claim((uint32_t)c->object)
				  ? BIND_EARLY
				  : 0);
		/* Taken on the holder's hart: it wakes there, no IPI. */
		plic_route((uint32_t)c->object, holder_hart(d));
		plic_enable((uint32_t)c->object);
	}
	/* Rebinding by the holder changes the bit (and the capability it
	 * goes through), never an open claim: that still waits for ack. */
	b->d = d;
	b->ref = cap_ref(d->id, (uint32_t)slot);
	set_flags(b, BIND_BIT, (uint32_t)bit);
	return 0;
}

/* Ends the hold of a claimed source: complete it, or for one completed
 * at its claim, unmask it. */
static void release(const struct irq_binding *b, uint32_t src)
{
	if (b->flags & BIND_EARLY)
		plic_released_early(src);
	else
		plic_complete(src);
}

long irq_cap_ack(struct domain *d, uint64_t slot)
{
	struct cap *c;
	struct irq_binding *b;
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
	/* No atomics: only d's hart opens its claims, and d runs (the
	 * deleter, on another hart, holds the lock, as this does). */
	if (b->flags & BIND_MASKED) {
		b->flags &= ~BIND_MASKED;
		claims_closed++;
		release(b, (uint32_t)c->object);
	}
	return 0;
}

void irq_cap_deleted(cap_ref_t ref, const struct cap *c)
{
	struct irq_binding *b;

	if (c->object >= IRQ_SOURCES_MAX)
		return;
	b = &bindings[c->object];
	if (!b->d || b->ref != ref)
		return;
	/*
	 * The holder's hart may be opening a claim at this moment without
	 * the lock (irq_open_for, irq_fast.h): first the binding goes, then
	 * the claim is closed (with release order). Either this close
	 * finds the claim open and completes it, or the opener finds the
	 * binding gone after its open and finishes the claim itself under
	 * the lock (irq_take, as a source with no holder).
	 */
	__atomic_store_n(&b->d, 0, __ATOMIC_RELAXED);
	if (close_claim(b))
		release(b, (uint32_t)c->object);
	plic_disable((uint32_t)c->object);
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
	 * ignored), then mask it for good. Enabled first: its binding may
	 * have gone (and disabled it) after the idle resume claimed it. */
	plic_enable(src);
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

/* irq_take, inline in the locked claim paths (irq_to_handler_running). */
static inline __attribute__((always_inline)) struct domain *
take(uint32_t src, uint64_t stamp, uint64_t *bits)
{
	struct irq_binding *b;
	struct domain *d;
	uint32_t old;

	if (!src) {
		count_spurious();
		return 0;
	}
	b = src < IRQ_SOURCES_MAX ? &bindings[src] : 0;
	d = b ? b->d : 0;
	trace_irq(src, d);
	if (!d) {
		if (b)
			close_claim(b); /* one an idle resume opened */
		drop_unowned(src);
		return 0;
	}
	old = open_claim(b);
	*bits = 1UL << (old & BIND_BIT);
	d->info->irq_instret = stamp; /* a holder is a live domain */
	if (old & BIND_EARLY)
		return claimed_early(d, src);
	return d;
}

struct domain *irq_take(uint32_t src, uint64_t stamp, uint64_t *bits)
{
	return take(src, stamp, bits);
}

struct domain *irq_claim(uint64_t stamp, uint64_t *bits)
{
	return take(plic_claim_on(arch_hart_index()), stamp, bits);
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
	struct domain *d = take(plic_claim_on(arch_hart_index()), stamp, &bits);

	if (d)
		sched_notify(d, bits);
}
