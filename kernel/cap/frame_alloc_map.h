/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_CAP_FRAME_ALLOC_MAP_H
#define KERNEL_CAP_FRAME_ALLOC_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/syscall.h"

struct domain;

/*
 * SYS_frame_alloc_map: a fresh zeroed one-page frame for d, mapped at
 * vaddr with rights, in one kernel entry (the demand-paging fault's one
 * call). *slot = its capability. On any error nothing stays: no frame,
 * no slot, no mapping.
 */
long frame_alloc_map_sys(struct domain *d, uint64_t vaddr, uint64_t rights,
			 uint64_t *slot);

/*
 * The general way alone (no step first) as a handler (a0 = vaddr, a1 =
 * rights): frame_alloc_map_direct's way on, a tail call with the
 * arguments where they are.
 */
sysret_t frame_alloc_map_general(SYSCALL_PARAMS);

/*
 * The one step of the common case (kernel/cap/frame_alloc_map_step.c,
 * CONFIG_FAST_ALLOC_MAP): true once done (*slot = the capability), as
 * the general way would have done it; false with nothing changed when
 * any condition of the step does not hold (the general way then, which
 * also gives every error). Counted by KSTAT_MY_ONE_STEP_ALLOC_MAPS.
 */
bool frame_alloc_map_step(struct domain *d, uint64_t vaddr, uint64_t rights,
			  uint64_t *slot);

/*
 * SYS_frame_alloc_map's handler on the direct table (kernel/syscall.c:
 * one hart, no restart record): the step straight from the entry, else
 * frame_alloc_map_general.
 */
sysret_t frame_alloc_map_direct(SYSCALL_PARAMS);

#endif
