// SPDX-License-Identifier: MIT
/*
 * The zeroed-frame pool seen from a test role: waiting for the idle loop
 * to fill it, and whether a page handed out reads zero. For the roles
 * that check which path a one-page request took (allocmap_step.c,
 * map_step.c): the one steps take their frame from the pool.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

int page_reads_zero(unsigned long va)
{
	const volatile uint64_t *p = (const volatile uint64_t *)va;
	uint64_t sum = 0;
	int i;

	for (i = 0; i < 512; i++)
		sum |= p[i];
	return sum == 0;
}

void fill_zeroed_pool(const char *name)
{
	int i;

	for (i = 0; i < 500 && sys2_kstat(KSTAT_ZEROED_FRAMES).val < 32; i++)
		rivet_sleep_us(2000);
	report(name, sys2_kstat(KSTAT_ZEROED_FRAMES).val >= 32, "pool %ld",
	       (long)sys2_kstat(KSTAT_ZEROED_FRAMES).val, 0);
}
