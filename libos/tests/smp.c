/* SPDX-License-Identifier: MIT */
/*
 * Domains on several harts (docs/smp.md; tests/qemu/test_smp_run.py).
 * t_smp_worker counts in a page it shares with t_smp_spinner (their
 * channel's frames) until the spinner says it has seen enough.
 * t_smp_spinner computes without calling the kernel, yielding only at
 * its slice ends as the runtime does, and looks at the count: within one
 * of its own slices (its slices_used unchanged) the count can move only
 * if the worker runs at the same time, on another hart. On the
 * spinner's own hart the worker runs only between its slices, and the
 * check fails: the boot test runs it both ways. No clock is read.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define SMP_SEEN_WANT 3 /* slices in which the worker was seen running */
/* Slices looked at, at most. Each is 20 ms of host time (no icount), and
 * a loaded host (load 8 on 2 cores) leaves the worker's vCPU off its
 * core for whole slices: 10 saw it in only 2. The loop ends at the third
 * sighting, so an unloaded boot looks at no more than before. */
#define SMP_TRIES 200

/* The page both ends map: the worker's count, the spinner's word that it
 * is done, the worker's that it has seen that (the page goes when one
 * end ends: neither ends while the other may still touch it). */
static volatile uint64_t *shared(void)
{
	return (volatile uint64_t *)rivet_info()->channels[0].va;
}

static void role_smp_spinner(void)
{
	const volatile struct rivet_info *in = rivet_info();
	volatile uint64_t *w = shared();
	unsigned seen = 0, tries = 0;

	while (!w[0]) /* the worker has started */
		;
	while (seen < SMP_SEEN_WANT && tries < SMP_TRIES) {
		uint64_t slice = in->slices_used, count = w[0];

		while (in->slices_used == slice && w[0] == count)
			;
		tries++;
		seen += in->slices_used == slice;
	}
	w[1] = 1;
	while (!w[2])
		;
	report("smp_worker_runs_while_spinner_computes", seen == SMP_SEEN_WANT,
	       "seen in %ld of %ld slices", (long)seen, (long)tries);
}

static void role_smp_worker(void)
{
	volatile uint64_t *w = shared();
	uint64_t count;

	while (!w[1])
		w[0]++;
	count = w[0];
	w[2] = 1; /* the last touch of the page */
	report("smp_worker_counted", count > 0, "", 0, 0);
}

/* Waits for a bit nobody sends: with one on each of two harts, only the
 * deadlock breaker ends them (tests/qemu/test_smp_run.py). */
static void role_smp_waiter(void)
{
	report("smp_waiter_started", 1, "", 0, 0);
	sys_wait(1UL << 20);
	report("smp_waiter_woken", 0, "", 0, 0);
}

const struct role smp_roles[] = {
	{ "t_smp_spinner", role_smp_spinner },
	{ "t_smp_worker", role_smp_worker },
	{ "t_smp_waiter", role_smp_waiter },
	{ 0 },
};
