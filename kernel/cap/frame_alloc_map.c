// SPDX-License-Identifier: MIT
/*
 * Allocate and map in one call (SYS_frame_alloc_map): a demand-paging
 * fault then costs one kernel entry instead of two. It is frame_alloc of
 * one page followed by map; a map that fails deletes the new capability
 * again, which frees its frame (it is an original with no copy and no
 * mapping), so a refused call leaves no frame, slot or mapping behind. As
 * after a refused map, page-table and view pages made for vaddr before the
 * quota ran out stay (charged, and used by the next mapping there).
 */
#include "kernel/cap/frame_alloc_map.h"

#include "kernel/cap/cap_syscall.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/sched/domain.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

long frame_alloc_map_sys(struct domain *d, uint64_t vaddr, uint64_t rights,
			 uint64_t *slot)
{
	uint32_t s;
	long rc;

	if (rights > 0xff)
		return E_INVAL;
	rc = frame_cap_alloc(d, RIVET_FRAME_ANY, 1, 1, &s);
	if (rc)
		return rc;
	rc = frame_cap_map(d, s, vaddr, (unsigned)rights);
	if (rc) {
		cap_sys_delete_as(d, s, d);
		return rc;
	}
	*slot = s;
	return 0;
}
