/* SPDX-License-Identifier: MIT */
/*
 * Which hart a domain is placed on (docs/smp.md, Placement): among the
 * online harts its configuration allows, the one with the fewest domains,
 * the lowest index on a tie. Pure; host-testable.
 */
#ifndef KERNEL_SCHED_PLACEMENT_H
#define KERNEL_SCHED_PLACEMENT_H

#include <stdint.h>

struct placement_hart {
	uint32_t hartid;
	unsigned load; /* domains placed on it so far */
};

/*
 * Picks one of harts[0..n) (index 0 the boot hart, then the others in
 * tree order) for a domain whose allowed set is mask (bit i: hart id i;
 * 0: any hart, whatever its id). Returns its index, or -1 when no online
 * hart is allowed.
 */
int placement_pick(const struct placement_hart *harts, unsigned n,
		   uint64_t mask);

#endif
