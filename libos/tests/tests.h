/* SPDX-License-Identifier: MIT */
/*
 * The in-QEMU test suite's shared pieces: the result reporter, the role
 * table type, and small helpers every test file uses. A test file defines
 * its roles in a table NAME_roles[] ending with { 0 } and adds it to
 * role_tables[] in tests.c.
 */
#ifndef LIBOS_TESTS_TESTS_H
#define LIBOS_TESTS_TESTS_H

#include <stdint.h>

extern int failures;

/* Prints "TEST name: PASS" or "TEST name: FAIL <fmt with a, b>". */
void report(const char *name, int ok, const char *fmt, long a, long b);

/* Evaluates got once: it is often a system call. */
#define EXPECT_EQ(name, got, want)                                             \
	do {                                                                   \
		long got_ = (long)(got), want_ = (long)(want);                 \
		report(name, got_ == want_, "got %ld, want %ld", got_, want_); \
	} while (0)

/* An ecall with any number, for numbers the stubs do not have. */
long raw_syscall(long nr, long a0, long a1);

/* Length of the instruction at pc: 2 if compressed, else 4. */
unsigned long insn_len(unsigned long pc);

struct role {
	const char *name;
	void (*run)(void);
};

extern const struct role allocmap_roles[];	   /* allocmap.c */
extern const struct role bootinfo_roles[];	   /* bootinfo.c */
extern const struct role bounds_roles[];	   /* bounds.c */
extern const struct role callregs_roles[];	   /* callregs.c */
extern const struct role chan_hostile_roles[];	   /* chan_hostile.c */
extern const struct role channels_roles[];	   /* channels.c */
extern const struct role fastcall_hostile_roles[]; /* fastcall_hostile.c */
extern const struct role gcbarrier_roles[];	   /* gcbarrier.c */
extern const struct role grants_roles[];	   /* grants.c */
extern const struct role hostile_roles[];	   /* hostile.c */
extern const struct role initramfs_roles[];	   /* initramfs.c */
extern const struct role lightfault_roles[];	   /* lightfault.c */
extern const struct role mapbatch_roles[];	   /* mapbatch.c */
extern const struct role protect_roles[];	   /* protect.c */
extern const struct role ring_roles[];		   /* ring.c */
extern const struct role slices_roles[];	   /* slices.c */
extern const struct role zeroed_roles[];	   /* zeroed.c */

#endif
