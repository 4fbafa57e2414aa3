/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_CAP_FRAME_ALLOC_MAP_H
#define KERNEL_CAP_FRAME_ALLOC_MAP_H

#include <stdint.h>

struct domain;

/*
 * SYS_frame_alloc_map: a fresh zeroed one-page frame for d, mapped at
 * vaddr with rights, in one kernel entry (the demand-paging fault's one
 * call). *slot = its capability. On any error nothing stays: no frame,
 * no slot, no mapping.
 */
long frame_alloc_map_sys(struct domain *d, uint64_t vaddr, uint64_t rights,
			 uint64_t *slot);

#endif
