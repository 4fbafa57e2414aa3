// SPDX-License-Identifier: MIT
/*
 * The zeroed-frame invariant (tests/qemu/test_zeroed.py): a frame handed
 * to one domain never shows a byte another domain wrote, whichever way it
 * comes: from the zeroed-frame pool the idle loop fills, zeroed on demand
 * from frames freed a moment ago, by physical name, and after its writer
 * was killed and reaped. The writer fills every byte of its frames and
 * tells the reader their physical addresses over the channel page.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define NW	32	     /* frames the writer fills, each time */
#define AVA	0x4c000000UL /* the writer's frames */
#define BVA	0x50000000UL /* the reader's frames from anywhere */
#define CVA	0x58000000UL /* the reader's frames by physical name */
#define DEADVA	0x3ff000UL   /* never mapped */
#define MAXTAKE 2048

/* Channel page words. */
enum {
	W_STEP,
	W_PA1,		    /* NW addresses: freed by the writer, still alive */
	W_PA2 = W_PA1 + NW, /* NW more: held when it is killed */
};

/* Steps, each set by one side and awaited by the other. */
enum {
	S_READER_READY = 1, /* reader: its page tables are made */
	S_FREED,	    /* writer: W_PA1 frames written and freed */
	S_CHECKED,	    /* reader: done with them */
	S_HELD,		    /* writer: W_PA2 frames written and held */
	S_COPIED,	    /* reader: has the addresses; the writer dies */
};

static volatile uint64_t *word(unsigned i)
{
	return (volatile uint64_t *)(uintptr_t)rivet_info()->channels[0].va + i;
}

/* Sleeps (so the hart may idle) or yields (so it may not) until step. */
static void await_step(uint64_t step, int idle)
{
	while (*word(W_STEP) != step) {
		if (idle)
			rivet_sleep_us(500);
		else
			sys_yield_cap(RIVET_YIELD_ANY);
	}
}

/* A frame at va, every byte written with a pattern that is never 0; its
 * physical address (0 if refused), its slot in *slot. */
static uint64_t write_frame(uint64_t va, unsigned n, uint64_t *slot)
{
	struct rivet_ret r =
		sys2_frame_alloc_map(va, RIVET_CAP_R | RIVET_CAP_W);
	volatile uint8_t *p = (volatile uint8_t *)va;
	unsigned i;

	if (r.rc)
		return 0;
	*slot = r.val;
	for (i = 0; i < 4096; i++)
		p[i] = (uint8_t)(0x80 | (i + n));
	return sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val;
}

static void role_zero_writer(void)
{
	uint64_t slots[NW];
	unsigned i, ok = 0;

	await_step(S_READER_READY, 1);
	for (i = 0; i < NW; i++)
		word(W_PA1)[i] = write_frame(AVA + i * 4096UL, i, &slots[i]);
	for (i = 0; i < NW; i++)
		ok += word(W_PA1)[i] && sys_cap_delete(slots[i]) == 0;
	EXPECT_EQ("zero_writer_wrote_and_freed", ok, NW);
	*word(W_STEP) = S_FREED;
	await_step(S_CHECKED, 1);
	for (i = 0, ok = 0; i < NW; i++) {
		word(W_PA2)[i] =
			write_frame(AVA + (NW + i) * 4096UL, i, &slots[i]);
		ok += word(W_PA2)[i] != 0;
	}
	EXPECT_EQ("zero_writer_wrote_and_held", ok, NW);
	*word(W_STEP) = S_HELD;
	await_step(S_COPIED, 1);
	sys_upcall_set(0, 0, 0, 0);
	(void)*(volatile int *)DEADVA; /* killed here */
	printf("TEST zero_writer_killed: FAIL still running\n");
}

/* Whether every byte of the page at va is zero. */
static int page_zero(uint64_t va)
{
	const volatile uint64_t *p = (const volatile uint64_t *)va;
	uint64_t all = 0;
	unsigned i;

	for (i = 0; i < 512; i++)
		all |= p[i];
	return all == 0;
}

static int in_list(uint64_t pa, const uint64_t *list)
{
	unsigned i;

	for (i = 0; i < NW; i++)
		if (list[i] == pa)
			return 1;
	return 0;
}

/* Takes n frames from anywhere at *va on, checking each: how many were
 * not all zero; *seen counts those whose address is in list. */
static long take_any(uint64_t *va, unsigned long n, const uint64_t *list,
		     long *seen)
{
	long dirty = 0;
	unsigned long k;

	for (k = 0; k < n; k++, *va += 4096) {
		struct rivet_ret r;

		if (!(*va & 0x1fffff)) /* the page that made the tables */
			*va += 4096;
		r = sys2_frame_alloc_map(*va, RIVET_CAP_R);

		if (r.rc)
			return -1000 + r.rc;
		dirty += !page_zero(*va);
		if (list &&
		    in_list(sys2_cap_info(r.val, RIVET_CAPINFO_OBJECT).val,
			    list))
			++*seen;
	}
	return dirty;
}

static void role_zero_reader(void)
{
	long writer = rivet_domain_lookup("t_zero_writer"), seen = 0, dirty;
	uint64_t list[NW], va = BVA, pool;
	unsigned i, ok;

	/* The tables for every page below, before any frame is freed:
	 * afterwards they would take some of the writer's frames. */
	for (i = 0; i < MAXTAKE; i += 512)
		sys_frame_alloc_map(BVA + i * 4096UL, RIVET_CAP_R);
	va = BVA + 4096;
	*word(W_STEP) = S_READER_READY;
	await_step(S_FREED, 1);
	for (i = 0; i < NW; i++)
		list[i] = word(W_PA1)[i];
	rivet_sleep_us(5000); /* both sleep: the idle loop fills the pool */
	pool = sys2_kstat(KSTAT_ZEROED_FRAMES).val;
	report("zero_pool_filled_while_idle", pool > NW, "pool %ld", (long)pool,
	       0);
	dirty = take_any(&va, pool + NW, list, &seen);
	EXPECT_EQ("zero_pool_frames_every_byte_zero", dirty, 0);
	EXPECT_EQ("zero_pool_gave_the_writers_frames", seen, NW);
	EXPECT_EQ("zero_pool_drained", sys2_kstat(KSTAT_ZEROED_FRAMES).val, 0);
	/* No idle from here on: whatever comes next is zeroed on demand. */
	*word(W_STEP) = S_CHECKED;
	await_step(S_HELD, 0);
	for (i = 0; i < NW; i++)
		list[i] = word(W_PA2)[i];
	*word(W_STEP) = S_COPIED;
	while (rivet_domain_state(writer) != RIVET_DOMAIN_KILLED)
		sys_yield_cap(RIVET_YIELD_ANY);
	EXPECT_EQ("zero_pool_still_empty", sys2_kstat(KSTAT_ZEROED_FRAMES).val,
		  0);
	for (i = 0, ok = 0; i < NW; i++) {
		struct rivet_ret r = sys2_frame_alloc(list[i], 1, 1);

		if (!r.rc && !sys_map(r.val, CVA + i * 4096UL, RIVET_CAP_R) &&
		    page_zero(CVA + i * 4096UL))
			ok++;
	}
	EXPECT_EQ("zero_killed_writers_frames_by_name_zero", ok, NW);
	/* Its other frames (image, stack, tables) went to the free list
	 * too, last freed first: the next frames from anywhere. */
	dirty = take_any(&va, 64, 0, &seen);
	EXPECT_EQ("zero_killed_writers_other_frames_zero", dirty, 0);
}

const struct role zeroed_roles[] = {
	{ "t_zero_writer", role_zero_writer },
	{ "t_zero_reader", role_zero_reader },
	{ 0 },
};
