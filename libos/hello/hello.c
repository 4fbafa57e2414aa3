/* SPDX-License-Identifier: MIT */
/*
 * hello: the first libOS. Greets with what the info page says about it,
 * yields to the domain "world" by name if its configuration lets it (a
 * `notify = world` line: the capability the yield goes through), runs two
 * user-level threads that take turns, then checks that exceptions come
 * back to it as upcalls (a breakpoint it skips, an FP instruction that
 * turns FP on lazily).
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>
#include <rivet/uthread.h>

#define STEPS 3

static void *worker(void *arg)
{
	const char *name = arg;
	int i;

	for (i = 1; i <= STEPS; i++) {
		printf("hello: thread %s step %d\n", name, i);
		uthread_yield();
	}
	return (void *)(uintptr_t)STEPS;
}

static int run_threads(void)
{
	struct uthread *a, *b;
	void *ra, *rb;

	a = uthread_create(worker, "A", 0);
	b = uthread_create(worker, "B", 0);
	if (!a || !b) {
		printf("hello: out of memory for threads\n");
		return 1;
	}
	if (uthread_join(a, &ra) || uthread_join(b, &rb))
		return 1;
	printf("hello: threads done after %lu and %lu steps\n",
	       (unsigned long)(uintptr_t)ra, (unsigned long)(uintptr_t)rb);
	return 0;
}

/* Skips the breakpoint instruction, 2 or 4 bytes long, and counts it. */
static int skip_breakpoint(struct rivet_upcall *u, void *arg)
{
	uint16_t low = *(const uint16_t *)(uintptr_t)u->epc;

	u->epc += (low & 3) == 3 ? 4 : 2;
	++*(int *)arg;
	return 0;
}

/* Moves x through an FP register: the first FP instruction faults. */
static long fp_roundtrip(long x)
{
	long y;

	__asm__ volatile(".option push\n\t"
			 ".option arch, +d\n\t"
			 "fmv.d.x ft0, %1\n\t"
			 "fmv.x.d %0, ft0\n\t"
			 ".option pop"
			 : "=r"(y)
			 : "r"(x));
	return y;
}

static int check_upcalls(void)
{
	int hits = 0;
	long v;

	rivet_exc_register(3 /* breakpoint */, skip_breakpoint, &hits);
	__asm__ volatile("ebreak");
	__asm__ volatile("ebreak");
	printf("hello: %d breakpoints reflected and skipped\n", hits);
	v = fp_roundtrip(0x1234);
	printf("hello: FP enabled lazily, value %#lx came back\n", v);
	return hits == 2 && v == 0x1234 ? 0 : 1;
}

int main(void)
{
	const struct rivet_info *info = rivet_info();
	long rc;
	int status = 0;

	printf("hello: domain %u \"%s\" on hart %u, %u domains known\n",
	       info->domain_id, info->name, info->hart_id,
	       rivet_registry_count());

	rc = rivet_yield_to_name("world");
	if (rc == E_NOENT)
		printf("hello: no capability for a runnable domain called "
		       "world\n");
	else
		printf("hello: back from world (yield returned %ld)\n", rc);

	status |= run_threads();
	status |= check_upcalls();

	printf("hello: exiting with status %d\n", status);
	return status;
}
