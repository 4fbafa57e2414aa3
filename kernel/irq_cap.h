/* SPDX-License-Identifier: MIT */
/*
 * Interrupt capabilities. A domain binds its capability for a PLIC source
 * to one of its event bits; each claim of that source sets the bit (and
 * wakes the domain if it waits) and masks the source until the domain
 * acknowledges it. Revoking the capability masks and unbinds the source.
 * Claims nobody asked for are counted, logged once, and never crash.
 */
#ifndef KERNEL_IRQ_CAP_H
#define KERNEL_IRQ_CAP_H

#include <stdint.h>

#include "kernel/cap.h"

struct domain;

long irq_cap_bind(struct domain *d, uint64_t slot, uint64_t bit);
long irq_cap_ack(struct domain *d, uint64_t slot);

/* The capability is going away: unbind and mask its source. */
void irq_cap_deleted(cap_ref_t ref, const struct cap *c);

/* An external interrupt arrived: claim and dispatch every pending source.
 * stamp is rdinstret at the trap, recorded for the holder to measure. */
void irq_dispatch(uint64_t stamp);

/* Are any sources bound (something may still wake a waiting domain)? */
int irq_any_bound(void);

#endif
