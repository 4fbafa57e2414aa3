// SPDX-License-Identifier: MIT
/*
 * Notification capabilities (kernel/cap/notify_cap.h). Signalling and the
 * directed yield go through the scheduler's own calls (sched_notify,
 * sched_yield); this file only decides whether the caller may.
 */
#include "kernel/cap/notify_cap.h"

#include "kernel/sched/domain.h"
#include "kernel/sched/sched.h"
#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/syscall.h>

_Static_assert(RIVET_CAP_NOTIFY == CAP_NOTIFY, "type number");

int notify_cap_create(struct domain *holder, const struct domain *target,
		      uint64_t badge, uint16_t flags, uint32_t *slot)
{
	int rc;

	if (!badge || (badge & RIVET_EVENT_KERNEL_MASK))
		return E_INVAL;
	rc = cap_create(&holder->cs, CAP_NOTIFY, CAP_W | CAP_GRANT,
			domain_object(target), 0, slot);
	if (rc)
		return rc;
	holder->cs.slots[*slot].badge = badge;
	holder->cs.slots[*slot].flags = flags;
	return 0;
}

bool notify_cap_badge_ok(const struct cap *c, uint64_t badge)
{
	return c->type != CAP_NOTIFY || !(badge & ~c->badge);
}

/* The live target of d's notification capability in slot, with W. */
static long target_of(struct domain *d, uint64_t slot, struct cap **cap,
		      struct domain **out)
{
	struct domain *t;
	long rc;

	if (!cap_slot_valid(slot))
		return E_INVAL;
	rc = cap_lookup(&d->cs, (uint32_t)slot, CAP_NOTIFY, CAP_W, cap);
	if (rc)
		return rc;
	t = domain_by_object((*cap)->object);
	if (!domain_live(t))
		return E_NOENT;
	*out = t;
	return 0;
}

/* Sets bits (0: the badge) in t, the target of c. */
static long signal(const struct cap *c, struct domain *t, uint64_t bits)
{
	if (!bits)
		bits = c->badge;
	/* The badge holds no kernel bit (notify_cap_create): this check
	 * keeps those out too. */
	if (bits & ~c->badge)
		return E_PERM;
	return sched_notify(t, bits);
}

/*
 * Does a signal through c, which found t waiting and left it runnable,
 * hand the CPU to t? Only through a handoff capability, to another
 * domain queued on the caller's hart (a domain placed on another hart
 * is only woken there).
 */
static bool hands_off(const struct domain *d, const struct cap *c,
		      const struct domain *t, bool was_waiting)
{
	return was_waiting && t != d && t->state == DOMAIN_RUNNABLE &&
	       t->queued_on == d->hart && (c->flags & CAPF_NOTIFY_HANDOFF);
}

long notify_cap_notify_wait(struct domain *d, uint64_t slot, uint64_t bits,
			    uint64_t mask)
{
	struct domain *t;
	struct cap *c;
	bool was_waiting;
	long rc;

	if (!mask)
		return E_INVAL;
	rc = target_of(d, slot, &c, &t);
	if (rc)
		return rc;
	was_waiting = t->state == DOMAIN_WAITING;
	rc = signal(c, t, bits);
	if (rc)
		return rc;
	/* Handoff: the caller sleeps and the peer it woke runs in the rest
	 * of its slice, whoever else is runnable (a request/reply pair is
	 * two kernel entries, and no timer moves). */
	if (hands_off(d, c, t, was_waiting) && !(d->info->pending & mask))
		sched_wait_handoff(d, mask, t);
	return sched_wait(d, mask);
}

long notify_cap_notify(struct domain *d, uint64_t slot, uint64_t bits)
{
	struct domain *t;
	struct cap *c;
	bool was_waiting;
	long rc;

	rc = target_of(d, slot, &c, &t);
	if (rc)
		return rc;
	/* Whether the target waited, before the signal wakes it. */
	was_waiting = t->state == DOMAIN_WAITING;
	rc = signal(c, t, bits);
	/* Handoff: the woken peer runs now, in the rest of our slice, so
	 * a request and its reply cost one kernel entry each. */
	if (!rc && hands_off(d, c, t, was_waiting))
		rc = sched_yield(d, t->id);
	return rc;
}

long notify_cap_yield(struct domain *d, uint64_t slot)
{
	struct domain *t;
	struct cap *c;
	long rc;

	/* No capability: the rest of the slice to the run queue, whoever
	 * is next (the slice-end upcall's yield). */
	if (slot == (uint64_t)RIVET_YIELD_ANY)
		return sched_yield(d, RIVET_YIELD_ANY);
	rc = target_of(d, slot, &c, &t);
	if (rc)
		return rc;
	return sched_yield(d, t->id);
}
