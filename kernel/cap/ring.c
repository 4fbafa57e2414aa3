// SPDX-License-Identifier: MIT
/*
 * The submission ring (docs/libos-vm.md): a libOS queues kernel calls in
 * its own memory and runs them with one ring_submit. The consumer's rules
 * (each entry read once, checked on the kernel's copy, run once; counters
 * out of range refused) are in ring_consume.c; this file gives it d's
 * memory, through uaccess on every read and write (the domain may unmap
 * the ring at any time), and the calls, through the system call table;
 * runs of maps go to map_batch's one-page path (map_batch_each) instead,
 * which reads them in the consumer's copy and gives the same result per
 * entry as map.
 *
 * Bounded kernel time, as for map_batch: a piece stops once RING_INSNS
 * instructions are spent or an interrupt is pending, after at least one
 * entry; the call is then restarted with a0 = what is left of max, and
 * only a1's total is kept in the restart record. The entries consumed
 * are in the kernel's head, not in the ring, so a piece never runs an
 * entry a piece before it ran.
 *
 * Only calls that return to their caller at once and finish in one
 * entry run in the ring (RING_CALLS): nothing that switches domains
 * (SYSCALL_FULL_FRAME_MASK), nothing that restarts (map_batch,
 * cap_revoke, cap_delete, frame_alloc of a run, debug_write), and not the
 * ring's own calls.
 */
#include "kernel/cap/ring.h"

#include "kernel/arch.h"
#include "kernel/cap/map_batch.h"
#include "kernel/cap/ring_consume.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/domain.h"
#include "kernel/syscall.h"
#include <rivet/errno.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>

#define RING_INSNS 20000 /* a piece's budget, about map_batch's */

#define RING_CALLS                                                             \
	((1UL << SYS_null) | (1UL << SYS_kstat) | (1UL << SYS_map) |           \
	 (1UL << SYS_unmap) | (1UL << SYS_cap_derive) |                        \
	 (1UL << SYS_cap_info) | (1UL << SYS_irq_ack) |                        \
	 (1UL << SYS_timer_event) | (1UL << SYS_protect) |                     \
	 (1UL << SYS_frame_alloc_map))
_Static_assert(!(RING_CALLS & SYSCALL_FULL_FRAME_MASK),
	       "the ring runs no call that switches domains");

/* The numbers the table defines: a retired one (2, 4) is no call at all,
 * E_NOSYS, as it is for the ecall. */
#define RING_KNOWN_BIT(num, name, params, errors) | (1UL << (num))
#define RING_KNOWN				  (0 RIVET_SYSCALLS(RING_KNOWN_BIT))

struct ring_ctx {
	struct domain *d;
	uint64_t start; /* rdinstret when the piece began */
};

static int ring_fetch(void *ctx, uint64_t index, uint64_t n,
		      struct rivet_ring_entry *out)
{
	struct domain *d = ((struct ring_ctx *)ctx)->d;

	return copy_from_user(d, out,
			      d->ring_va + RIVET_RING_ENTRIES_OFF +
				      index * sizeof(*out),
			      n * sizeof(*out));
}

static long ring_run(void *ctx, const struct rivet_ring_entry *e, uint64_t *val)
{
	uint64_t a[6] = { e->args[0], e->args[1], e->args[2], e->args[3] };
	long rc = syscall_run(((struct ring_ctx *)ctx)->d, e->nr, a, val);

	/* A map of a large capability stops part-way after one piece
	 * (frame_cap_map_some): its entry says E_BUSY, what it did stays
	 * done (the same map again goes on), and dispatch ends its restart
	 * record with ring_submit's, rather than a positive result reaching
	 * the completion. */
	return rc == SYSCALL_RESTART ? E_BUSY : rc;
}

/* A run of maps: map_batch's one-page path (one table walk per 2 MiB,
 * one fence), each entry with its own result, read from the chunk the
 * consumer copied in (no second copy). */
static void ring_run_maps(void *ctx, const struct rivet_ring_entry *e,
			  uint64_t n, struct rivet_ring_done *out)
{
	map_batch_each(((struct ring_ctx *)ctx)->d, e, n, out);
}

static int ring_post(void *ctx, uint64_t index, uint64_t n,
		     const struct rivet_ring_done *c)
{
	struct domain *d = ((struct ring_ctx *)ctx)->d;

	return copy_to_user(d,
			    d->ring_va + RIVET_RING_DONE_OFF(d->ring_size) +
				    index * sizeof(*c),
			    c, n * sizeof(*c));
}

static bool ring_stop(void *ctx)
{
	struct ring_ctx *r = ctx;

	return arch_instret() - r->start > RING_INSNS || arch_irq_pending();
}

static const struct ring_ops ring_ops = { ring_fetch, ring_run, ring_run_maps,
					  ring_post, ring_stop };

long ring_setup_sys(struct domain *d, uint64_t va, uint64_t n)
{
	struct rivet_ring_head h = { 0, 0, { 0 } };

	if (!va && !n) {
		d->ring_va = 0;
		d->ring_size = 0;
		return 0;
	}
	if (!n || n > RIVET_RING_MAX || (n & (n - 1)))
		return E_INVAL;
	if (va & (PAGE_SIZE - 1) || user_readable(d, va, RIVET_RING_BYTES(n)) ||
	    copy_to_user(d, va, &h, sizeof(h)))
		return E_RANGE;
	d->ring_va = va;
	d->ring_size = n;
	d->ring_head = 0;
	return 0;
}

long ring_submit_sys(struct domain *d, uint64_t max, uint64_t *val)
{
	struct ring_ctx ctx = { d, arch_instret() };
	struct ring_consumer k = { d->ring_head, d->ring_size, RING_KNOWN,
				   RING_CALLS, SYS_map };
	uint64_t tail, before, done = 0;
	long rc;

	if (!d->ring_size)
		return E_NOENT;
	if (!max)
		return E_INVAL;
	before = syscall_restart_take(d, max);
	if (copy_from_user(d, &tail, d->ring_va, sizeof(tail)))
		return E_RANGE;
	rc = ring_consume(&k, tail, max, &ring_ops, &ctx, &done);
	d->ring_head = k.head;
	if (copy_to_user(d, d->ring_va + sizeof(tail), &k.head,
			 sizeof(k.head)) &&
	    !rc)
		rc = E_RANGE;
	syscall_note_stretch(ctx.start);
	if (!rc && done < max && tail != k.head) {
		/* Stopped part-way: the rest when d next runs. */
		d->ctx.x[REG_A0] = max - done;
		syscall_restart_keep(d, max - done, before + done);
		return SYSCALL_RESTART;
	}
	*val = before + done;
	return rc;
}
