/* SPDX-License-Identifier: MIT */
/* The capability system calls and what deleting a capability does. */
#ifndef KERNEL_CAP_SYSCALL_H
#define KERNEL_CAP_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/cap/cap.h"
#include "kernel/sched/domain.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

struct domain;

/*
 * The one delete callback (cap_delete_fn): undoes what the capability
 * backed (frames: mappings and, for the original, the frames) and, when
 * the capability was taken by someone other than its holder, posts a
 * revocation event to the holder. ctx is the acting domain or NULL.
 */
void cap_deleted(void *ctx, cap_ref_t ref, const struct cap *c);

long cap_sys_derive(struct domain *d, uint64_t slot, uint64_t dest,
		    uint64_t mask, uint64_t badge, uint64_t *new_slot);
long cap_sys_delete(struct domain *d, uint64_t slot);
/* Deletes d's capability in slot (originals take their copies along);
 * actor (NULL: the kernel) decides who is told. */
long cap_sys_delete_as(struct domain *d, uint32_t slot, struct domain *actor);
/* The same in bounded pieces: about limit instructions from start
 * (rdinstret). 0 once deleted, SYSCALL_RESTART if more is left (call it
 * again), or the lookup errors. An original shrinks as its frames go. */
long cap_delete_some(struct domain *d, uint32_t slot, struct domain *actor,
		     uint64_t start, uint64_t limit);
/* Revoke, and delete of an original with copies, stop part-way and
 * return SYSCALL_RESTART rather than keep the kernel long. */
long cap_sys_revoke(struct domain *d, uint64_t slot, uint64_t *count);

/* SYS_exit: d's capabilities go first, in restartable pieces (they are
 * most of a teardown); then d ends (sched_exit). */
long cap_sys_exit(struct domain *d, uint64_t status);

/* What exit does first, for the reaper: releases d's capabilities from
 * slot *next on, spending about limit instructions from start
 * (rdinstret). 0 once the space is empty, else SYSCALL_RESTART with
 * *next where to go on. */
long cap_release_some(struct domain *d, uint64_t *next, uint64_t start,
		      uint64_t limit);

/*
 * SYS_cap_info: a field of d's capability in slot; *val only on success.
 * The checks and errors of cap_slot_valid and cap_lookup (E_INVAL for a
 * slot out of range, E_NOENT for an empty one), then E_INVAL for what.
 * Inline and in as few loads as it takes: the ordinary system call path
 * calls it straight from the trap (kernel/syscall.c, cap_lookup_* in
 * docs/performance.md).
 */
static inline long cap_sys_info(struct domain *d, uint64_t slot, uint64_t what,
				uint64_t *val)
{
	const struct cap *c;

	/* One compare is cap_slot_valid and the bound: nslots < 2^32. */
	if (slot >= d->cs.nslots)
		return E_INVAL;
	c = &d->cs.slots[slot];
	if (c->type == CAP_NULL)
		return E_NOENT;
	if (what > RIVET_CAPINFO_BADGE)
		return E_INVAL;
	if (what == RIVET_CAPINFO_TYPE)
		*val = c->type | (uint64_t)c->rights << 8;
	else /* object, size, badge: three words in a row */
		*val = (&c->object)[what - RIVET_CAPINFO_OBJECT];
	return 0;
}
_Static_assert(RIVET_CAPINFO_TYPE == 0 && RIVET_CAPINFO_OBJECT == 1 &&
		       RIVET_CAPINFO_SIZE == 2 && RIVET_CAPINFO_BADGE == 3,
	       "cap_info's what");
_Static_assert(offsetof(struct cap, size) == offsetof(struct cap, object) + 8 &&
		       offsetof(struct cap, badge) ==
			       offsetof(struct cap, object) + 16,
	       "cap_info's words in a row");

#endif
