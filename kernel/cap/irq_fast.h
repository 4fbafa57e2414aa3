/* SPDX-License-Identifier: MIT */
/*
 * The lock-free half of an interrupt claim, inline for the idle resume
 * (kernel/sched/sched_idle.c; docs/smp.md, "The lock-free idle
 * resume"), on the hart a source is routed to, without the big kernel
 * lock. The binding table belongs to irq_cap.c; this is its layout.
 */
#ifndef KERNEL_CAP_IRQ_FAST_H
#define KERNEL_CAP_IRQ_FAST_H

#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/cap/cap.h"
#include "kernel/sched/domain.h"
#include "kernel/sched/sched.h"

#define IRQ_SOURCES_MAX 1024 /* the PLIC's limit */

/*
 * flags holds the event bit (BIND_BIT) and two flags in one word, so that
 * irq_open_for opens a claim with one atomic OR that also returns the
 * bit: BIND_MASKED, claimed and waiting for irq_ack (set by whoever opens
 * a claim, cleared by whoever closes it, both with atomics), and
 * BIND_EARLY, completed at the claim and held by its enable bit until
 * the ack (an edge source on a PLIC that loses edges: plic_src.c).
 */
#define BIND_BIT    0xffu
#define BIND_MASKED 0x100u
#define BIND_EARLY  0x10000u

struct irq_binding {
	struct domain *d;
	cap_ref_t ref; /* the capability it was bound through */
	uint32_t flags;
};

extern struct irq_binding irq_bindings[IRQ_SOURCES_MAX];

/*
 * Claims open = those opened, counted by the hart that opened them in
 * its own record (no line another hart writes), minus those closed
 * (ack, delete: under the lock, irq_cap.c). Whoever sets BIND_MASKED
 * counts an opening, whoever clears it a closing.
 */
static inline void irq_count_opened(void)
{
	((struct hart_sched *)arch_hart_get())->irq_opened++;
}

/* One pending source claimed from this hart's context (0: none). */
static inline uint32_t irq_claim_src(void)
{
	return plic_claim_on(arch_hart_index());
}

#define IRQ_OPEN_NONE (-1) /* not w's (or completed at its claim) */
#define IRQ_OPEN_LOST (-2) /* the binding went while the claim opened */

/*
 * Opens the claim of src for w, its holder, waiting on this hart:
 * returns w's event bit (0..55), the source masked until w's ack and the
 * claim's time stamp recorded. IRQ_OPEN_NONE: src is not bound to w, or
 * is completed at its claim; nothing changed. IRQ_OPEN_LOST: the
 * binding went meanwhile. Either way irq_take (under the lock)
 * finishes src.
 *
 * The race is with irq_cap_deleted on another hart, which clears b->d
 * and then BIND_MASKED (release): the open is an acquire OR on the same
 * word, then b->d is read again. If the close came first, that read
 * sees the binding gone; if the open came first, the close finds the
 * claim open and completes it. No claim is left open without a binding.
 */
static inline int irq_open_for(uint32_t src, const struct domain *w,
			       uint64_t stamp)
{
	struct irq_binding *b;
	uint32_t old;

	if (src - 1 >= IRQ_SOURCES_MAX - 1)
		return IRQ_OPEN_NONE;
	b = &irq_bindings[src];
	if (__atomic_load_n(&b->d, __ATOMIC_RELAXED) != w ||
	    (__atomic_load_n(&b->flags, __ATOMIC_RELAXED) & BIND_EARLY))
		return IRQ_OPEN_NONE;
	old = __atomic_fetch_or(&b->flags, BIND_MASKED, __ATOMIC_ACQUIRE);
	if (!(old & BIND_MASKED))
		irq_count_opened();
	if (__atomic_load_n(&b->d, __ATOMIC_RELAXED) != w)
		return IRQ_OPEN_LOST;
	w->info->irq_instret = stamp;
	return (int)(old & BIND_BIT);
}

#endif
