// SPDX-License-Identifier: MIT
/* Memory quotas as reservations; see quota.h. */
#include "kernel/mm/quota.h"

#include "kernel/sched/domain.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include <rivet/errno.h>

/* Frames reserved domains were promised and have not taken yet. */
static uint64_t outstanding;

uint64_t quota_unreserved(void)
{
	uint64_t nfree = mem_frames()->nfree;

	return nfree > outstanding ? nfree - outstanding : 0;
}

int quota_reserve(struct domain *d, uint64_t frames, bool overcommit)
{
	if (!overcommit && frames > quota_unreserved())
		return E_NOMEM;
	d->quota_frames = frames;
	d->reserved = !overcommit;
	if (d->reserved)
		outstanding += frames - d->used_frames;
	return 0;
}

void quota_release(struct domain *d)
{
	if (d->reserved && d->quota_frames > d->used_frames)
		outstanding -= d->quota_frames - d->used_frames;
	d->reserved = false;
}

int quota_check(const struct domain *d, uint64_t n)
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

void quota_charge(struct domain *d, uint64_t n)
{
	d->used_frames += n;
	if (d->reserved)
		outstanding -= n;
}

void quota_uncharge(struct domain *d, uint64_t n)
{
	d->used_frames -= n;
	if (d->reserved)
		outstanding += n;
}

void quota_lend(struct domain *d, uint64_t n)
{
	d->quota_frames -= n;
	if (d->reserved)
		outstanding -= n;
}

void quota_return(struct domain *d, uint64_t n)
{
	d->quota_frames += n;
	if (d->reserved) /* until quota_release() at its own end */
		outstanding += n;
}

uint64_t quota_move(struct domain *from, struct domain *to, uint64_t n)
{
	uint64_t unused = from->quota_frames > from->used_frames
				  ? from->quota_frames - from->used_frames
				  : 0;

	if (n > unused)
		n = unused;
	quota_lend(from, n); /* from's promise shrinks by n */
	/* What to cannot be promised stays free for anyone. */
	if (to->reserved && n > quota_unreserved())
		n = quota_unreserved();
	quota_return(to, n);
	return n;
}
