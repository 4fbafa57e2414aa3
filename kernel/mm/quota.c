// SPDX-License-Identifier: MIT
/* Memory quotas as reservations; see quota.h. */
#include "kernel/mm/quota.h"

#include "kernel/sched/domain.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include <rivet/errno.h>

uint64_t quota_outstanding;

int quota_reserve(struct domain *d, uint64_t frames, bool overcommit)
{
	if (!overcommit && frames > quota_unreserved())
		return E_NOMEM;
	d->quota_frames = frames;
	d->reserved = !overcommit;
	if (d->reserved)
		quota_outstanding += frames - d->used_frames;
	return 0;
}

void quota_release(struct domain *d)
{
	if (d->reserved && d->quota_frames > d->used_frames)
		quota_outstanding -= d->quota_frames - d->used_frames;
	d->reserved = false;
}

void quota_lend(struct domain *d, uint64_t n)
{
	d->quota_frames -= n;
	if (d->reserved)
		quota_outstanding -= n;
}

void quota_return(struct domain *d, uint64_t n)
{
	d->quota_frames += n;
	if (d->reserved) /* until quota_release() at its own end */
		quota_outstanding += n;
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
