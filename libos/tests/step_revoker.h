/* SPDX-License-Identifier: MIT */
/*
 * The protocol between t_step_revoker (allocmap_step.c) and a mapper role
 * that checks its one step goes the general way while a revoke is in
 * progress elsewhere (cap_system.nrevoking): a step word in the channel
 * page they share.
 */
#ifndef LIBOS_TESTS_STEP_REVOKER_H
#define LIBOS_TESTS_STEP_REVOKER_H

#include <stdint.h>

#include <rivet/libos.h>

#define RV_TREE	    60000 /* nodes: the revoke spans many slices */
#define RV_TRIES    16	  /* requests while it runs, at most */
#define RV_READY    1	  /* the mapper's range is ready */
#define RV_REVOKING 2	  /* the revoker is in its cap_revoke */
#define RV_DONE	    3	  /* and out of it */
#define RV_SEEN	    4 /* the mapper is done with the page: its end unmaps it */

static inline volatile uint64_t *rv_step(void)
{
	return (volatile uint64_t *)(uintptr_t)rivet_info()->channels[0].va;
}

#endif
