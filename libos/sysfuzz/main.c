// SPDX-License-Identifier: MIT
/* sysfuzz: the role from the domain's name, the parameters from args. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "sysfuzz.h"

void fuzz_args_parse(struct fuzz_args *a)
{
	const char *p = rivet_info()->args;
	char *end;

	a->seed = 1;
	a->calls = 100000;
	a->devptr = 0;
	a->trace = ~0UL;
	while (*p) {
		const char *eq = strchr(p, '=');
		unsigned long v;

		if (!eq)
			break;
		v = strtoul(eq + 1, &end, 0);
		if (!strncmp(p, "seed=", 5))
			a->seed = v;
		else if (!strncmp(p, "calls=", 6))
			a->calls = v;
		else if (!strncmp(p, "devptr=", 7))
			a->devptr = v != 0;
		else if (!strncmp(p, "trace=", 6))
			a->trace = v;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			break;
	}
}

void fuzz_report(const char *name, int ok, unsigned long got,
		 unsigned long want, uint64_t seed)
{
	rivet_test_report("", name, ok, "got %lu, want %lu (seed %lu)", got,
			  want, (unsigned long)seed);
}

uint64_t fuzz_sleep(unsigned long us, uint64_t mask)
{
	const struct rivet_info *in = rivet_info();

	sys_timer_event(rivet_now() + us * in->timebase_hz / 1000000,
			EV_TICK_BIT);
	return sys2_wait(mask | EV_TICK).val;
}

int main(void)
{
	const char *me = rivet_info()->name;
	struct fuzz_args a;

	fuzz_args_parse(&a);
	if (!strcmp(me, "fuzz"))
		fuzz_main(&a);
	else if (!strcmp(me, "victim"))
		victim_main(&a);
	else if (!strcmp(me, "observer"))
		observer_main(&a);
	else if (!strcmp(me, "fzchild"))
		for (;;)
			sys_wait(1); /* until fuzz kills it, or ends */
	return 0;
}
