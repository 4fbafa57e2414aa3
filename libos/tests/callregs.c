// SPDX-License-Identifier: MIT
/*
 * A system call keeps what a function call keeps (ra, sp, gp, tp,
 * s0-s11: docs/syscalls.md), on the ordinary call path (CONFIG_FAST_SYSCALL,
 * arch/riscv/syscall_entry.S) and on the full-frame path the calls that
 * may switch domains take; a call that goes on from the full save, or
 * finds no such call, gives every register but a0 and a1 back
 * (tests/qemu/test_callregs.py). sysabi.c checks what the others hold.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

/* What a call keeps (docs/syscalls.md: the ecall is a call, which may
 * change the caller-saved registers). */
#define CALLEE_SAVED  CALLREGS_CALLEE_SAVED
#define ALL_BUT_A0_A1 (~0L)

/* Makes the call and reports the registers of keep it changed, and its
 * a0/a1. */
static void check_call(const char *name, long nr, long arg, long keep,
		       long want_a0, long want_a1)
{
	long ret[2] = { 0x1111, 0x2222 };
	long changed = callregs_ecall(nr, arg, ret, arg) & keep;
	char line[64];

	report(name, !changed, "registers changed: mask 0x%lx (a0 %ld)",
	       changed, ret[0]);
	snprintf(line, sizeof(line), "%s_result", name);
	report(line, ret[0] == want_a0 && ret[1] == want_a1, "a0 %ld, a1 %ld",
	       ret[0], ret[1]);
}

static void role_callregs(void)
{
	struct rivet_ret slots = sys2_kstat(KSTAT_MY_SLOTS);
	int i;

	check_call("callregs_kstat", SYS_kstat, KSTAT_MY_SLOTS, CALLEE_SAVED, 0,
		   slots.val);
	/* A failing call: a1 = 0 whatever the handler left. */
	check_call("callregs_error", SYS_kstat, 1000, CALLEE_SAVED, E_INVAL, 0);
	check_call("callregs_cap_info_empty", SYS_cap_info, 4000, CALLEE_SAVED,
		   E_INVAL, 0);
	/* No such call, on the ordinary path (63) and on the full path
	 * (200: its bit mod 64 is fp_enable's, a full-frame call). */
	check_call("callregs_nosys_63", 63, 0, ALL_BUT_A0_A1, E_NOSYS, 0);
	check_call("callregs_nosys_200", 200, 0, ALL_BUT_A0_A1, E_NOSYS, 0);
	/* Full-frame calls: a yield to anyone (the scheduler runs; a yield
	 * keeps what a call keeps) and a wait that finds its bit pending. */
	check_call("callregs_yield_any", SYS_yield_cap, RIVET_YIELD_ANY,
		   CALLEE_SAVED, 0, 0);
	/* The retired id-based yield and notify: no such call (numbers inside
	 * the table: the ordinary path, which zeroes a2-a7). */
	check_call("callregs_retired_yield", 2, 1, CALLEE_SAVED, E_NOSYS, 0);
	check_call("callregs_retired_notify", 4, 1, CALLEE_SAVED, E_NOSYS, 0);
	rivet_notify_name("t_callregs", 1UL << 3); /* its `notify =` line */
	check_call("callregs_wait_pending", SYS_wait, 1UL << 3, ALL_BUT_A0_A1,
		   0, 1UL << 3);
	/* Many in a row: nothing accumulates. */
	for (i = 0; i < 1000; i++)
		if (callregs_ecall(SYS_kstat, KSTAT_MY_SLOTS, (long[2]){ 0 },
				   0) &
		    CALLEE_SAVED)
			break;
	EXPECT_EQ("callregs_kstat_1000", i, 1000);
}

const struct role callregs_roles[] = {
	{ "t_callregs", role_callregs },
	{ 0 },
};
