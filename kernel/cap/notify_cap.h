/* SPDX-License-Identifier: MIT */
/*
 * Notification capabilities: the right to signal one domain. The object
 * names the target as a domain capability does (id and incarnation, so a
 * capability outliving its target never reaches a later domain with that
 * id); the badge is the set of event bits its holder may set there, so
 * the target tells its signallers apart by the bits they set. A copy may
 * narrow the badge, never widen it. W is the right to signal (and to
 * yield to the target); GRANT to pass the capability on; revoking it, as
 * any capability, stops the holder's signals at once.
 */
#ifndef KERNEL_NOTIFY_CAP_H
#define KERNEL_NOTIFY_CAP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/cap.h"

struct domain;

/* struct cap.flags of a notification capability: a notify that wakes its
 * target runs the target at once, in the rest of the caller's slice. */
#define CAPF_NOTIFY_HANDOFF 0x1

/*
 * Puts an original notification capability for target, with badge bits
 * (none of RIVET_EVENT_KERNEL_MASK, not 0) and rights W | GRANT, into a
 * free slot of holder. Returns 0 with *slot, E_INVAL, E_NOMEM (full).
 */
int notify_cap_create(struct domain *holder, const struct domain *target,
		      uint64_t badge, uint16_t flags, uint32_t *slot);

/* SYS_notify_cap and SYS_yield_cap (common cases also in
 * arch/riscv/notify_fast.S, CONFIG_FAST_NOTIFY: this is the reference).
 * yield_cap's slot RIVET_YIELD_ANY (-1) is the undirected yield: the rest
 * of the slice to the run queue, with no capability. */
long notify_cap_notify(struct domain *d, uint64_t slot, uint64_t bits);
long notify_cap_yield(struct domain *d, uint64_t slot);
/* SYS_notify_wait: the notify, then sched_wait, which may not return (as
 * SYS_wait); with a handoff capability, a caller that sleeps gives the
 * rest of its slice to the target it woke (sched_wait_handoff). The
 * common cases are done in arch/riscv/notify_fast.S (CONFIG_FAST_NOTIFY),
 * this is the reference. */
long notify_cap_notify_wait(struct domain *d, uint64_t slot, uint64_t bits,
			    uint64_t mask);

/* May a copy of c carry badge (cap_derive's argument; 0 keeps c's)? Only
 * a subset of c's bits, for a notification capability. */
bool notify_cap_badge_ok(const struct cap *c, uint64_t badge);

#endif
