// SPDX-License-Identifier: MIT
/*
 * SYS_protect (tests/qemu/test_protect.py): rights go down and come back
 * up to the mapping's, never above the capability's; every page or none;
 * a lowered mapping is still removed by revocation; no TLB entry
 * outlives a downgrade.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define PVA	 0x48000000UL
#define PVA_MEGA 0x48200000UL /* 2 MiB aligned */
#define R	 RIVET_CAP_R
#define W	 RIVET_CAP_W
#define X	 RIVET_CAP_X

/* A one-page frame mapped at va with rights; its slot. */
static long map_one(unsigned long va, unsigned rights)
{
	long slot = (long)sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;

	if (sys_map(slot, va, rights))
		return -1;
	return slot;
}

static void role_protect(void)
{
	long s, ro, i, bad = 0;
	uint64_t pte;

	rivet_exc_register(12, pf_skip, 0);
	rivet_exc_register(13, pf_skip, 0);
	rivet_exc_register(15, pf_skip, 0);

	s = map_one(PVA, R | W);
	*(volatile uint64_t *)PVA = 42;
	EXPECT_EQ("protect_read_only", sys_protect(PVA, 1, R), 0);
	report("protect_read_only_reads", !pf_load_faults(PVA), "faults %ld",
	       pf_count, 0);
	report("protect_read_only_store_faults", pf_store_faults(PVA, 7),
	       "faults %ld", pf_count, 0);
	pte = rivet_pte(PVA);
	report("protect_view_shows_read_only", (pte & 0x1f) == 0x13,
	       /* V R U, no W */ "pte 0x%lx", (long)pte, 0);
	EXPECT_EQ("protect_restore_rw", sys_protect(PVA, 1, R | W), 0);
	report("protect_restored_store_writes", !pf_store_faults(PVA, 43),
	       "faults %ld", pf_count, 0);
	EXPECT_EQ("protect_value_kept", *(volatile uint64_t *)PVA, 43);
	EXPECT_EQ("protect_no_access", sys_protect(PVA, 1, 0), 0);
	report("protect_no_access_load_faults", pf_load_faults(PVA),
	       "faults %ld", pf_count, 0);
	pte = rivet_pte(PVA);
	report("protect_view_shows_no_access", (pte & 0x11) == 0x01,
	       "pte 0x%lx", (long)pte, 0);
	/* The kernel on the domain's behalf sees what U-mode sees. */
	EXPECT_EQ("protect_no_access_kernel_refuses",
		  sys_debug_write((const char *)PVA, 8), E_RANGE);
	/* Rights above the mapping's: never, whatever was lowered. */
	EXPECT_EQ("protect_above_mapping_x", sys_protect(PVA, 1, R | X),
		  E_PERM);
	sys_protect(PVA, 1, R | W);

	/* A read-only copy of a capability: its mapping cannot go up to W. */
	ro = (long)sys2_cap_derive(s, -1, R, 0).val;
	EXPECT_EQ("protect_map_ro_copy", sys_map(ro, PVA + 0x1000, R), 0);
	EXPECT_EQ("protect_above_capability",
		  sys_protect(PVA + 0x1000, 1, R | W), E_PERM);
	report("protect_above_capability_store_faults",
	       pf_store_faults(PVA + 0x1000, 1), "faults %ld", pf_count, 0);
	/* All or nothing: the second page's refusal leaves the first RW. */
	EXPECT_EQ("protect_range_refused_whole", sys_protect(PVA, 2, R | W),
		  E_PERM);
	report("protect_range_refused_changes_nothing",
	       !pf_store_faults(PVA, 5), "faults %ld", pf_count, 0);

	/* Bad arguments. */
	EXPECT_EQ("protect_bad_rights", sys_protect(PVA, 1, 8), E_INVAL);
	EXPECT_EQ("protect_write_execute", sys_protect(PVA, 1, R | W | X),
		  E_INVAL);
	EXPECT_EQ("protect_write_without_read", sys_protect(PVA, 1, W),
		  E_INVAL);
	EXPECT_EQ("protect_unaligned", sys_protect(PVA + 8, 1, R), E_INVAL);
	EXPECT_EQ("protect_zero_pages", sys_protect(PVA, 0, R), E_INVAL);
	EXPECT_EQ("protect_too_many",
		  sys_protect(PVA, RIVET_PROTECT_MAX + 1, R), E_TOOBIG);
	EXPECT_EQ("protect_unmapped", sys_protect(PVA + 0x2000, 1, R), E_RANGE);
	EXPECT_EQ("protect_past_map_top",
		  sys_protect(RIVET_MAP_TOP - 0x1000, 2, R), E_RANGE);
	EXPECT_EQ("protect_huge_count_wraps", sys_protect(PVA, -1UL, R),
		  E_TOOBIG);
	/* The kernel's own mappings of the domain: the view, the stack. */
	EXPECT_EQ("protect_kernel_mapping",
		  sys_protect(RIVET_STACK_TOP - 0x1000, 1, R), E_RANGE);
	EXPECT_EQ("protect_text_refused",
		  sys_protect((uintptr_t)&role_protect & ~0xfffUL, 1, R | W),
		  E_RANGE);
	/* A megapage is not split. */
	i = (long)sys2_frame_alloc(RIVET_FRAME_ANY, 512, 512).val;
	sys_map(i, PVA_MEGA, R | W);
	EXPECT_EQ("protect_megapage_refused", sys_protect(PVA_MEGA, 1, R),
		  E_RANGE);

	/* No TLB entry outlives a downgrade: a read right after each no-access
	 * protect pf_count, every time. */
	for (i = 0; i < 1000; i++) {
		sys_protect(PVA, 1, R);
		if (pf_load_faults(PVA))
			bad++;
		sys_protect(PVA, 1, 0);
		if (!pf_load_faults(PVA))
			bad++;
	}
	EXPECT_EQ("protect_read_after_protect_faults_1000", bad, 0);

	/* Revoking the capability under a lowered mapping removes it. */
	sys_protect(PVA + 0x1000, 1, 0);
	EXPECT_EQ("protect_revoke_under_protected", sys_cap_revoke(s), 0);
	EXPECT_EQ("protect_revoked_mapping_gone", rivet_pte(PVA + 0x1000), 0);
	sys_protect(PVA, 1, R | W);
	EXPECT_EQ("protect_delete_under_protected", sys_cap_delete(s), 0);
	EXPECT_EQ("protect_deleted_mapping_gone", rivet_pte(PVA), 0);
	EXPECT_EQ("protect_after_revoke_refused", sys_protect(PVA, 1, R),
		  E_RANGE);
	/* The freed page can be mapped again (protect left no leaf). */
	EXPECT_EQ("protect_va_reusable", map_one(PVA, R | W) >= 0, 1);
}

const struct role protect_roles[] = {
	{ "t_protect", role_protect },
	{ 0 },
};
