/* SPDX-License-Identifier: MIT */
/*
 * Memory quotas as reservations.
 *
 * A domain's `memory =` quota is set aside for it when it is created:
 * the frames stay on the free list, but the kernel counts them as
 * promised, and no other domain may take a frame that would leave the
 * free list shorter than what is promised. So a domain below its quota
 * always finds a frame, whatever the others do. The invariant kept is
 *
 *     free frames >= outstanding,
 *
 * outstanding being the sum over reserved domains of quota - used.
 *
 * A domain configured with `overcommit = yes` has a limit and no
 * reservation: it takes only frames nobody has been promised, so it may
 * run short, and it can never make a reserved domain run short.
 *
 * What is reserved is a number of frames, not particular frames: a
 * request for frames by physical address or for a contiguous run can
 * still find them taken (E_BUSY, or E_NOMEM for a run).
 */
#ifndef KERNEL_QUOTA_H
#define KERNEL_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm/mem.h"
#include "kernel/sched/domain.h"
#include <rivet/errno.h>

/* Frames reserved domains were promised and have not taken yet. */
extern uint64_t quota_outstanding;

/* Free frames nobody has been promised: what a new reservation, or an
 * overcommitted domain, may take. */
static inline uint64_t quota_unreserved(void)
{
	uint64_t nfree = mem_frames()->nfree;

	return nfree > quota_outstanding ? nfree - quota_outstanding : 0;
}

/*
 * Gives d a quota of frames: a reservation unless overcommit. Returns 0,
 * or E_NOMEM (nothing changed) if the reservation does not fit in
 * quota_unreserved(). Call before d takes any frame.
 */
int quota_reserve(struct domain *d, uint64_t frames, bool overcommit);

/* Gives back what d was promised and has not taken (d is going away). */
void quota_release(struct domain *d);

/*
 * d lends n frames of its unused quota to a domain it spawns (whose own
 * reservation then holds them) / gets n back when that domain ends.
 * Lend only what quota_frames - used_frames covers.
 */
void quota_lend(struct domain *d, uint64_t n);
void quota_return(struct domain *d, uint64_t n);

/*
 * Moves up to n frames of from's unused quota to to (the abort protocol:
 * what a target gave back goes to the asker). A reserved to takes only
 * what stays covered by free frames nobody else was promised. Returns
 * how many moved.
 */
uint64_t quota_move(struct domain *from, struct domain *to, uint64_t n);

/* 0 if d may take n more frames now, else E_NOMEM (changes nothing).
 * Inline, like quota_charge: every frame a page fault takes runs both. */
static inline int quota_check(const struct domain *d, uint64_t n)
{
	if (d->used_frames > d->quota_frames ||
	    n > d->quota_frames - d->used_frames)
		return E_NOMEM;
	/* A reserved domain's frames are on the free list by the invariant;
	 * anyone else may take only what nobody was promised. */
	if (!d->reserved && n > quota_unreserved())
		return E_NOMEM;
	return 0;
}

/* d took n frames (after quota_check) / gave n back to the free list. */
static inline void quota_charge(struct domain *d, uint64_t n)
{
	d->used_frames += n;
	if (d->reserved)
		quota_outstanding -= n;
}

static inline void quota_uncharge(struct domain *d, uint64_t n)
{
	d->used_frames -= n;
	if (d->reserved)
		quota_outstanding += n;
}

#endif
