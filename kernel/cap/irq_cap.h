/* SPDX-License-Identifier: MIT */
/*
 * Interrupt capabilities. A domain binds its capability for a PLIC source
 * to one of its event bits; each claim of that source sets the bit (and
 * wakes the domain if it waits) and masks the source until the domain
 * acknowledges it. A bound source is enabled only in the PLIC context of
 * the hart its holder runs on, so it is claimed there. Revoking the capability masks and unbinds the source.
 * Claims nobody asked for are counted, logged once, and never crash.
 */
#ifndef KERNEL_IRQ_CAP_H
#define KERNEL_IRQ_CAP_H

#include <stdint.h>

#include "kernel/cap/cap.h"

struct domain;

long irq_cap_bind(struct domain *d, uint64_t slot, uint64_t bit);
long irq_cap_ack(struct domain *d, uint64_t slot);

/* The capability is going away: unbind and mask its source. */
void irq_cap_deleted(cap_ref_t ref, const struct cap *c);

/* An external interrupt arrived: claim one pending source and notify its
 * holder. stamp is rdinstret at the trap, recorded for the holder to
 * measure. */
void irq_dispatch(uint64_t stamp);

/*
 * Claims one pending source for the idle loop: its holder, with the
 * source masked until the holder's ack and *bits the event bit to give
 * it; or NULL (nothing pending, or no holder: counted, logged, masked).
 * The caller must deliver *bits to the holder. Under the lock.
 */
struct domain *irq_claim(uint64_t stamp, uint64_t *bits);
/* irq_claim for a source src already claimed from this hart's context
 * (0: none pending). Under the lock. */
struct domain *irq_take(uint32_t src, uint64_t stamp, uint64_t *bits);

/* The lock-free idle resume's half: kernel/cap/irq_fast.h. */

/* Sources claimed on the hart of dense index hart since boot. */
uint64_t irq_claims_on(unsigned hart);

/* Are any sources bound (something may still wake a waiting domain)? */
int irq_any_bound(void);

#endif
