// SPDX-License-Identifier: MIT
/*
 * The kept last-level table (d->step_leaf) across a domain's end and the
 * next incarnation of its entry (tests/qemu/test_red10_step.py;
 * docs/isolation.md, "red10"). t_red10_spawner spawns t_red10_kid six
 * times, one after another; each kid warms the step in one 2 MiB range
 * (its table kept), checks that every page it gets is zeroed, deletes
 * half of them in one step and ends with the rest mapped, so that its
 * teardown frees its tables with the kept pointer still naming one.
 * Between kids the spawner takes pages of its own (the freed tables'
 * frames among those it can get) and writes a pattern in each: a kid
 * whose step wrote through a stale table would write a PTE into one of
 * them, or find one of them as its table.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"

#define PG	   4096UL
#define RW	   (RIVET_CAP_R | RIVET_CAP_W)
#define KID_VA	   0x68000000UL
#define KID_PAGES  16
#define HOLD_VA	   0x70000000UL
#define HOLD_PAGES 48 /* the spawner's pages per round */
#define ROUNDS	   6

static uint64_t peek(unsigned long va)
{
	return *(volatile uint64_t *)va;
}

static void poke(unsigned long va, uint64_t v)
{
	*(volatile uint64_t *)va = v;
}

static uint64_t pattern(unsigned long i)
{
	return 0x5a5a000000000000UL | i;
}

static void role_red10_kid(void)
{
	unsigned long s[KID_PAGES], i, dirty = 0, lost = 0;
	uint64_t steps = sys2_kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS).val;

	for (i = 0; i < KID_PAGES; i++) {
		/* The zeroed-frame pool refilled meanwhile (the idle loop):
		 * every page after the range's first by the step. */
		rivet_sleep_us(1000);
		s[i] = sys2_frame_alloc_map(KID_VA + i * PG, RW).val;
		dirty += peek(KID_VA + i * PG) != 0;
		poke(KID_VA + i * PG, pattern(i));
	}
	for (i = 0; i < KID_PAGES; i += 2)
		sys_cap_delete(s[i]);
	for (i = 1; i < KID_PAGES; i += 2)
		lost += peek(KID_VA + i * PG) != pattern(i);
	steps = sys2_kstat(KSTAT_MY_ONE_STEP_ALLOC_MAPS).val - steps;
	report("red10_kid_pages", !dirty && !lost && steps == KID_PAGES - 1,
	       "dirty %ld lost %ld", (long)dirty, (long)lost);
	report("red10_kid_steps", steps == KID_PAGES - 1, "steps %ld",
	       (long)steps, 0);
}

/* Spawns a kid and waits for its end; 0 once it ended. */
static long one_kid(long sp)
{
	unsigned long kid, tries;
	long rc = E_BUSY, id;

	for (tries = 0; tries < 100 && rc; tries++) {
		rc = spawn_child((unsigned long)sp, "t_red10_kid",
				 child_frames(KID_PAGES + 8), 64, 0, 0, &kid);
		if (rc)
			rivet_sleep_us(1000);
	}
	if (rc)
		return rc;
	id = rivet_domain_lookup("t_red10_kid");
	for (tries = 0; tries < 4000 && rivet_domain_alive(id); tries++)
		rivet_sleep_us(500);
	rc = rivet_domain_alive(id) ? E_BUSY : 0;
	sys_cap_delete(kid);
	return rc;
}

static void role_red10_spawner(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0), rc = 0;
	unsigned long r, j, n = 0, lost = 0;

	for (r = 0; r < ROUNDS && !rc; r++) {
		rc = one_kid(sp);
		for (j = 0; j < HOLD_PAGES; j++, n++)
			if (!sys_frame_alloc_map(HOLD_VA + n * PG, RW))
				poke(HOLD_VA + n * PG, pattern(n));
	}
	EXPECT_EQ("red10_spawner_kids_ended", rc, 0);
	for (j = 0; j < n; j++)
		lost += peek(HOLD_VA + j * PG) != pattern(j);
	EXPECT_EQ("red10_spawner_pages_intact", lost, 0);
}

const struct role red10_spawn_roles[] = {
	{ "t_red10_spawner", role_red10_spawner },
	{ "t_red10_kid", role_red10_kid },
	{ 0 },
};
