/* SPDX-License-Identifier: MIT */
/*
 * The one-step paths' counters (KSTAT_MY_ONE_STEP_*: frame_alloc_map,
 * frame_alloc, map, cap_delete), as the step tests read them: which way
 * did a request just made take?
 */
#ifndef LIBOS_TESTS_STEP_COUNT_H
#define LIBOS_TESTS_STEP_COUNT_H

#include <rivet/libos.h>

/* The caller's count `which` so far; -1 from a kernel without the step
 * (the C twin, or the option off). */
static inline long step_count(unsigned long which)
{
	struct rivet_ret r = sys2_kstat(which);

	return r.rc ? -1 : (long)r.val;
}

/* Did the request just made take the step (want 1) or the general way
 * (want 0)? before: step_count(which) before it. The C twin has only the
 * general way. */
static inline int step_took(unsigned long which, long before, long want)
{
	long now = step_count(which);

	return before < 0 ? now < 0 : now - before == want;
}

#endif
