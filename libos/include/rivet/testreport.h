/* SPDX-License-Identifier: MIT */
/*
 * What the in-QEMU test and benchmark libOSes share: the instruction
 * counter and the result line tests/qemu reads,
 *   TEST <prefix><name>: PASS
 *   TEST <prefix><name>: FAIL <details>
 * (libos/lib/testreport.c).
 */
#ifndef RIVET_TESTREPORT_H
#define RIVET_TESTREPORT_H

#include <stdint.h>

/* Instructions retired (rdinstret); one per guest instruction under QEMU's
 * -icount shift=0. The clobber keeps it where the source puts it. */
static inline uint64_t rivet_instret(void)
{
	uint64_t v;

	__asm__ volatile("rdinstret %0" : "=r"(v)::"memory");
	return v;
}

/* Prints one case's result line; a failure is followed by fmt (printf)
 * with its arguments. Returns ok. */
int rivet_test_report(const char *prefix, const char *name, int ok,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
