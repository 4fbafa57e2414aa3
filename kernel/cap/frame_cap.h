/* SPDX-License-Identifier: MIT */
/*
 * Frame capabilities: physical frames named by address, mapped by their
 * holders through checked bindings, and unmapped everywhere when the
 * capability goes away.
 *
 * A frame capability covers `size` pages from physical address `object`.
 * The original (a derivation-tree root) is created by frame_alloc and owns
 * the frames: deleting it frees them. Every mapping made through a
 * capability is recorded on that capability (struct cap.user is the head
 * of its mapping list), so deleting or revoking it unmaps exactly those
 * mappings, in whichever domain made them.
 */
#ifndef KERNEL_FRAME_CAP_H
#define KERNEL_FRAME_CAP_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/cap/cap.h"

struct domain;

/* One mapping made through a capability: where (its holder made it). */
struct frame_mapping {
	uint64_t va;
	uint32_t next; /* index + 1 in the holder's pool; 0 ends the list */
	uint32_t
		flags : 12; /* the rights mapped (RIVET_CAP_R/W/X), FRAME_MAP_* */
	uint32_t pages : 20; /* pages mapped from va on (2^18 at most) */
};

#define FRAME_MAP_RIGHTS 0x7u
/* frame_mapping.flags: this mapping of the console UART is what makes its
 * holder the kernel log's owner (kernel/lib/klog.h). */
#define FRAME_MAP_LOG 0x100u
/* Fewer pages than the capability's are mapped: a map or an unmap of a
 * large capability stopped part-way (frame_cap.c). */
#define FRAME_MAP_PARTIAL 0x200u
/* A map that failed part-way, removing what it mapped: its error. */
#define FRAME_MAP_UNDO_MASK  0xf0u
#define FRAME_MAP_UNDO(rc)   ((unsigned)(-(rc)) << 4)
#define FRAME_MAP_UNDO_RC(f) (-(int)(((f) >> 4) & 0xf))

/* struct cap.flags of the capability frame_alloc created: it owns the
 * frames. Copies are derived with flags 0. */
#define CAPF_FRAME_ORIGINAL 0x1
/* struct cap.flags of a device capability launch created: the device's
 * risks (DEVICE_RISK_DMA, DEVICE_RISK_MACHINE shifted by 1). Such a
 * capability has no grant right, so it never leaves its domain's space
 * (docs/devices.md). */
#define CAPF_DEVICE_DMA	    0x2
#define CAPF_DEVICE_MACHINE 0x4

/* Puts records [from, to) of d's mapping pool (d->maps, one per slot of
 * nslots) on its free list: calls that cover them all, in any pieces. */
void frame_cap_pool_thread(struct domain *d, uint32_t from, uint32_t to,
			   uint32_t nslots);

/*
 * Allocates npages frames for d (at paddr, or anywhere if paddr is
 * RIVET_FRAME_ANY), the first aligned to align pages, charged to its
 * quota, and puts a capability for them in a free slot. Returns 0 with
 * *slot, E_INVAL (bad count or alignment), E_RANGE (not RAM), E_BUSY (a
 * frame is not free), E_NOMEM (quota, slots, or no free run).
 */
/* Zeroing and freeing a long run are bounded: the call may return
 * SYSCALL_RESTART (see frame_cap.c); the same call made again goes on
 * (a system call's ecall again, or a kernel caller's loop: channel.c). */
int frame_cap_alloc(struct domain *d, uint64_t paddr, uint64_t npages,
		    uint64_t align, uint32_t *slot);

/*
 * Maps the frames of d's capability in slot at vaddr with rights
 * (RIVET_MAP_R/W/X). Checks: a frame capability holding those rights, W
 * only with R, never W and X together, vaddr page-aligned and the whole
 * range in user space outside the kernel-shared pages, nothing mapped
 * there yet, and W^X per frame: no frame of it mapped executable
 * anywhere if this mapping is writable, nor writable anywhere if it is
 * executable (by any domain, through any capability). Page-table pages
 * are charged to d. A mapping of the console UART makes d the kernel
 * log's owner if nobody is (kernel/lib/klog.h). Returns 0 or E_INVAL,
 * E_NOENT, E_PERM, E_RANGE, E_EXIST, E_BUSY (W^X), E_NOMEM.
 */
int frame_cap_map(struct domain *d, uint32_t slot, uint64_t vaddr,
		  unsigned rights);

/* A map's piece, as a revoke's (kernel/cap/cap_syscall.c): the limit
 * map and map_batch give frame_cap_map_some. */
#define MAP_INSNS 50000

/*
 * frame_cap_map in pieces, for a system call: the piece stops before a
 * chunk that would take it past limit instructions from start
 * (rdinstret) and returns SYSCALL_RESTART, with what it mapped recorded
 * (FRAME_MAP_PARTIAL); the same call again goes on (see frame_cap.c).
 * If first, it maps one chunk at least (a call's first map, so that
 * every piece gets on); else it may stop before anything. start 0: it
 * reads the clock itself (when more than a page is to map) and notes the
 * entry's time (KSTAT_STRETCH_MAX). frame_cap_map is this without a
 * limit.
 */
int frame_cap_map_some(struct domain *d, uint32_t slot, uint64_t vaddr,
		       unsigned rights, uint64_t start, uint64_t limit,
		       bool first);

/* Removes the mapping of slot's frames at vaddr that d made (ending its
 * log ownership if that mapping held it). A large one goes in pieces: the
 * call may return SYSCALL_RESTART (a system call only). */
int frame_cap_unmap(struct domain *d, uint32_t slot, uint64_t vaddr);

/*
 * The effects of deleting a frame capability (called by the capability
 * code with the capability still intact): undo every mapping made
 * through it (as frame_cap_unmap does each), free the frames if it is
 * the original. An original is only ever deleted after its descendants
 * (cap_sys_delete revokes first), so no copy outlives the frames.
 */
void frame_cap_deleted(cap_ref_t ref, const struct cap *c);

/*
 * Removes about max pages of the mappings made through c (any
 * capability; only frame and device ones have mappings), whole leaves
 * only and at least one, so that deleting c later has that much less to
 * do; *done counts the pages. Returns true once c has none left.
 */
bool frame_cap_unmap_some(cap_ref_t ref, struct cap *c, uint64_t max,
			  uint64_t *done);

/*
 * Frees up to max frames of original c from its end, shrinking it, if it
 * has no mapping and no copy left (else it does nothing): what deleting
 * it would free at once. Its first frame stays, for the deletion. True
 * once only that one is left.
 */
bool frame_cap_free_some(cap_ref_t ref, struct cap *c, uint64_t max);

/* Frees the run a frame_alloc of d left part-way (d->run_*), for about
 * limit instructions from start (rdinstret); true once none is left. */
bool frame_cap_run_free_some(struct domain *d, uint64_t start, uint64_t limit);

#endif
