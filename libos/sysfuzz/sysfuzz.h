/* SPDX-License-Identifier: MIT */
/*
 * sysfuzz: the project's own seeded random system call fuzzer, one image
 * in several roles picked by the domain's name (docs/testing.md):
 *
 *   fuzz      makes random system calls with hostile arguments
 *   victim    shares a secret page with fuzz, read-only, and checks that
 *             it never changes
 *   observer  checks through kstat that no frame is lost or made
 *   fzchild   a domain fuzz spawns; waits until it is killed
 *   (other)   ends at once (fuzz spawns these under random names)
 *
 * The configuration's `args =` word carries the parameters, as
 * comma-separated key=value pairs: seed=N, calls=N, devptr=0|1,
 * trace=N (print every call from the N-th on).
 */
#ifndef SYSFUZZ_H
#define SYSFUZZ_H

#include <stdint.h>

/* Events between the roles (bits the kernel leaves to domains). */
#define EV_SECRET_READY 0x1UL /* victim -> fuzz: the page is granted */
#define EV_TICK_BIT	40    /* each role's own timer event */
#define EV_TICK		(1UL << EV_TICK_BIT)

#define SECRET_BADGE 0x53454352UL /* "SECR": the victim's shared page */
#define SECRET_VA    0x30000000UL /* where victim and fuzz map it */

struct fuzz_args {
	uint64_t seed;
	unsigned long calls;
	int devptr; /* device-mapped pointers as system call arguments */
	unsigned long trace;
};

/* Parses rivet_info()->args; missing keys keep their defaults. */
void fuzz_args_parse(struct fuzz_args *a);

/* splitmix64: small, fast, and the same sequence on every run. */
static inline uint64_t fuzz_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Arms this domain's timer for now + us and waits for it (or other
 * bits in mask); returns the bits taken. */
uint64_t fuzz_sleep(unsigned long us, uint64_t mask);

/* Prints "TEST name: PASS", or FAIL with got, want and the seed. */
void fuzz_report(const char *name, int ok, unsigned long got,
		 unsigned long want, uint64_t seed);

void fuzz_main(const struct fuzz_args *a);
void victim_main(const struct fuzz_args *a);
void observer_main(const struct fuzz_args *a);

#endif
