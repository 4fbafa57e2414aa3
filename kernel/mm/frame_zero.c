// SPDX-License-Identifier: MIT
/* Zeroed frames: the pool first, zeroing on demand, refills while idle. */
#include "kernel/mm/frame_zero.h"

#include "kernel/arch.h"
#include "kernel/lib/string.h"
#include "kernel/mm/frame_pool.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/quota.h"
#include "kernel/sched/bkl.h"

int frame_alloc_zeroed(uint32_t owner, uint64_t *pa)
{
	bool zeroed;
	int rc = frame_pool_alloc(mem_frames(), owner, pa, &zeroed);

	if (rc)
		return rc;
	if (!zeroed)
		memset(phys_to_virt(*pa), 0, PAGE_SIZE);
	return 0;
}

/* What the idle loop spent on the pool since boot (KSTAT_IDLE_ZERO_*):
 * the cost moved off the fault path, for docs/performance.md. */
static uint64_t idle_insns, idle_frames;

void frame_zero_idle(void)
{
	struct frame_table *ft = mem_frames();
	uint64_t pa, start = arch_instret(), n = 0;

	/* Only frames nobody was promised: a claimed frame is out of nfree
	 * while the lock is let go, and a reserved domain on another hart
	 * must still find every frame of its reservation (quota.c). */
	while (!arch_irq_pending() && quota_unreserved() > 0 &&
	       !frame_pool_claim(ft, CONFIG_FRAME_POOL_FRAMES, &pa)) {
		/* The claimed frame is FRAME_ZEROING, no one else's to
		 * touch: the other harts need not wait for the memset. */
		bkl_unlock();
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		bkl_lock();
		frame_pool_put(ft, pa);
		n++;
	}
	if (n) {
		idle_insns += arch_instret() - start;
		idle_frames += n;
	}
}

uint32_t frame_zero_pooled(void)
{
	return mem_frames()->npool;
}

uint64_t frame_zero_idle_insns(void)
{
	return idle_insns;
}

uint64_t frame_zero_idle_frames(void)
{
	return idle_frames;
}
