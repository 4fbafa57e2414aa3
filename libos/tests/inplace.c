// SPDX-License-Identifier: MIT
/*
 * map_batch's entries and the ring's runs of maps read where the domain
 * wrote them (tests/qemu/test_inplace.py): a page at a time, an entry
 * across two pages as well as the others, and a page that cannot be
 * read (or, for the ring's completions, written) stops the call exactly
 * at the first entry on it, with every entry before it mapped and
 * counted; the rights may change from one entry to the next; a ring run
 * of maps mixed with other calls and refused maps gives each entry its
 * own completion, across the entries that straddle the ring's pages.
 */
#include <stdint.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>

#include "tests.h"

#define AVA 0x63000000UL /* the arrays' and rings' own pages */
#define MVA 0x64000000UL /* what the cases map, 2 MiB per case */
#define PG  4096UL
#define N   256 /* ring entries: 4 pages */
#define RW  (RIVET_CAP_R | RIVET_CAP_W)
#define RX  (RIVET_CAP_R | RIVET_CAP_X)

static unsigned long frame(void)
{
	return sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
}

static uint64_t mappings(void)
{
	return sys2_kstat(KSTAT_MY_MAPPINGS).val;
}

/* A fresh frame mapped at va with rights: its slot. */
static unsigned long own_page(unsigned long va, unsigned long rights)
{
	unsigned long f = frame();

	sys_map(f, va, rights);
	return f;
}

/* The PTE bits V, R, W, X that rights give. */
static uint64_t pte_bits(unsigned long rights)
{
	return 1 | rights << 1;
}

/* n entries at e, each a fresh frame at va + i pages with rights. */
static void fill(struct rivet_map_entry *e, unsigned n, unsigned long va,
		 unsigned long rights)
{
	unsigned i;

	for (i = 0; i < n; i++)
		e[i] = (struct rivet_map_entry){ frame(), va + i * PG, rights };
}

/* Are pages [va, va + n pages) mapped with rights (want) or not at all? */
static int mapped(unsigned long va, unsigned n, unsigned long rights, int want)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (want ? (rivet_pte(va + i * PG) & 0xf) != pte_bits(rights)
			 : rivet_pte(va + i * PG) != 0)
			return 0;
	return 1;
}

/* 40 entries across two pages, the sixth split by the boundary. */
static void batch_across_pages(void)
{
	struct rivet_map_entry *e =
		(struct rivet_map_entry *)(AVA + PG - 5 * 24 - 8);
	uint64_t before;
	struct rivet_ret r;

	own_page(AVA, RW);
	own_page(AVA + PG, RW);
	fill(e, 40, MVA, RW);
	before = mappings();
	r = sys2_map_batch(e, 40);
	report("inplace_batch_across_pages",
	       r.rc == 0 && r.val == 40 && mappings() == before + 40 &&
		       mapped(MVA, 40, RW, 1),
	       "rc %ld n %ld", r.rc, (long)r.val);
}

/* Five entries, then one split by the boundary with a page nobody
 * mapped: E_RANGE, five mapped and counted. */
static void batch_unreadable_page(void)
{
	struct rivet_map_entry *e =
		(struct rivet_map_entry *)(AVA + 3 * PG - 5 * 24 - 8);
	unsigned long va = MVA + 512 * PG;
	uint64_t before;
	struct rivet_ret r;

	own_page(AVA + 2 * PG, RW);
	fill(e, 5, va, RW);
	before = mappings();
	r = sys2_map_batch(e, 10);
	report("inplace_batch_stops_at_unreadable_entry",
	       r.rc == E_RANGE && r.val == 5 && mappings() == before + 5 &&
		       mapped(va, 5, RW, 1) && mapped(va + 5 * PG, 5, 0, 0),
	       "rc %ld n %ld", r.rc, (long)r.val);
}

/* R, RW, RX, R, ... entry after entry: each page with its own rights. */
static void batch_rights_change(void)
{
	static const unsigned long rights[3] = { RIVET_CAP_R, RW, RX };
	static struct rivet_map_entry e[12];
	unsigned long va = MVA + 1024 * PG;
	struct rivet_ret r;
	unsigned i;
	int ok = 1;

	for (i = 0; i < 12; i++)
		e[i] = (struct rivet_map_entry){ frame(), va + i * PG,
						 rights[i % 3] };
	r = sys2_map_batch(e, 12);
	for (i = 0; i < 12; i++)
		ok &= mapped(va + i * PG, 1, rights[i % 3], 1);
	report("inplace_batch_rights_change_per_entry",
	       r.rc == 0 && r.val == 12 && ok, "rc %ld n %ld", r.rc,
	       (long)r.val);
}

struct ring {
	struct rivet_ring_head *h;
	struct rivet_ring_entry *e;
	struct rivet_ring_done *c;
	unsigned long page[4]; /* the slots of its pages */
};

/* A ring of N entries in four fresh pages at va, the last mapped with
 * last_rights; named to the kernel. */
static struct ring ring_at(unsigned long va, unsigned long last_rights)
{
	struct ring g = {
		(struct rivet_ring_head *)va,
		(struct rivet_ring_entry *)(va + RIVET_RING_ENTRIES_OFF),
		(struct rivet_ring_done *)(va + RIVET_RING_DONE_OFF(N)),
		{ 0 }
	};
	unsigned i;

	for (i = 0; i < 4; i++)
		g.page[i] = own_page(va + i * PG, i == 3 ? last_rights : RW);
	if (sys_ring_setup(g.h, N))
		g.h = 0;
	return g;
}

/* Entry i: a map of a fresh frame at va + i pages with rights; its
 * completion made unlike any result if its page is writable (the first
 * 124 are on the ring's third page). */
static void queue_map(struct ring *g, unsigned i, unsigned long va,
		      unsigned long rights)
{
	g->e[i] = (struct rivet_ring_entry){
		SYS_map, { frame(), va + i * PG, rights, 0 }
	};
	if (i < 124 || (rivet_pte((unsigned long)&g->c[i]) & 0x4))
		g->c[i] = (struct rivet_ring_done){ 12345, 12345 };
}

/*
 * 256 entries: maps, some read-only, with a null call every seventh and a
 * map of a page already mapped every eleventh; entries 100 and 203 lie
 * across the ring's pages. Each gets the direct call's result.
 */
static void ring_mixed(void)
{
	struct ring g = ring_at(AVA + 4 * PG, RW);
	unsigned long va = MVA + 2048 * PG, taken = MVA;
	uint64_t before, maps = 0;
	struct rivet_ret r;
	unsigned i;
	int ok = 1;

	if (!g.h) {
		report("inplace_ring_mixed_entries", 0, "ring_setup %ld %ld", 0,
		       0);
		return;
	}
	for (i = 0; i < N; i++) {
		queue_map(&g, i, va, i % 13 == 7 ? RIVET_CAP_R : RW);
		if (i % 7 == 3)
			g.e[i] = (struct rivet_ring_entry){ SYS_null };
		else if (i % 11 == 5)
			g.e[i].args[1] = taken;
		else
			maps++;
	}
	g.h->sq_tail = N;
	before = mappings();
	r = sys2_ring_submit(N);
	for (i = 0; i < N; i++) {
		long want = i % 7 != 3 && i % 11 == 5 ? E_EXIST : 0;

		ok &= g.c[i].rc == want && g.c[i].val == 0;
		if (i % 7 != 3 && i % 11 != 5)
			ok &= mapped(va + i * PG, 1,
				     i % 13 == 7 ? RIVET_CAP_R : RW, 1);
	}
	report("inplace_ring_mixed_entries",
	       r.rc == 0 && r.val == N && ok && mappings() == before + maps &&
		       g.h->sq_head == N,
	       "rc %ld n %ld", r.rc, (long)r.val);
	sys_ring_setup(0, 0);
}

/*
 * The ring's last page read-only: completion 124 is the first on it.
 * Entries 0-123 run with their completions; entry 124 runs, its
 * completion cannot be written: E_RANGE (a1 0, as for any error), and
 * sq_head says 125 consumed; no more run.
 */
static void ring_completion_read_only(void)
{
	struct ring g = ring_at(AVA + 8 * PG, RIVET_CAP_R);
	unsigned long va = MVA + 3072 * PG;
	uint64_t before;
	struct rivet_ret r;
	unsigned i;
	int ok = 1;

	if (!g.h) {
		report("inplace_ring_completion_page_read_only", 0,
		       "ring_setup %ld %ld", 0, 0);
		return;
	}
	for (i = 0; i < 200; i++)
		queue_map(&g, i, va, RW);
	g.h->sq_tail = 200;
	before = mappings();
	r = sys2_ring_submit(N);
	for (i = 0; i < 124; i++)
		ok &= g.c[i].rc == 0 && g.c[i].val == 0;
	report("inplace_ring_completion_page_read_only",
	       r.rc == E_RANGE && r.val == 0 && g.h->sq_head == 125 && ok &&
		       mappings() == before + 125 && mapped(va, 125, RW, 1) &&
		       mapped(va + 125 * PG, 75, 0, 0),
	       "rc %ld head %ld", r.rc, (long)g.h->sq_head);
	sys_ring_setup(0, 0);
}

/*
 * The ring's second page unmapped after ring_setup: entry 100, across it,
 * cannot be read. Entries 0-99 run; E_RANGE, sq_head 100.
 */
static void ring_entry_unreadable(void)
{
	struct ring g = ring_at(AVA + 12 * PG, RW);
	unsigned long va = MVA + 4096 * PG;
	uint64_t before;
	struct rivet_ret r;
	unsigned i;

	if (!g.h) {
		report("inplace_ring_stops_at_unreadable_entry", 0,
		       "ring_setup %ld %ld", 0, 0);
		return;
	}
	for (i = 0; i < 150; i++)
		queue_map(&g, i, va, RW);
	g.h->sq_tail = 150;
	sys_unmap(g.page[1], AVA + 13 * PG);
	before = mappings();
	r = sys2_ring_submit(N);
	report("inplace_ring_stops_at_unreadable_entry",
	       r.rc == E_RANGE && r.val == 0 && g.h->sq_head == 100 &&
		       mappings() == before + 100 && mapped(va, 100, RW, 1) &&
		       mapped(va + 100 * PG, 50, 0, 0),
	       "rc %ld head %ld", r.rc, (long)g.h->sq_head);
	sys_ring_setup(0, 0);
}

static void role_inplace(void)
{
	batch_across_pages();
	batch_unreadable_page();
	batch_rights_change();
	ring_mixed();
	ring_completion_read_only();
	ring_entry_unreadable();
}

const struct role inplace_roles[] = {
	{ "t_inplace", role_inplace },
	{ "t_bs_owner", role_bs_owner },	 /* batch_scribble.c */
	{ "t_bs_scribbler", role_bs_scribbler }, /* batch_scribble.c */
	{ 0 },
};
