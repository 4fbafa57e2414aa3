/* SPDX-License-Identifier: MIT */
/*
 * Domains killed in the middle of a restartable call, while another hart
 * sends events and directed yields to them (tests/qemu/test_hostile4.py).
 *
 * t_h4_killer spawns t_h4_victim-M children, one at a time, lets each run
 * for 1 to 7 of its own yields and kills it. A victim loops on a call
 * that runs in restartable pieces (mode M): 0 allocates a 1,024-page run
 * and deletes it; 1 maps and unmaps one such run; 2 maps it through its
 * ring (one entry that stops part-way, E_BUSY, submitted again) and
 * unmaps it; 3 derives 256 copies of a page and revokes them. So the kill
 * lands, at random, between two pieces of one of them, with a part-way
 * run, mapping record or revoke left behind. After every kill the
 * killer's quota and free slots must be back where they were (kill gives
 * them back before it returns).
 *
 * t_h4_flooder, on the other hart, meanwhile sends a user event and a
 * directed yield through every slot of its space, as fast as it can,
 * until the killer is done: each call must give 0 or the error of a slot
 * that holds no notification capability or a target that is not
 * runnable. Ids carry no authority, so the dying victims are out of its
 * reach; its `notify =` lines reach t_h4_waiter, on the killer's hart,
 * which waits for any user event: each event for it while it waits is
 * an IPI to that hart, a flood of them while the kills go on. The killer
 * ends it with H4_WAIT_END.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>

#include "hostile4.h"
#include "child_quota.h"
#include "tests.h"
#include "testmem.h"

#define KILL_CYCLES  120
#define VICTIM_SLOTS 512
#define RUN_PAGES    1024
/* A victim holds a run, maps it, and has VICTIM_SLOTS slots (12 pages of
 * them): 128 pages over its run cover those and its tables. */
#define VICTIM_FRAMES child_frames(RUN_PAGES + 128)
#define VICTIM_VA     0x40000000UL
#define COPIES	      256
#define FLOOD_SLOTS   16
#define H4_WAIT_END   (1UL << 31) /* the flooder sends bits 0..30 */

static struct kill_ctl {
	uint64_t done, flood_calls, flood_bad, flood_first_bad;
} * kctl(void)
{
	return (struct kill_ctl *)rivet_info()->channels[0].va;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* ---- the victims ------------------------------------------------------ */

/* Mode 2's ring, page-aligned in a frame of its own (testmem_alloc). */
static unsigned char *vring;

static void victim_ring_map(uint64_t slot)
{
	struct rivet_ring_head *h = (struct rivet_ring_head *)vring;
	struct rivet_ring_entry *e =
		(struct rivet_ring_entry *)(vring + RIVET_RING_ENTRIES_OFF);
	struct rivet_ring_done *c =
		(struct rivet_ring_done *)(vring + RIVET_RING_DONE_OFF(2));

	do {
		e[h->sq_tail % 2] = (struct rivet_ring_entry){
			SYS_map, { slot, VICTIM_VA, RIVET_CAP_R, 0 }
		};
		h->sq_tail++;
		sys2_ring_submit(1);
	} while (c[(h->sq_tail - 1) % 2].rc == E_BUSY);
}

void role_h4_victim(void)
{
	int mode = rivet_info()->name[sizeof("t_h4_victim")] - '0';
	struct rivet_ret run = { 0, 0 }, one;
	unsigned i;

	if (mode == 1 || mode == 2)
		run = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);
	if (mode == 2) {
		vring = testmem_alloc("h4_victim_ring", RIVET_RING_BYTES(2));
		if (!vring)
			return;
		sys_ring_setup((struct rivet_ring_head *)vring, 2);
	}
	one = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	for (;;) {
		switch (mode) {
		case 0:
			run = sys2_frame_alloc(RIVET_FRAME_ANY, RUN_PAGES, 1);
			sys_cap_delete(run.val);
			break;
		case 1:
			sys_map(run.val, VICTIM_VA, RIVET_CAP_R);
			sys_unmap(run.val, VICTIM_VA);
			break;
		case 2:
			victim_ring_map(run.val);
			sys_unmap(run.val, VICTIM_VA);
			break;
		default:
			for (i = 0; i < COPIES; i++)
				sys2_cap_derive(one.val, 0, RIVET_CAP_R, 0);
			sys2_cap_revoke(one.val);
		}
	}
}

/* ---- the killer ------------------------------------------------------- */

void role_h4_killer(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0), rc, first_bad = 0;
	uint64_t quota = sys2_kstat(KSTAT_MY_QUOTA).val;
	uint64_t slots = sys2_kstat(KSTAT_FREE_SLOTS).val;
	unsigned long cycle, slot = 0, j, bad = 0, leaks = 0;
	char name[32];

	for (cycle = 0; cycle < KILL_CYCLES && sp > 0; cycle++) {
		snprintf(name, sizeof(name), "t_h4_victim-%lu", cycle % 4);
		rc = spawn_child(sp, name, VICTIM_FRAMES, VICTIM_SLOTS, 0, 0,
				 &slot);
		if (!rc)
			for (j = 0; j <= cycle % 7; j++)
				sys_yield_cap(RIVET_YIELD_ANY);
		if (!rc)
			rc = sys_kill(slot);
		if (!rc)
			rc = sys_cap_delete(slot);
		if (rc && !bad++)
			first_bad = rc;
		leaks += sys2_kstat(KSTAT_MY_QUOTA).val != quota ||
			 sys2_kstat(KSTAT_FREE_SLOTS).val != slots;
	}
	store(&kctl()->done, 1);
	rivet_notify_name("t_h4_waiter", H4_WAIT_END);
	report("h4_kill_spawn_kill_ok", sp > 0 && bad == 0,
	       "%ld failed, first %ld", (long)bad, first_bad);
	report("h4_kill_quota_back_each_kill", leaks == 0,
	       "%ld kills left quota or slots out", (long)leaks, 0);
	while (load(&kctl()->done) != 2)
		;
	report("h4_flood_calls_sane", kctl()->flood_bad == 0,
	       "%ld bad, first %ld", (long)kctl()->flood_bad,
	       (long)kctl()->flood_first_bad);
	report("h4_flood_ran", kctl()->flood_calls > 1000, "%ld calls",
	       (long)kctl()->flood_calls, 0);
}

/* ---- the flooder ------------------------------------------------------ */

/* E_PERM: bits outside a badge (its channel's capability holds only the
 * channel's bit). */
static int flood_ok(long rc)
{
	return rc == 0 || rc == E_NOENT || rc == E_BUSY || rc == E_INVAL ||
	       rc == E_PERM;
}

void role_h4_flooder(void)
{
	struct kill_ctl *c = kctl();
	uint64_t n = 0, bad = 0;
	long rc, first_bad = 0;
	unsigned long slot;

	while (!load(&c->done)) {
		for (slot = 0; slot <= FLOOD_SLOTS; slot++) {
			rc = sys_notify_cap(slot, 1UL << (n % 31));
			if (!flood_ok(rc) && !bad++)
				first_bad = rc;
			rc = sys_yield_cap(slot);
			if (!flood_ok(rc) && !bad++)
				first_bad = rc;
			n += 2;
		}
	}
	c->flood_calls = n;
	c->flood_bad = bad;
	c->flood_first_bad = first_bad;
	store(&c->done, 2);
}

/* ---- the waiter ------------------------------------------------------- */

void role_h4_waiter(void)
{
	uint64_t wakes = 0, bits = 0;

	while (!(bits & H4_WAIT_END)) {
		struct rivet_ret r = sys2_wait(0xffffffffUL);

		bits = r.rc ? 0 : r.val;
		wakes++;
	}
	report("h4_flood_woke_the_waiter", wakes > 1, "%ld wake-ups",
	       (long)wakes, 0);
}
