// SPDX-License-Identifier: MIT
/*
 * The submission ring (docs/libos-vm.md): a libOS queues kernel calls in
 * its own memory and runs them with one ring_submit. The consumer's rules
 * (each entry read once, checked on the kernel's copy, run once; counters
 * out of range refused) are in ring_consume.c; this file gives it d's
 * memory, through uaccess on every read and write (the domain may unmap
 * the ring at any time), and the calls, through the system call table.
 * Runs of maps, the common case, go first to map_batch's one-page loop
 * where they are in the ring (ring_maps_in_place: each page of the ring
 * looked up once per run, each word read once, completions written in
 * place); an entry that loop does not take goes through ring_consume,
 * alone, whose own runs of maps go to map_batch_each. Both give the same
 * result per entry as map.
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

#define RING_INSNS   20000 /* a piece's budget, about map_batch's */
#define RING_MAP_RUN 128   /* maps in place between ops->stop's looks */

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

/* One page of the ring as the kernel reaches it: the user page's
 * address (~0: none yet) and where the direct map has it. */
struct ring_window {
	uint64_t page;
	char *kva;
};

/* Where the byte at va is (user_page_kva), looked up once per page. */
static void *ring_window_at(struct domain *d, struct ring_window *w,
			    uint64_t va, bool write)
{
	uint64_t page = va & ~(uint64_t)(PAGE_SIZE - 1);

	if (page != w->page) {
		w->kva = user_page_kva(d, page, write);
		w->page = w->kva ? page : ~0ULL;
	}
	return w->kva ? w->kva + (va - page) : 0;
}

_Static_assert(RIVET_RING_ENTRIES_OFF % sizeof(unsigned long) == 0 &&
		       sizeof(struct rivet_ring_entry) %
				       sizeof(unsigned long) ==
			       0,
	       "ring entries in whole words");

/* An entry across two pages into *one, a word at a time through the
 * window (the words are 8-aligned: none is split), each read once:
 * false if a page of it is not readable. */
static bool ring_entry_across(struct domain *d, struct ring_window *w,
			      uint64_t eva, struct rivet_ring_entry *one)
{
	unsigned long *dst = (unsigned long *)one;
	const volatile unsigned long *src;
	uint64_t j;

	for (j = 0; j < sizeof(*one) / sizeof(*dst); j++) {
		src = ring_window_at(d, w, eva + j * sizeof(*dst), false);
		if (!src)
			return false;
		dst[j] = *src;
	}
	return true;
}

/*
 * Runs the queued maps from the kernel's head on, at most n, where they
 * are in the ring, with their completions written there (no copy; an
 * entry across two pages is read a word at a time into one), while
 * map_run_ring takes them (a map of a one-page capability it would map,
 * the common case) and ops->stop lets it (first: the piece has run
 * nothing yet): how many, all consumed. The entry it stops at is left for
 * ring_consume. The windows stay valid throughout: a map only adds
 * leaves, never moves or removes one.
 */
static uint64_t ring_maps_in_place(struct domain *d, struct ring_ctx *ctx,
				   uint64_t n, bool first)
{
	struct batch_cursor k = map_cursor_start();
	struct ring_window ew = { ~0ULL, 0 }, cw = { ~0ULL, 0 };
	struct rivet_ring_entry one;
	const struct rivet_ring_entry *e;
	struct rivet_ring_done *c;
	uint64_t done = 0, idx, want, fit, eva, cva, m;

	while (done < n) {
		if ((done || !first) && ring_stop(ctx))
			break;
		idx = (d->ring_head + done) & (d->ring_size - 1);
		want = n - done < RING_MAP_RUN ? n - done : RING_MAP_RUN;
		if (want > d->ring_size - idx)
			want = d->ring_size - idx; /* up to the ring's end */
		cva = d->ring_va + RIVET_RING_DONE_OFF(d->ring_size) +
		      idx * sizeof(*c);
		fit = (PAGE_SIZE - (cva & (PAGE_SIZE - 1))) / sizeof(*c);
		if (want > fit)
			want = fit; /* never 0: a completion splits no page */
		c = ring_window_at(d, &cw, cva, true);
		eva = d->ring_va + RIVET_RING_ENTRIES_OFF + idx * sizeof(*e);
		fit = (PAGE_SIZE - (eva & (PAGE_SIZE - 1))) / sizeof(*e);
		if (want > fit)
			want = fit;
		if (!want) { /* across two pages */
			e = ring_entry_across(d, &ew, eva, &one) ? &one : 0;
			want = 1;
		} else {
			e = ring_window_at(d, &ew, eva, false);
		}
		if (!e || !c)
			break;
		m = map_run_ring(d, &k, e, want, c);
		done += m;
		if (m < want)
			break;
	}
	map_cursor_end(d, &k);
	return done;
}

long ring_submit_sys(struct domain *d, uint64_t max, uint64_t *val)
{
	struct ring_ctx ctx = { d, arch_instret() };
	struct ring_consumer k = { d->ring_head, d->ring_size, RING_KNOWN,
				   RING_CALLS, SYS_map };
	uint64_t tail, before, todo, done = 0, m;
	long rc = 0;
	bool out;

	if (!d->ring_size)
		return E_NOENT;
	if (!max)
		return E_INVAL;
	before = syscall_restart_take(d, max);
	if (copy_from_user(d, &tail, d->ring_va, sizeof(tail)))
		return E_RANGE;
	todo = tail - k.head < max ? tail - k.head : max;
	/* A tail out of range refuses the call (as ring_consume: nothing
	 * run). In a piece after the first (before > 0: another hart moved
	 * the tail since) the call ends instead, with a1 = what the pieces
	 * before ran: E_RANGE would lose that count. */
	out = tail - k.head > k.size;
	if (out && !before)
		rc = E_RANGE;
	/* Maps in place while they come; any other entry (or one the
	 * in-place path leaves) through ring_consume, one at a time. */
	while (!rc && !out && done < todo) {
		m = ring_maps_in_place(d, &ctx, todo - done, !done);
		done += m;
		k.head = d->ring_head += m;
		if (done == todo || (done && ring_stop(&ctx)))
			break;
		rc = ring_consume(&k, tail, 1, &ring_ops, &ctx, &m);
		done += m;
		d->ring_head = k.head;
		if (!m)
			break;
	}
	if (copy_to_user(d, d->ring_va + sizeof(tail), &k.head,
			 sizeof(k.head)) &&
	    !rc)
		rc = E_RANGE;
	syscall_note_stretch(ctx.start);
	if (!rc && !out && done < max && tail != k.head) {
		/* Stopped part-way: the rest when d next runs. */
		d->ctx.x[REG_A0] = max - done;
		syscall_restart_keep(d, max - done, before + done);
		return SYSCALL_RESTART;
	}
	*val = before + done;
	return rc;
}
