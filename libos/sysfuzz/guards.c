// SPDX-License-Identifier: MIT
/*
 * The two domains that watch the fuzzer. Neither trusts its own wake-ups:
 * fuzz may notify them with any bits at any time, so each checks on its
 * own clock and ends once fuzz has ended.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/libos.h>

#include "sysfuzz.h"

#define TICK_US 1000

static long fuzz_id(void)
{
	return rivet_domain_lookup("fuzz");
}

/* ------------------------------------------------------------ victim --- */

static uint64_t secret_copy[512]; /* what the page must hold, privately */

void victim_main(const struct fuzz_args *a)
{
	volatile uint64_t *page = (volatile uint64_t *)SECRET_VA;
	uint64_t rng = a->seed ^ 0x5ec7e7ULL, frames;
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	unsigned long checks = 0;
	long fuzz = fuzz_id();
	unsigned i;
	int bad = 0;

	if (f.rc || sys_map(f.val, SECRET_VA, RIVET_CAP_R | RIVET_CAP_W)) {
		printf("TEST victim_setup: FAIL frame %ld (seed %lu)\n", f.rc,
		       (unsigned long)a->seed);
		return;
	}
	for (i = 0; i < 512; i++)
		page[i] = secret_copy[i] = fuzz_rand(&rng);
	/* A read-only copy, without the grant right, into fuzz's space
	 * through the peer capability the configuration gave (slot 1). */
	if (sys_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, SECRET_BADGE) <
	    0) {
		printf("TEST victim_grant: FAIL (seed %lu)\n",
		       (unsigned long)a->seed);
		return;
	}
	/* Through its `notify = fuzz` line (its channel's capability holds
	 * only the channel's bit). */
	rivet_notify_name("fuzz", EV_SECRET_READY);
	frames = sys2_kstat(KSTAT_MY_FRAMES).val;
	while (!bad) {
		int alive = rivet_domain_alive(fuzz);

		checks++;
		for (i = 0; i < 512; i++)
			if (page[i] != secret_copy[i]) {
				printf("TEST victim_secret_intact: FAIL word "
				       "%u "
				       "is 0x%lx, was 0x%lx (seed %lu)\n",
				       i, (unsigned long)page[i],
				       (unsigned long)secret_copy[i],
				       (unsigned long)a->seed);
				bad = 1;
				break;
			}
		if (!bad && (!rivet_pte(SECRET_VA) ||
			     sys2_kstat(KSTAT_MY_FRAMES).val != frames ||
			     rivet_info()->revoked_count)) {
			printf("TEST victim_keeps_its_frames: FAIL pte 0x%lx, "
			       "frames %lu (were %lu), revoked %lu (seed "
			       "%lu)\n",
			       (unsigned long)rivet_pte(SECRET_VA),
			       (unsigned long)sys2_kstat(KSTAT_MY_FRAMES).val,
			       (unsigned long)frames,
			       (unsigned long)rivet_info()->revoked_count,
			       (unsigned long)a->seed);
			bad = 1;
		}
		if (!alive)
			break; /* that check was the last one */
		fuzz_sleep(TICK_US, RIVET_EVENT_PEER_EXIT);
	}
	if (!bad) {
		printf("TEST victim_secret_intact: PASS\n");
		printf("TEST victim_keeps_its_frames: PASS\n");
	}
	printf("SYSFUZZ victim checked %lu times\n", checks);
}

/* ---------------------------------------------------------- observer --- */

/*
 * Every frame is free or owned by a domain (the kernel takes its own
 * frames before the first domain runs), so free + owned is constant.
 * The two counters are read twice: a slice end between two calls would
 * otherwise pair counts from two moments.
 */
static int frames_total(uint64_t *total)
{
	uint64_t f1, o1, f2, o2;
	int i;

	for (i = 0; i < 100; i++) {
		f1 = sys2_kstat(KSTAT_FREE_FRAMES).val;
		o1 = sys2_kstat(KSTAT_ALL_FRAMES).val;
		f2 = sys2_kstat(KSTAT_FREE_FRAMES).val;
		o2 = sys2_kstat(KSTAT_ALL_FRAMES).val;
		if (f1 == f2 && o1 == o2) {
			*total = f1 + o1;
			return 0;
		}
	}
	return -1;
}

/* Is any domain ended but not yet reaped (its frames not yet back)? */
static int any_ending(void)
{
	unsigned long i, n = rivet_registry_count();

	for (i = 1; i <= n; i++)
		if (rivet_domain_state((long)i) == RIVET_DOMAIN_ENDING)
			return 1;
	return 0;
}

void observer_main(const struct fuzz_args *a)
{
	long fuzz = fuzz_id(), victim = rivet_domain_lookup("victim");
	uint64_t base, now, mine;
	unsigned long checks = 0;

	if (frames_total(&base)) {
		printf("TEST observer_setup: FAIL (seed %lu)\n",
		       (unsigned long)a->seed);
		return;
	}
	for (;;) {
		int alive = rivet_domain_alive(fuzz) ||
			    rivet_domain_alive(victim) || any_ending();

		checks++;
		if (frames_total(&now) || now != base) {
			printf("TEST observer_frames_conserved: FAIL free + "
			       "owned %lu, at start %lu, check %lu (seed "
			       "%lu)\n",
			       (unsigned long)now, (unsigned long)base, checks,
			       (unsigned long)a->seed);
			return;
		}
		if (!alive)
			break;
		fuzz_sleep(TICK_US, RIVET_EVENT_PEER_EXIT);
	}
	printf("TEST observer_frames_conserved: PASS\n");
	/* Alone now: everything fuzz and its children held is back. */
	mine = sys2_kstat(KSTAT_MY_FRAMES).val;
	fuzz_report("observer_all_frames_back",
		    sys2_kstat(KSTAT_ALL_FRAMES).val == mine,
		    sys2_kstat(KSTAT_ALL_FRAMES).val, mine, a->seed);
	fuzz_report("observer_one_asid_left", sys2_kstat(KSTAT_ASIDS).val == 1,
		    sys2_kstat(KSTAT_ASIDS).val, 1, a->seed);
	printf("SYSFUZZ observer checked %lu times\n", checks);
}
