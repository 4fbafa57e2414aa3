/* SPDX-License-Identifier: MIT */
/*
 * The Rivet system call table: the single source for call numbers. The
 * kernel's dispatch table (kernel/syscall.c), the libOS stubs
 * (libos/lib/syscall_stubs.S) and the declarations below are all built
 * from RIVET_SYSCALLS; docs/syscalls.md describes each call.
 *
 * Convention: ecall with the number in a7 and arguments in a0..a5; the
 * result comes back in a0 (0 or a negative code from <rivet/errno.h>) and,
 * for calls that return a value, a1. Every argument is untrusted.
 *
 * X(number, name, parameters, errors)
 */
#ifndef RIVET_SYSCALL_H
#define RIVET_SYSCALL_H

#define RIVET_SYSCALLS(X)                                                      \
	X(0, null, (void), "none")                                             \
	X(1, debug_write, (const char *buf, unsigned long len),                \
	  "E_RANGE buffer not in the caller's memory; E_TOOBIG len > 4096")    \
	X(2, yield, (long target),                                             \
	  "E_NOENT no live domain with that id (-1 = anyone); "                \
	  "E_BUSY the target is waiting")                                      \
	X(3, wait, (unsigned long mask),                                       \
	  "E_INVAL mask is 0; a1 = the pending bits of mask, now cleared")     \
	X(4, notify, (long domain, unsigned long bits),                        \
	  "E_NOENT no live domain with that id; E_INVAL bits is 0")            \
	X(5, exit, (long status), "does not return")                           \
	X(6, upcall_set,                                                       \
	  (unsigned long exc_entry, unsigned long slice_entry,                 \
	   unsigned long resume_lo, unsigned long resume_hi),                  \
	  "E_RANGE an entry is not in an executable segment; E_INVAL lo > hi") \
	X(7, domain_lookup, (const char *name, unsigned long len),             \
	  "E_RANGE name not readable; E_NOENT no such domain; a1 = id")        \
	X(8, fp_enable, (void), "none: FP state becomes Initial")              \
	X(9, kstat, (unsigned long what),                                      \
	  "E_INVAL unknown counter; a1 = the counter's value")

#ifndef __ASSEMBLY__
/* Numbers, as an enum so the compiler rejects duplicates in switches. */
enum rivet_syscall_number {
#define RIVET_SYSCALL_ENUM(num, name, params, errors) SYS_##name = num,
	RIVET_SYSCALLS(RIVET_SYSCALL_ENUM)
#undef RIVET_SYSCALL_ENUM
	SYS_COUNT
};
#endif

/* kstat counters. */
#define KSTAT_FREE_FRAMES  0 /* free frames in the whole machine */
#define KSTAT_MY_FRAMES	   1 /* frames the caller owns */
#define KSTAT_LIVE_DOMAINS 2 /* domains not yet exited or killed */
#define KSTAT_MY_STRIKES   3 /* slice overruns charged to the caller */

#define RIVET_YIELD_ANY (-1L)

#endif
