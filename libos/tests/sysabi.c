// SPDX-License-Identifier: MIT
/*
 * The system call convention, register by register (docs/syscalls.md,
 * "Convention"; tests/qemu/test_sysabi.py): every register but sp and gp
 * is filled with a pattern (sysabi_regs.S), a call of each kind is made,
 * and what comes back is judged:
 *   - what a call keeps (ra, sp, gp, tp, s0-s11) holds the caller's value;
 *   - what it may change (t0-t6, a2-a7) holds the caller's value or 0
 *     (after a call that switched away, possibly an older value of the
 *     caller's own), never anything of the kernel's;
 *   - a0 and a1 are the call's result and value (a1 = 0 on failure).
 * The kinds: ordinary calls answered straight from the trap, calls that
 * go through the C dispatch (restartable ones, on every call while there
 * are several harts), a call restarted at its ecall several times, calls
 * that fail, numbers that are no call (out of range, negative), bad
 * pointers, and the full-frame calls (yield, wait).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/libos.h>

#include "tests.h"

#define REGVAL(n) (0x5a5a0000L + (n)*0x111)

/* sysabi_regs.S */
void sysabi_call(long nr, const long args[6], long out[32]);

/* ra, tp, s0, s1, s2-s11: what a call keeps (sp is the helper's own). */
#define KEPT ((1L << 1) | (1L << 4) | (1L << 8) | (1L << 9) | (0x3ffL << 18))
/* t0-t2, a2-a7, t3-t6: what a call may change. */
#define CHANGED                                                                \
	((1L << 5) | (1L << 6) | (1L << 7) | (0x3fL << 12) | (0xfL << 28))

/* What the caller had in xn at the ecall (n in CHANGED or KEPT). */
static long before(int n, long nr, const long *args)
{
	if (n >= 10 && n <= 15)
		return args[n - 10];
	if (n == 17)
		return nr;
	return REGVAL(n);
}

/* want_a1 for a value check() does not judge (it returns it in *a1). */
#define ANY_A1 (-0x7fffffffffffffffL - 1)

/* An address of the kernel's half of Sv39 (bits 38-63 all set): a value
 * a register must never bring back. Tested by a shift, so that this code
 * leaves no such constant in a register of its own for a later full save
 * to keep (the "older value" a switching call may give back). */
static int kernel_address(long v)
{
	return (unsigned long)v >> 38 == ~0UL >> 38;
}

/* May a register the call may change come back as v? The caller's value
 * or 0; after a call that switched away from the caller (yield, wait),
 * also a value of the caller's own from an earlier kernel entry
 * (docs/syscalls.md), so then only never the kernel's. */
static int changed_ok(long v, long was, int switched)
{
	return v == was || v == 0 || (switched && !kernel_address(v));
}

/*
 * Makes call nr with args and reports three lines: name_kept (the
 * registers a call keeps but gp, which the runtime's upcall resume uses
 * as scratch, libos/libos.mk), name_changed (each register it
 * may change is the caller's value or 0) and name (a0, and a1 unless
 * want_a1 is ANY_A1). Returns a0, and a1 in *a1 if a1 is not NULL.
 */
static long check_sw(const char *name, long nr, const long args[6],
		     long want_a0, long want_a1, long *a1, int switched)
{
	long out[32], kept = 0, changed = 0;
	char line[64];
	int n;

	sysabi_call(nr, args, out);
	for (n = 1; n < 32; n++) {
		long was = before(n, nr, args);

		if ((KEPT >> n & 1) && out[n] != was)
			kept |= 1L << n;
		if ((CHANGED >> n & 1) && !changed_ok(out[n], was, switched))
			changed |= 1L << n;
	}
	snprintf(line, sizeof(line), "%s_kept", name);
	report(line, !kept, "registers changed: mask 0x%lx (a0 %ld)", kept,
	       out[10]);
	snprintf(line, sizeof(line), "%s_changed", name);
	report(line, !changed,
	       "registers neither kept nor 0: mask 0x%lx, 0x%lx", changed,
	       changed ? out[__builtin_ctzl(changed)] : 0);
	report(name,
	       out[10] == want_a0 && (want_a1 == ANY_A1 || out[11] == want_a1),
	       "a0 %ld, a1 %ld", out[10], out[11]);
	if (a1)
		*a1 = out[11];
	return out[10];
}

static long check_a1(const char *name, long nr, const long args[6],
		     long want_a0, long want_a1, long *a1)
{
	return check_sw(name, nr, args, want_a0, want_a1, a1, 0);
}

static long check(const char *name, long nr, const long args[6], long want_a0,
		  long want_a1)
{
	return check_sw(name, nr, args, want_a0, want_a1, 0, 0);
}

#define ARGS(...) ((const long[6]){ __VA_ARGS__ })

static void role_sysabi(void)
{
	char text[1024]; /* on the stack: docs/testing.md, "Test buffers" */
	long slots = (long)sys2_kstat(KSTAT_MY_SLOTS).val;
	struct rivet_ret f;
	long slot = 0;
	int i, bad;

	/* Ordinary calls, answered straight from the trap on one hart. */
	check("sysabi_kstat", SYS_kstat, ARGS(KSTAT_MY_SLOTS), 0, slots);
	check("sysabi_cap_info", SYS_cap_info,
	      ARGS(RIVET_SLOT_SELF, RIVET_CAPINFO_TYPE), 0,
	      (long)sys2_cap_info(RIVET_SLOT_SELF, RIVET_CAPINFO_TYPE).val);
	check("sysabi_null", SYS_null, ARGS(1, 2, 3, 4, 5, 6), 0, 0);
	/* Failing calls: a1 = 0. */
	check("sysabi_kstat_bad", SYS_kstat, ARGS(1000), E_INVAL, 0);
	check("sysabi_cap_info_bad", SYS_cap_info, ARGS(4000, 0), E_INVAL, 0);
	check("sysabi_protect_bad", SYS_protect, ARGS(0x1001, 1, RIVET_CAP_R),
	      E_INVAL, 0);
	/* Calls that can stop part-way go through the C dispatch. */
	f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	check("sysabi_cap_delete", SYS_cap_delete, ARGS((long)f.val), 0, 0);
	check("sysabi_cap_delete_bad", SYS_cap_delete, ARGS((long)f.val),
	      E_NOENT, 0);
	if (check_a1("sysabi_frame_alloc", SYS_frame_alloc,
		     ARGS((long)RIVET_FRAME_ANY, 1, 1), 0, ANY_A1,
		     &slot) == 0) {
		/* a1 is the new slot: a frame capability of the caller's */
		EXPECT_EQ("sysabi_frame_alloc_slot",
			  sys2_cap_info(slot, RIVET_CAPINFO_TYPE).val & 0xff,
			  RIVET_CAP_FRAME);
		sys_cap_delete(slot);
	}
	/* A call restarted at its ecall: a 1 KiB console write goes in
	 * pieces (kernel/syscall.c, DEBUG_WRITE_INSNS), each coming back
	 * to the ecall with a0..a7 as the call left them. */
	memset(text, '.', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\n';
	check("sysabi_restarted", SYS_debug_write,
	      ARGS((long)text, sizeof(text)), 0, 0);
	/* Numbers that are no call: past the table, past the full-frame
	 * mask's 64 bits, negative. */
	check("sysabi_nosys_count", SYS_COUNT, ARGS(0), E_NOSYS, 0);
	check("sysabi_nosys_63", 63, ARGS(0), E_NOSYS, 0);
	check("sysabi_nosys_64", 64, ARGS(0), E_NOSYS, 0);
	check("sysabi_nosys_67", 64 + SYS_wait, ARGS(0), E_NOSYS, 0);
	check("sysabi_nosys_minus_1", -1, ARGS(0), E_NOSYS, 0);
	check("sysabi_nosys_minus_big", -0x7fffffffffffffffL - 1, ARGS(0),
	      E_NOSYS, 0);
	/* Bad pointers: clear errors, nothing of the kernel's back. */
	check("sysabi_write_bad_ptr", SYS_debug_write, ARGS(0x10, 8), E_RANGE,
	      0);
	check("sysabi_write_kernel_ptr", SYS_debug_write,
	      ARGS((long)0xffffffff80200000UL, 8), E_RANGE, 0);
	check("sysabi_lookup_bad_ptr", SYS_domain_lookup,
	      ARGS((long)0xffffffff80200000UL, 5), E_RANGE, 0);
	check("sysabi_map_batch_bad_ptr", SYS_map_batch, ARGS(0x10, 1), E_RANGE,
	      0);
	check("sysabi_spawn_bad_ptr", SYS_spawn, ARGS(0x10), E_RANGE, 0);
	/* Full-frame calls: a yield to anyone and a wait whose bit is
	 * pending. */
	check_sw("sysabi_yield", SYS_yield_cap, ARGS(RIVET_YIELD_ANY), 0, 0, 0,
		 1);
	rivet_notify_name("t_sysabi", 1UL << 3); /* its `notify =` line */
	check_sw("sysabi_wait", SYS_wait, ARGS(1L << 3), 0, 1L << 3, 0, 1);
	/* Many in a row: nothing accumulates, nothing leaks. */
	for (i = 0, bad = 0; i < 1000; i++) {
		long out[32], args[6] = { KSTAT_MY_SLOTS };
		int n;

		sysabi_call(SYS_kstat, args, out);
		for (n = 1; n < 32; n++)
			if (((KEPT >> n & 1) &&
			     out[n] != before(n, SYS_kstat, args)) ||
			    ((CHANGED >> n & 1) &&
			     !changed_ok(out[n], before(n, SYS_kstat, args),
					 0)))
				bad++;
	}
	EXPECT_EQ("sysabi_kstat_1000", bad, 0);
}

const struct role sysabi_roles[] = {
	{ "t_sysabi", role_sysabi },
	{ 0 },
};
