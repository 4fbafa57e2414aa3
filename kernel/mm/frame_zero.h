/* SPDX-License-Identifier: MIT */
/*
 * Zeroed frames for domains and the kernel: taken from the zeroed-frame
 * pool (frame_pool.h) when it has one, zeroed on demand otherwise, and
 * the pool refilled while a hart idles. No frame reaches its new owner
 * with a byte of the old one's.
 */
#ifndef KERNEL_FRAME_ZERO_H
#define KERNEL_FRAME_ZERO_H

#include <stdint.h>

/* Takes a free frame for owner (0: the kernel) holding only zeroes:
 * *pa. E_NOMEM when no frame is free. */
int frame_alloc_zeroed(uint32_t owner, uint64_t *pa);

/*
 * Zeroes free frames into the pool until it holds CONFIG_FRAME_POOL_FRAMES,
 * no free frame is left outside it, or an interrupt is pending: at most
 * one frame's zeroing (about 650 instructions) late for the interrupt.
 * Called by the idle loop before it waits, with the big kernel lock held:
 * it lets the lock go around each memset (kernel/sched/bkl.h).
 */
void frame_zero_idle(void);

/* Frames in the pool now (KSTAT_ZEROED_FRAMES). */
uint32_t frame_zero_pooled(void);

/* Instructions the idle loop spent zeroing frames into the pool since
 * boot, and how many frames (KSTAT_IDLE_ZERO_INSNS, _FRAMES). */
uint64_t frame_zero_idle_insns(void);
uint64_t frame_zero_idle_frames(void);

#endif
