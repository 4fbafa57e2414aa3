// SPDX-License-Identifier: MIT
/*
 * SYS_map_batch: many maps in one system call.
 *
 * Bounded kernel time, as for revoke (kernel/cap/cap_syscall.c): at most
 * MAP_BATCH_PER_ENTRY entries per kernel entry, fewer once an interrupt
 * is pending or MAP_INSNS have gone; then the call is restarted with
 * a0/a1 moved past the entries done (they stay mapped), so what is left
 * to do is in the arguments themselves. An entry of a large capability
 * may itself stop part-way (frame_cap_map_some): the batch is restarted
 * at that entry, which goes on from its mapping's record. Only a1's
 * total is kept in the domain.
 *
 * The common entry maps a one-page frame capability next to the one
 * before. frame_cap_map, the general map, pays per entry for what a
 * batch can do once: a walk from the root to the last-level table, the
 * view page's check, a fence, the frame table's lookup, and its own call.
 * map_one_fast keeps the last-level table of the 2 MiB it last mapped in
 * (one walk per 2 MiB), checks everything frame_cap_map checks for such
 * an entry, and fences once per kernel entry (uvm_flush_asid before the
 * domain runs again). Any other entry, and any entry it would refuse,
 * goes to frame_cap_map, which gives the same result and the same error
 * from the same state: the fast path changes nothing before its last
 * check but what frame_cap_map would also have made (view and table
 * pages for vaddr).
 */
#include "kernel/cap/map_batch.h"

#include "kernel/arch.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/cap/frame_map_record.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/domain.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/errno.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>

#ifdef CONFIG_FAST_MAP_BATCH
#define FAST_MAP_BATCH 1
#else
#define FAST_MAP_BATCH 0
#endif

#define MAP_BATCH_PER_ENTRY 128
#define MAP_BATCH_CHUNK	    64 /* entries copied in at a time: 1.5 KiB */

/* What map_run_fast keeps from one entry to the next: the last-level
 * table of the 2 MiB it mapped in last, the PTE bits of the last rights
 * seen, and the first RAM bank's frame table entries (frame_entry's
 * inline case). */
struct batch_cursor {
	uint64_t region; /* va >> 21, or ~0: none */
	uint64_t *leaf;
	uint64_t rights, perm; /* perm: PTE bits for rights, ceiling too */
	struct frame *frames;
	uint64_t bank_base, bank_frames;
	bool mapped; /* an entry was set without a fence */
};

/* Rights frame_cap_map accepts, as a bit per value: R, R+W, X, R+X (W
 * needs R; never W and X). */
#define RIGHTS_OK                                                              \
	(1u << RIVET_CAP_R | 1u << (RIVET_CAP_R | RIVET_CAP_W) |               \
	 1u << RIVET_CAP_X | 1u << (RIVET_CAP_R | RIVET_CAP_X))

/* A new 2 MiB for map_run_fast: its view page and last-level table, as
 * frame_cap_map would make them for va. false: let frame_cap_map say
 * why not. */
static bool cursor_move(struct domain *d, struct batch_cursor *k, uint64_t va)
{
	int rc = 0;

	k->region = ~0ULL;
	if (va >= RIVET_MAP_TOP || ptview_prepare(&d->as, va, 1))
		return false;
	k->leaf = uvm_leaf_table(&d->as, va, &rc);
	if (!k->leaf)
		return false;
	k->region = va >> 21;
	return true;
}

/*
 * An entry as both arrays hold it: slot, vaddr and rights in three words
 * in a row (struct rivet_map_entry; a ring entry's args[0..2]), entries
 * stride words apart. The ring's entries are read where its copy has
 * them, not copied again into map entries.
 */
#define E_SLOT(w)   ((w)[0])
#define E_VADDR(w)  ((w)[1])
#define E_RIGHTS(w) ((w)[2])
#define MAP_STRIDE  (sizeof(struct rivet_map_entry) / sizeof(unsigned long))
#define RING_STRIDE (sizeof(struct rivet_ring_entry) / sizeof(unsigned long))
_Static_assert(sizeof(struct rivet_map_entry) == 3 * sizeof(unsigned long),
	       "slot, vaddr, rights in a row");
_Static_assert(sizeof(((struct rivet_ring_entry *)0)->args) >=
		       3 * sizeof(unsigned long),
	       "a map's arguments in args[0..2]");

/*
 * Maps entries from w on, at most n, while each is the common case and
 * one frame_cap_map would accept (see the top of the file): how many.
 * The entry it stops at is left untouched but for view and table pages
 * frame_cap_map would also make for it.
 */
static __attribute__((noinline)) uint64_t
map_run_fast(struct domain *d, struct batch_cursor *k, const unsigned long *w,
	     uint64_t stride, uint64_t n)
{
	/* The cursor in registers: stores through the tables below could
	 * alias it, and the loop would load it again for every entry. */
	struct batch_cursor kk = *k;
	struct cap *slots = d->cs.slots;
	uint64_t nslots = d->cs.nslots, done;

	/* A revoke in progress somewhere: frame_cap_map says which
	 * capabilities it keeps from being mapped (E_BUSY). */
	if (domain_caps.nrevoking)
		return 0;
	for (done = 0; done < n; done++, w += stride) {
		uint64_t va = E_VADDR(w), r = E_RIGHTS(w), slot = E_SLOT(w);
		uint64_t pte, i;
		unsigned kind;
		struct frame *f = 0;
		struct cap *c;

		if (r > 7 || !((RIGHTS_OK >> r) & 1) || va & (PAGE_SIZE - 1) ||
		    slot >= nslots || !d->maps_free)
			break;
		c = &slots[slot];
		if (c->type != CAP_FRAME || c->size != 1 ||
		    (c->rights & r) != r)
			break;
		kind = r & RIVET_CAP_W	 ? FRAME_WX_W
		       : r & RIVET_CAP_X ? FRAME_WX_X
					 : 0;
		if (kind) {
			/* frame_wx_check of one frame, the first bank inline. */
			i = (c->object - kk.bank_base) >> FRAME_SHIFT;
			f = c->object >= kk.bank_base && i < kk.bank_frames
				    ? &kk.frames[i]
				    : frame_entry(mem_frames(), c->object);
			if (f && f->wx_maps && f->wx != kind)
				break; /* E_BUSY */
		}
		if (va >> 21 != kk.region && !cursor_move(d, &kk, va))
			break;
		if (r != kk.rights) {
			/* RIVET_CAP_R/W/X are PTE_R/W/X shifted down. */
			kk.rights = r;
			kk.perm = r << 1 | pte_ceiling_bits(r << 1) | PTE_U;
		}
		pte = pte_leaf(c->object, kk.perm);
		if (uvm_leaf_set(kk.leaf, va, pte))
			break; /* E_EXIST */
		if (f) {
			f->wx = (uint16_t)kind;
			f->wx_maps++;
		}
		frame_map_record(d, c, va, pte, (uint32_t)r);
	}
	kk.mapped |= done != 0;
	*k = kk;
	return done;
}

/* Maps w the general way, within the piece that began at start (first:
 * the piece's first map, which always gets on); the cursor is dropped,
 * since the general map may change tables it does not know about. */
static long map_one(struct domain *d, struct batch_cursor *k,
		    const unsigned long *w, uint64_t start, bool first)
{
	k->region = ~0ULL;
	if (!cap_slot_valid(E_SLOT(w)) || E_RIGHTS(w) > 0xff)
		return E_INVAL;
	return frame_cap_map_some(d, (uint32_t)E_SLOT(w), E_VADDR(w),
				  (unsigned)E_RIGHTS(w), start, MAP_INSNS,
				  first);
}

/* A cursor with nothing cached yet. */
static struct batch_cursor cursor_start(void)
{
	struct frame_table *ft = mem_frames();

	return (struct batch_cursor){ ~0ULL,	      0,
				      ~0ULL,	      0,
				      ft->frames,     ft->banks[0].base,
				      ft->banks[0].n, false };
}

void map_batch_each(struct domain *d, const struct rivet_ring_entry *e,
		    uint64_t n, struct rivet_ring_done *out)
{
	struct batch_cursor k = cursor_start();
	uint64_t i, m, start = arch_instret();

	for (i = 0; i < n; i++) {
		if (FAST_MAP_BATCH) {
			m = map_run_fast(d, &k, e[i].args, RING_STRIDE, n - i);
			for (; m; m--, i++)
				out[i] = (struct rivet_ring_done){ 0, 0 };
			if (i == n)
				break;
		}
		/* A large capability maps within one piece (MAP_INSNS for
		 * the whole run; the first entry always gets on): one that
		 * stopped part-way or never began says E_BUSY, what it mapped
		 * stays, and the same map again goes on from its record. */
		out[i].rc = map_one(d, &k, e[i].args, start, i == 0);
		out[i].val = 0;
		if (out[i].rc == SYSCALL_RESTART)
			out[i].rc = E_BUSY;
	}
	if (k.mapped)
		uvm_flush_asid(d->as.asid);
}

long map_batch_sys(struct domain *d, uint64_t uva, uint64_t count,
		   uint64_t *val)
{
	struct rivet_map_entry e[MAP_BATCH_CHUNK];
	struct batch_cursor k = cursor_start();
	uint64_t done = 0, n, i, before, start = arch_instret();
	long rc = 0;

	if (count > RIVET_MAP_BATCH_MAX)
		return E_TOOBIG;
	before = syscall_restart_take(d, uva);
	while (done < count && !rc) {
		if (done &&
		    (done >= MAP_BATCH_PER_ENTRY || arch_irq_pending() ||
		     arch_instret() - start >= MAP_INSNS))
			goto restart;
		n = count - done < MAP_BATCH_CHUNK ? count - done
						   : MAP_BATCH_CHUNK;
		if (copy_from_user(d, e, uva + done * sizeof(e[0]),
				   n * sizeof(e[0]))) {
			rc = E_RANGE;
			break;
		}
		for (i = 0; i < n; i++) {
			if (FAST_MAP_BATCH) {
				uint64_t m = map_run_fast(d, &k, &e[i].slot,
							  MAP_STRIDE, n - i);

				done += m;
				i += m;
				if (i == n)
					break;
			}
			rc = map_one(d, &k, &e[i].slot, start, !done);
			if (rc == SYSCALL_RESTART)
				goto restart;
			if (rc)
				break;
			done++;
		}
	}
	*val = before + done;
	goto out;
restart:
	d->ctx.x[REG_A0] = uva + done * sizeof(e[0]);
	d->ctx.x[REG_A1] = count - done;
	syscall_restart_keep(d, d->ctx.x[REG_A0], before + done);
	rc = SYSCALL_RESTART;
out:
	if (k.mapped)
		uvm_flush_asid(d->as.asid);
	syscall_note_stretch(start);
	return rc;
}
