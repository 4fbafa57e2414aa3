// SPDX-License-Identifier: MIT
/*
 * cap_info's answers and registers (tests/qemu/test_capinfo.py): on one
 * hart the ordinary call path calls cap_sys_info straight from the trap,
 * on two harts through the C dispatch and its lock (syscall_enter_c), on
 * the slow kernel after the full save; the suite is the same, so all
 * give the same results, errors and kept registers.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define BADGE 0x5a17UL

/* cap_info(slot, what) through callregs_ecall: reports the registers it
 * changed of those a call keeps (docs/syscalls.md) and its a0/a1. */
static void check_info(const char *name, unsigned long slot, unsigned long what,
		       long want_a0, long want_a1)
{
	long ret[2] = { 0x1111, 0x2222 };
	long changed =
		callregs_ecall(SYS_cap_info, (long)slot, ret, (long)what) &
		CALLREGS_CALLEE_SAVED;
	char line[64];

	snprintf(line, sizeof(line), "%s_regs", name);
	report(line, !changed, "registers changed: mask 0x%lx", changed, 0);
	report(name, ret[0] == want_a0 && ret[1] == want_a1, "a0 %ld, a1 %ld",
	       ret[0], ret[1]);
}

static void role_cap_info(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 4, 1);
	unsigned long pa = sys2_cap_info(f.val, RIVET_CAPINFO_OBJECT).val;
	unsigned long ro = sys2_cap_derive(f.val, -1UL, RIVET_CAP_R, 0).val;
	unsigned long nslots = sys2_kstat(KSTAT_MY_SLOTS).val +
			       sys2_kstat(KSTAT_FREE_SLOTS).val;
	unsigned long empty = ro + 1, i;
	long bad = 0;

	/* Find an empty slot above ro (slots fill from the lowest free). */
	while (sys2_cap_info(empty, RIVET_CAPINFO_TYPE).rc != E_NOENT)
		empty++;
	report("capinfo_frame_named", f.rc == 0 && pa && !(pa & 0xfff),
	       "rc %ld", f.rc, 0);
	check_info("capinfo_type", f.val, RIVET_CAPINFO_TYPE, 0,
		   RIVET_CAP_FRAME | 0xf << 8);
	check_info("capinfo_type_of_copy", ro, RIVET_CAPINFO_TYPE, 0,
		   RIVET_CAP_FRAME | RIVET_CAP_R << 8);
	check_info("capinfo_object", ro, RIVET_CAPINFO_OBJECT, 0, (long)pa);
	check_info("capinfo_size", f.val, RIVET_CAPINFO_SIZE, 0, 4);
	check_info("capinfo_badge_none", f.val, RIVET_CAPINFO_BADGE, 0, 0);
	check_info("capinfo_domain_object", RIVET_SLOT_SELF,
		   RIVET_CAPINFO_OBJECT, 0, rivet_info()->domain_id);
	check_info("capinfo_empty_slot", empty, RIVET_CAPINFO_TYPE, E_NOENT, 0);
	check_info("capinfo_last_slot_plus_one", nslots, RIVET_CAPINFO_TYPE,
		   E_INVAL, 0);
	check_info("capinfo_slot_past_32_bits", 1UL << 32, RIVET_CAPINFO_TYPE,
		   E_INVAL, 0);
	check_info("capinfo_slot_minus_one", -1UL, RIVET_CAPINFO_TYPE, E_INVAL,
		   0);
	check_info("capinfo_what_4", f.val, 4, E_INVAL, 0);
	check_info("capinfo_what_huge", f.val, -1UL, E_INVAL, 0);
	/* An empty slot says E_NOENT before a bad what: the C order. */
	check_info("capinfo_empty_before_what", empty, 99, E_NOENT, 0);
	/* A deleted capability's slot is empty at once. */
	sys_cap_delete(ro);
	check_info("capinfo_deleted_copy", ro, RIVET_CAPINFO_TYPE, E_NOENT, 0);
	for (i = 0; i < 1000; i++)
		bad += sys2_cap_info(f.val, RIVET_CAPINFO_SIZE).val != 4;
	EXPECT_EQ("capinfo_1000_the_same", bad, 0);
}

const struct role capinfo_roles[] = {
	{ "t_cap_info", role_cap_info },
	{ 0 },
};
