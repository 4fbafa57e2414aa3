// SPDX-License-Identifier: MIT
/*
 * A random storm against the kept table and the one-step paths
 * (tests/qemu/test_red10_step.py; docs/isolation.md, "red10"): 3,000
 * calls drawn from a fixed seed over 48 pages in three ranges that share
 * their leaf indices (A, A + 2 MiB, A + 1 GiB), with the kernel's answers
 * checked against a model of what each page holds: frame_alloc_map (the
 * step when the pool and the range allow, else the general way),
 * cap_delete (one step or not), protect, unmap of the page's only
 * mapping, a copy mapped at the page's twin in another range and deleted,
 * a frame of its own last frees taken back (RIVET_FRAME_REUSE: one it
 * gave back, no page's now) and mapped, and a read or write of a page the model says is there, or a load that
 * must fault. frame_alloc_map, unmap and protect go through the
 * submission ring half the time (its entries run frame_alloc_map_sys and
 * the map path's C code, with the same step). Every 40 calls a sleep
 * lets the idle loop refill the pool.
 * The configuration's args, a number, changes the seed.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>

#include "testmem.h"
#include "tests.h"

#define PG     4096UL
#define RW     (RIVET_CAP_R | RIVET_CAP_W)
#define NPAGES 16
#define NPG    (3 * NPAGES)
#define CALLS  3000

static const unsigned long base[3] = { 0x68000000UL, 0x68200000UL,
				       0xa8000000UL };

/* What the model says of page i. */
static struct {
	long slot;     /* its capability, -1: none */
	uint64_t val;  /* what it holds */
	unsigned prot; /* 0 none, R, RW */
	int mapped;    /* its frame mapped at its address */
	uint64_t pa;   /* its frame */
} pg[NPG];

/* Every frame this domain gave back (a buffer of its own: 32 KiB).
 * RIVET_FRAME_REUSE returns one of them, unzeroed, that nobody took
 * since (its last 16 frees first, and then older ones its list still
 * names), else a fresh frame as RIVET_FRAME_ANY does (zeroed); never
 * one a page still has. */
#define FREED_MAX 4096
static uint64_t *freed;
static unsigned nfreed;

static uint64_t seed = 0x9e3779b97f4a7c15UL;

#define RING_VA 0x65000000UL /* the ring's page, outside the model */
#define RING_N	4

static struct rivet_ring_head *const h = (struct rivet_ring_head *)RING_VA;
static int via_ring;
static unsigned long bad, last_bad_op;

static uint64_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* One call through the ring: its completion (rc -777 if the submit
 * itself failed). */
static struct rivet_ret ring1(unsigned long nr, unsigned long a0,
			      unsigned long a1, unsigned long a2)
{
	struct rivet_ring_entry *e =
		(struct rivet_ring_entry *)(RING_VA + RIVET_RING_ENTRIES_OFF) +
		h->sq_tail % RING_N;
	struct rivet_ring_done *d =
		(struct rivet_ring_done *)(RING_VA +
					   RIVET_RING_DONE_OFF(RING_N)) +
		h->sq_tail % RING_N;
	struct rivet_ret r;

	e->nr = nr;
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->args[3] = 0;
	d->rc = 12345;
	h->sq_tail++;
	r = sys2_ring_submit(1);
	if (r.rc || r.val != 1)
		return (struct rivet_ret){ -777, 0 };
	return (struct rivet_ret){ d->rc, d->val };
}

/* The calls the ring runs too: through it when via_ring. */
static struct rivet_ret alloc_map(unsigned long va)
{
	return via_ring ? ring1(SYS_frame_alloc_map, va, RW, 0)
			: sys2_frame_alloc_map(va, RW);
}

static long unmap(unsigned long slot, unsigned long va)
{
	return via_ring ? ring1(SYS_unmap, slot, va, 0).rc
			: sys_unmap(slot, va);
}

static long protect(unsigned long va, unsigned long rights)
{
	return via_ring ? ring1(SYS_protect, va, 1, rights).rc
			: sys_protect(va, 1, rights);
}

static unsigned long va_of(unsigned i)
{
	return base[i / NPAGES] + (i % NPAGES) * PG;
}

static uint64_t view_entry(unsigned long va)
{
	return *(volatile uint64_t *)(RIVET_PTVIEW_VA + (va >> 12) * 8);
}

static void check(int ok, unsigned long op)
{
	if (!ok) {
		bad++;
		last_bad_op = op;
	}
}

/* Page i as the model has it: its data, or a fault and no view entry. */
static void look(unsigned i, unsigned long op)
{
	unsigned long va = va_of(i);

	if (pg[i].mapped && pg[i].prot)
		check(*(volatile uint64_t *)va == pg[i].val && view_entry(va),
		      op);
	else
		check(pf_load_faults(va) && (pg[i].mapped || !view_entry(va)),
		      op);
}

/* Deletes page i's capability, its frame noted as given back. */
static long drop(unsigned i)
{
	freed[nfreed++ % FREED_MAX] = pg[i].pa;
	return sys_cap_delete(pg[i].slot);
}

/* Did this domain give pa back lately? */
static int given_back(uint64_t pa)
{
	unsigned k, given = 0;

	for (k = 0; k < FREED_MAX && k < nfreed; k++)
		given |= freed[k] == pa;
	return given;
}

/* Is pa no page's now? */
static int no_pages(uint64_t pa)
{
	unsigned k;

	for (k = 0; k < NPG; k++)
		if (pg[k].slot >= 0 && pg[k].pa == pa)
			return 0;
	return 1;
}

static void one(unsigned long op)
{
	unsigned i = (unsigned)(rnd() % NPG), twin;
	unsigned long va = va_of(i), c;
	struct rivet_ret r;

	via_ring = (int)(rnd() & 1);
	switch (rnd() % 9) {
	case 0: /* frame_alloc_map */
		r = alloc_map(va);
		if (pg[i].slot >= 0 && pg[i].mapped) {
			check(r.rc == E_EXIST, op);
			break;
		}
		if (pg[i].slot >= 0) { /* unmapped, slot held: maps anew */
			check(!r.rc, op);
			if (!r.rc)
				drop(i);
		} else {
			check(!r.rc, op);
		}
		pg[i].slot = r.rc ? -1 : (long)r.val;
		pg[i].pa = sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val;
		pg[i].mapped = !r.rc;
		pg[i].prot = RW;
		pg[i].val = 0;
		if (!r.rc) {
			check(*(volatile uint64_t *)va == 0, op);
			pg[i].val = rnd();
			*(volatile uint64_t *)va = pg[i].val;
		}
		break;
	case 1: /* cap_delete */
		if (pg[i].slot < 0)
			break;
		check(!drop(i), op);
		pg[i].slot = -1;
		pg[i].mapped = 0;
		break;
	case 2: /* protect */
		if (pg[i].slot < 0 || !pg[i].mapped) {
			check(protect(va, RIVET_CAP_R) == E_RANGE, op);
			break;
		}
		pg[i].prot = (unsigned)(rnd() % 3);
		pg[i].prot = pg[i].prot == 2 ? RW : pg[i].prot;
		check(!protect(va, pg[i].prot), op);
		break;
	case 3: /* unmap of its only mapping */
		if (pg[i].slot < 0 || !pg[i].mapped)
			break;
		check(!unmap(pg[i].slot, va), op);
		pg[i].mapped = 0;
		break;
	case 4: /* a copy mapped at the twin in another range, deleted */
		twin = (i + NPAGES) % NPG;
		if (pg[i].slot < 0 || pg[twin].slot >= 0)
			break;
		c = sys2_cap_derive(pg[i].slot, -1UL, RIVET_CAP_R, 7).val;
		check(!sys_map(c, va_of(twin), RIVET_CAP_R), op);
		check(*(volatile uint64_t *)va_of(twin) == pg[i].val, op);
		check(!sys_cap_delete(c), op);
		check(pf_load_faults(va_of(twin)) && !view_entry(va_of(twin)),
		      op);
		break;
	case 5: /* write then look */
		if (pg[i].slot >= 0 && pg[i].mapped && pg[i].prot == RW) {
			pg[i].val = rnd();
			*(volatile uint64_t *)va = pg[i].val;
		}
		look(i, op);
		break;
	case 7: /* one of its own last frees back, unzeroed, mapped */
		r = sys2_frame_alloc(RIVET_FRAME_REUSE, 1, 1);
		if (r.rc)
			break;
		c = r.val;
		r.val = sys2_cap_info(c, RIVET_CAPINFO_OBJECT).val;
		check(no_pages(r.val), op);
		if (pg[i].slot >= 0) {
			freed[nfreed++ % FREED_MAX] = r.val;
			sys_cap_delete(c);
			break;
		}
		check(!sys_map(c, va, RW), op);
		pg[i] = (typeof(pg[i])){ (long)c, *(volatile uint64_t *)va, RW,
					 1, r.val };
		/* Not one of its own: a fresh frame, zeroed. */
		check(given_back(r.val) || !pg[i].val, op);
		break;
	default:
		look(i, op);
	}
}

static void role_red10_storm(void)
{
	uint64_t frames, slots, allocs, deletes;
	unsigned long held[16];
	unsigned long op;
	unsigned i;

	const char *a = rivet_info()->args;

	while (*a >= '0' && *a <= '9')
		seed = seed * 10 + (uint64_t)(*a++ - '0');
	freed = testmem_alloc("storm", FREED_MAX * 8);
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);
	for (i = 0; i < NPG; i++)
		pg[i].slot = -1;
	sys_frame_alloc_map(RING_VA, RW);
	report("red10_storm_ring_setup", !sys_ring_setup(h, RING_N), "", 0, 0);
	/* Tables and view pages first: the counts after see frames only. */
	for (i = 0; i < 3; i++)
		sys_cap_delete(sys2_frame_alloc_map(base[i], RW).val);
	/* The kernel's list of this domain's last 16 frees made known:
	 * as many taken back (a fresh frame once it has none) and given
	 * back again, noted. */
	for (i = 0; i < 16; i++) {
		struct rivet_ret r = sys2_frame_alloc(RIVET_FRAME_REUSE, 1, 1);

		if (r.rc)
			break;
		held[i] = r.val;
	}
	while (i--) {
		freed[nfreed++ % FREED_MAX] =
			sys2_cap_info(held[i], RIVET_CAPINFO_OBJECT).val;
		sys_cap_delete(held[i]);
	}
	frames = sys2_kstat(KSTAT_MY_FRAMES).val;
	slots = sys2_kstat(KSTAT_MY_SLOTS).val;
	allocs = sys2_kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS).val;
	deletes = sys2_kstat(KSTAT_MY_ONE_STEP_DELETES).val;
	for (op = 0; op < CALLS; op++) {
		if (op % 40 == 0)
			rivet_sleep_us(1000);
		one(op);
	}
	for (i = 0; i < NPG; i++)
		if (pg[i].slot >= 0)
			check(!sys_cap_delete(pg[i].slot), CALLS + i);
	report("red10_storm_model_held", !bad, "mismatches %ld, last at %ld",
	       (long)bad, (long)last_bad_op);
	allocs = sys2_kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS).val - allocs;
	deletes = sys2_kstat(KSTAT_MY_ONE_STEP_DELETES).val - deletes;
	printf("red10: storm: %lu step alloc_maps, %lu one-step deletes, %lu "
	       "faults\n",
	       (unsigned long)allocs, (unsigned long)deletes,
	       (unsigned long)pf_count);
	report("red10_storm_took_the_steps", allocs > 20 && deletes > 100,
	       "step alloc_maps %ld, one-step deletes %ld", (long)allocs,
	       (long)deletes);
	report("red10_storm_left_nothing",
	       sys2_kstat(KSTAT_MY_FRAMES).val == frames &&
		       sys2_kstat(KSTAT_MY_SLOTS).val == slots,
	       "frames %ld slots %ld", (long)sys2_kstat(KSTAT_MY_FRAMES).val,
	       (long)sys2_kstat(KSTAT_MY_SLOTS).val);
}

const struct role red10_storm_roles[] = {
	{ "t_red10_storm", role_red10_storm },
	{ 0 },
};
