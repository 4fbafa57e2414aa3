// SPDX-License-Identifier: MIT
/* The abort protocol; see abort.h. */
#include "kernel/cap/abort.h"

#include "kernel/arch.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/printk.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

/*
 * Frames t holds through original frame capabilities (what it can give),
 * counted over its whole space: up to 65,536 slots, so in restartable
 * pieces (COUNT_INSNS, as a revoke's), the slot reached and the sum so
 * far in req's restart record. t runs between pieces, so the count is
 * what t held as the scan passed; it is a check of the request, and t
 * may give or take frames right after it anyway. 0 with *n, or
 * SYSCALL_RESTART.
 */
#define COUNT_INSNS 50000
#define COUNT_LOOK  512 /* slots between two looks at the clock */
#define COUNT_SLOT  ((1ULL << 17) - 1)

static long returnable(struct domain *req, const struct domain *t,
		       uint64_t slot, uint64_t start, uint64_t *n)
{
	const struct cap *slots = t->cs.slots;
	uint64_t at = syscall_restart_take(req, slot), sum = at >> 17;
	uint32_t i = (uint32_t)(at & COUNT_SLOT), nslots = t->cs.nslots;

	while (i < nslots) {
		uint32_t end =
			nslots - i > COUNT_LOOK ? i + COUNT_LOOK : nslots;

		for (; i < end; i++)
			if (slots[i].type == CAP_FRAME &&
			    (slots[i].flags & CAPF_FRAME_ORIGINAL))
				sum += slots[i].size;
		if (i < nslots && arch_instret() - start >= COUNT_INSNS) {
			syscall_restart_keep(req, slot, sum << 17 | i);
			return SYSCALL_RESTART;
		}
	}
	*n = sum;
	return 0;
}

long abort_request(struct domain *req, uint64_t slot, uint64_t nframes,
		   uint64_t timeout_us)
{
	uint64_t start = arch_instret(), held;
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
	rc = returnable(req, t, slot, start, &held);
	syscall_note_stretch(start);
	if (rc)
		return rc;
	if (nframes > held)
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
	if (t->abort_forcing)
		cap_revoking_clear(&domain_caps, t->cs.id);
	t->abort_deadline = 0;
	t->abort_want = 0;
	t->abort_from = 0;
	t->abort_forcing = false;
	sched_deadlines_changed();
	if (t->info) {
		t->info->abort_frames = 0;
		t->info->abort_deadline = 0;
	}
}

void abort_check(struct domain *t)
{
	if (t->abort_deadline && returned(t) >= t->abort_want)
		answer(t, t->abort_forcing ? t->abort_forced : 0);
}

/*
 * Bounded kernel time: taking t's frames deletes original capabilities,
 * each with its copies, mappings and frames, which grows with t's
 * space (millions of instructions for a full one) and runs on the timer
 * path, outside any system call to restart. So the kernel takes them in
 * pieces of FORCE_INSNS, one at each expiry: a piece that leaves more
 * sets t's deadline FORCE_GAP_US ahead, and other domains run in
 * between. t keeps running too; what it gives back meanwhile counts.
 */
#define FORCE_INSNS  20000
#define FORCE_GAP_US 100

/* One piece of taking original frame capabilities from t, newest slot
 * first; true once it has taken enough or has none left. */
static bool force_piece(struct domain *t, uint64_t start)
{
	while (t->abort_slot > 0 && returned(t) < t->abort_want) {
		uint32_t i = t->abort_slot - 1;
		struct cap *c = &t->cs.slots[i];
		uint64_t before = t->used_frames;
		long rc;

		if (c->type != CAP_FRAME || !(c->flags & CAPF_FRAME_ORIGINAL)) {
			t->abort_slot--;
			if (i % 64 == 0 &&
			    arch_instret() - start >= FORCE_INSNS)
				return false;
			continue;
		}
		/* Kernel-initiated: t gets a revocation event for each. */
		rc = cap_delete_some(t, i, 0, start, FORCE_INSNS);
		t->abort_forced += before - t->used_frames;
		if (rc == SYSCALL_RESTART)
			return false;
		t->abort_slot--;
		/* Enough taken is done now, whatever the clock says: t may
		 * end before another piece would have answered. */
		if (returned(t) < t->abort_want &&
		    arch_instret() - start >= FORCE_INSNS)
			return false;
	}
	return true;
}

/* Takes original frame capabilities from t, newest slot first, a piece
 * at a time, and answers once enough are back. */
static void force(struct domain *t, uint64_t now)
{
	uint64_t start = arch_instret();

	if (!t->abort_forcing) {
		t->abort_forcing = true;
		t->abort_slot = t->cs.nslots;
		t->abort_forced = 0;
		t->abort_pieces = 0;
	}
	t->abort_pieces++;
	if (!force_piece(t, start)) {
		t->abort_deadline = now + FORCE_GAP_US * timer_hz() / 1000000;
		sched_deadlines_changed();
		syscall_note_stretch(start);
		return;
	}
	/* The record a piece left against copies of what it revoked. */
	cap_revoking_clear(&domain_caps, t->cs.id);
	pr_warn("abort: %s returned %llu of %llu frames by the deadline; "
		"took %llu\n",
		t->name,
		(unsigned long long)(returned(t) > t->abort_forced
					     ? returned(t) - t->abort_forced
					     : 0),
		(unsigned long long)t->abort_want,
		(unsigned long long)t->abort_forced);
	pr_info("abort: took %llu frames from %s in %u pieces\n",
		(unsigned long long)t->abort_forced, t->name, t->abort_pieces);
	answer(t, t->abort_forced);
	syscall_note_stretch(start);
}

void abort_expire(uint64_t now)
{
	unsigned i;
	struct domain *t;

	for (i = 0; (t = domain_at(i)); i++)
		if (domain_live(t) && t->abort_deadline &&
		    now >= t->abort_deadline)
			force(t, now);
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
