// SPDX-License-Identifier: MIT
/* Placement of a domain on a hart; see placement.h. */
#include "kernel/sched/placement.h"

#include <stdbool.h>

/* Hart ids above 63 cannot be named in a mask: only "any" allows them. */
static bool allowed(uint32_t hartid, uint64_t mask)
{
	if (!mask)
		return true;
	return hartid < 64 && (mask >> hartid) & 1;
}

int placement_pick(const struct placement_hart *harts, unsigned n,
		   uint64_t mask)
{
	int best = -1;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!allowed(harts[i].hartid, mask))
			continue;
		if (best < 0 || harts[i].load < harts[best].load)
			best = (int)i;
	}
	return best;
}
