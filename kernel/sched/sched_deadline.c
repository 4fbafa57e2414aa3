// SPDX-License-Identifier: MIT
/*
 * Deadlines: the domains' timer events and the abort protocol's, the
 * cached earliest one, and firing those that are due.
 */
#include "kernel/cap/abort.h"
#include "kernel/sched/sched_core.h"
#include <rivet/errno.h>

uint64_t sched_deadline_cache;
bool sched_deadline_cache_valid;

void sched_deadlines_changed(void)
{
	sched_deadline_cache_valid = false;
}

uint64_t sched_deadline_recompute(void)
{
	uint64_t next = abort_next_deadline();
	unsigned i;
	struct domain *d;

	for (i = 0; (d = domain_at(i)); i++)
		if (domain_live(d) && d->timer_at && d->timer_at < next)
			next = d->timer_at;
	sched_deadline_cache = next;
	sched_deadline_cache_valid = true;
	return next;
}

void sched_expire_due(uint64_t now)
{
	unsigned i;
	struct domain *d;

	sched_deadlines_changed();
	abort_expire(now);
	for (i = 0; (d = domain_at(i)); i++)
		if (domain_live(d) && d->timer_at && now >= d->timer_at) {
			d->timer_at = 0;
			sched_notify(d, 1UL << d->timer_bit);
		}
}

long sched_timer_event(struct domain *d, uint64_t when, uint64_t bit)
{
	if (bit > 55)
		return E_INVAL;
	d->timer_at = when;
	d->timer_bit = (uint8_t)bit;
	sched_deadlines_changed();
	if (when)
		arm_timer(d);
	return 0;
}
