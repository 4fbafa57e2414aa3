// SPDX-License-Identifier: MIT
/* The abort protocol; see abort.h. */
#include "kernel/cap/abort.h"

#include "kernel/arch.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/printk.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/sched.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

/* Frames t holds through original frame capabilities (what it can give). */
static uint64_t returnable(const struct domain *t)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < t->cs.nslots; i++)
		if (t->cs.slots[i].type == CAP_FRAME &&
		    (t->cs.slots[i].flags & CAPF_FRAME_ORIGINAL))
			n += t->cs.slots[i].size;
	return n;
}

long abort_request(struct domain *req, uint64_t slot, uint64_t nframes,
		   uint64_t timeout_us)
{
	struct cap *c;
	struct domain *t;
	long rc;

	if (!cap_slot_valid(slot))
		return E_INVAL;
	rc = cap_lookup(&req->cs, (uint32_t)slot, CAP_DOMAIN, CAP_W, &c);
	if (rc)
		return rc;
	t = domain_by_object(c->object);
	if (!domain_live(t))
		return E_NOENT;
	if (t == req || !nframes || timeout_us > 60000000UL)
		return E_INVAL;
	if (t->abort_deadline)
		return E_BUSY;
	if (nframes > returnable(t))
		return E_RANGE;

	t->abort_want = nframes;
	t->abort_base = t->used_frames;
	t->abort_from = req;
	t->abort_deadline = timer_now() + timeout_us * timer_hz() / 1000000;
	t->info->abort_frames = nframes;
	t->info->abort_deadline = t->abort_deadline;
	pr_info("abort: %s asks %s for %llu frames within %llu us\n", req->name,
		t->name, (unsigned long long)nframes,
		(unsigned long long)timeout_us);
	sched_notify(t, RIVET_EVENT_ABORT);
	sched_deadlines_changed();
	sched_rearm();
	return 0;
}

static uint64_t returned(const struct domain *t)
{
	return t->used_frames < t->abort_base ? t->abort_base - t->used_frames
					      : 0;
}

/*
 * Answers t's pending request: forced frames were taken by the kernel.
 * What t gave back (up to what was asked) leaves its quota for the
 * asker's: it would otherwise stay promised to t, of no use to the asker
 * that asked for it. Nothing moves when either side has ended.
 */
static void answer(struct domain *t, uint64_t forced)
{
	struct domain *r = t->abort_from;
	uint64_t back = returned(t);

	if (domain_live(r) && domain_live(t))
		quota_move(t, r, back < t->abort_want ? back : t->abort_want);
	if (domain_live(r)) {
		r->info->abort_result.domain = t->id;
		r->info->abort_result.returned =
			(uint32_t)(back > forced ? back - forced : 0);
		r->info->abort_result.forced = (uint32_t)forced;
		sched_notify(r, RIVET_EVENT_ABORT_DONE);
	}
	t->abort_deadline = 0;
	t->abort_want = 0;
	t->abort_from = 0;
	sched_deadlines_changed();
	if (t->info) {
		t->info->abort_frames = 0;
		t->info->abort_deadline = 0;
	}
}

void abort_check(struct domain *t)
{
	if (t->abort_deadline && returned(t) >= t->abort_want)
		answer(t, 0);
}

/* Takes original frame capabilities from t, newest slot first. */
static void force(struct domain *t)
{
	uint64_t forced = 0;
	uint32_t i = t->cs.nslots;

	while (i-- > 0 && returned(t) < t->abort_want) {
		struct cap *c = &t->cs.slots[i];

		if (c->type != CAP_FRAME || !(c->flags & CAPF_FRAME_ORIGINAL))
			continue;
		forced += c->size;
		/* Kernel-initiated: t gets a revocation event for each. */
		cap_sys_delete_as(t, i, 0);
	}
	pr_warn("abort: %s returned %llu of %llu frames by the deadline; "
		"took %llu\n",
		t->name,
		(unsigned long long)(returned(t) > forced ? returned(t) - forced
							  : 0),
		(unsigned long long)t->abort_want, (unsigned long long)forced);
	answer(t, forced);
}

void abort_expire(uint64_t now)
{
	unsigned i;
	struct domain *t;

	for (i = 0; (t = domain_at(i)); i++)
		if (domain_live(t) && t->abort_deadline &&
		    now >= t->abort_deadline)
			force(t);
}

uint64_t abort_next_deadline(void)
{
	uint64_t next = ~0ULL;
	unsigned i;
	struct domain *t;

	for (i = 0; (t = domain_at(i)); i++)
		if (domain_live(t) && t->abort_deadline &&
		    t->abort_deadline < next)
			next = t->abort_deadline;
	return next;
}

void abort_requester_gone(struct domain *r)
{
	unsigned i;
	struct domain *t;

	/* Nobody is waiting for the frames any more: call it off. */
	for (i = 0; (t = domain_at(i)); i++)
		if (t->abort_deadline && t->abort_from == r)
			answer(t, 0);
}

void abort_target_gone(struct domain *t)
{
	if (t->abort_deadline)
		answer(t, 0);
}
