// SPDX-License-Identifier: MIT
/*
 * Exception leaf handlers (rivet_exc_register_leaf, the light entry in
 * libos/lib/upcall_entry.S; tests/qemu/test_exc_leaf.py): a leaf that
 * handles a fault, and one that declines it to the cause's light or full
 * handler, both changing every register a leaf may (excleaf_leaves.S),
 * give every register back (lightfault_regs.S); a later registration of
 * a handler, or NULL, removes the leaf; causes past 15 are refused; the
 * VM manager's own leaf (vm_fault_leaf, its system call included) keeps
 * every register, and declines what is not its case to vm_fault. A leaf
 * declining with no handler behind it is an unhandled exception (role
 * t_exc_leaf_refuse); a kernel refusal the leaf declines is vm_fault's
 * to report (role t_exc_leaf_no_frame).
 */
#include <stdint.h>

#include <rivet/libos.h>
#include <rivet/vm.h>

#include "tests.h"

#define XVA 0x64000000UL /* pages the handlers map, 4 KiB apart */
#define PG  4096UL
#define RW  (RIVET_CAP_R | RIVET_CAP_W)

unsigned long lightfault_regs(unsigned long va, long store);
int skip_leaf(struct rivet_upcall *u);
int decline_leaf(struct rivet_upcall *u);

long excleaf_skips, excleaf_declines; /* excleaf_leaves.S counts */
static long light_maps, full_maps;

/* A light handler: maps a fresh page at the fault. */
static int light_map(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	light_maps++;
	return sys_frame_alloc_map(u->tval & ~(PG - 1), RW) ? 1 : 0;
}

/* The same on the full entry. */
static int full_map(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	full_maps++;
	return sys_frame_alloc_map(u->tval & ~(PG - 1), RW) ? 1 : 0;
}

/* A leaf that handles, and one that declines, each in front of a light
 * handler: every register back either way. */
static void leaf_then_light(void)
{
	unsigned long bad;

	rivet_exc_register_light(13, light_map, 0);
	EXPECT_EQ("leaf_register", rivet_exc_register_leaf(13, skip_leaf), 0);
	bad = lightfault_regs(XVA, 0);
	report("leaf_handles_keeps_registers",
	       bad == 0 && excleaf_skips == 1 && light_maps == 0,
	       "changed 0x%lx, skips %ld", (long)bad, excleaf_skips);
	report("leaf_handled_nothing_mapped", rivet_pte(XVA) == 0, "pte 0x%lx",
	       (long)rivet_pte(XVA), 0);

	rivet_exc_register_light(15, light_map, 0);
	rivet_exc_register_leaf(15, skip_leaf);
	bad = lightfault_regs(XVA, 1);
	report("leaf_store_keeps_registers", bad == 0 && excleaf_skips == 2,
	       "changed 0x%lx, skips %ld", (long)bad, excleaf_skips);

	rivet_exc_register_leaf(13, decline_leaf);
	bad = lightfault_regs(XVA, 0);
	report("leaf_declines_to_light_keeps_registers",
	       bad == 0 && excleaf_declines == 1 && light_maps == 1,
	       "changed 0x%lx, light %ld", (long)bad, light_maps);
	report("leaf_declined_light_mapped", rivet_pte(XVA) != 0, "pte 0x%lx",
	       (long)rivet_pte(XVA), 0);
}

/* Declining to a full handler; the leaf removed by every later
 * registration for its cause. */
static void leaf_then_full_and_removal(void)
{
	unsigned long bad;

	rivet_exc_register(13, full_map, 0);
	rivet_exc_register_leaf(13, decline_leaf);
	bad = lightfault_regs(XVA + PG, 0);
	report("leaf_declines_to_full_keeps_registers",
	       bad == 0 && excleaf_declines == 2 && full_maps == 1,
	       "changed 0x%lx, full %ld", (long)bad, full_maps);

	rivet_exc_register_leaf(13, skip_leaf);
	rivet_exc_register(13, full_map, 0);
	bad = lightfault_regs(XVA + 2 * PG, 0);
	report("leaf_removed_by_full",
	       bad == 0 && full_maps == 2 && excleaf_skips == 2,
	       "full %ld, skips %ld", full_maps, excleaf_skips);

	rivet_exc_register_leaf(13, skip_leaf);
	rivet_exc_register_light(13, light_map, 0);
	bad = lightfault_regs(XVA + 3 * PG, 0);
	report("leaf_removed_by_light",
	       bad == 0 && light_maps == 2 && excleaf_skips == 2,
	       "light %ld, skips %ld", light_maps, excleaf_skips);

	rivet_exc_register_leaf(13, skip_leaf);
	EXPECT_EQ("leaf_unregister", rivet_exc_register_leaf(13, 0), 0);
	bad = lightfault_regs(XVA + 4 * PG, 0);
	report("leaf_removed_by_null",
	       bad == 0 && light_maps == 3 && excleaf_skips == 2,
	       "light %ld, skips %ld", light_maps, excleaf_skips);

	EXPECT_EQ("leaf_cause_past_codes",
		  rivet_exc_register_leaf(16, skip_leaf), E_INVAL);
	EXPECT_EQ("leaf_kernel_cause",
		  rivet_exc_register_leaf(RIVET_UPCALL_FP_OFF, skip_leaf),
		  E_INVAL);
}

/* The VM manager's handlers as it installs them: its leaf serves a
 * one-page mmap's first touch (with its system call) and declines a
 * two-page one's to vm_fault; every register back both times. */
static void vm_handlers(void)
{
	struct vm_stats s0, s1;
	unsigned long bad;
	char *one, *two;

	vm_fault_install();
	one = vm_mmap(PG, RW);
	vm_stats(&s0);
	bad = lightfault_regs((unsigned long)one, 1);
	vm_stats(&s1);
	report("vm_leaf_keeps_registers",
	       bad == 0 && s1.faults == s0.faults + 1 &&
		       vm_page_slot((uintptr_t)one) >= 0,
	       "changed 0x%lx, faults +%ld", (long)bad,
	       (long)(s1.faults - s0.faults));
	two = vm_mmap(2 * PG, RW);
	bad = lightfault_regs((unsigned long)two + PG, 0);
	vm_stats(&s0);
	report("vm_leaf_declines_to_vm_fault",
	       bad == 0 && s0.faults == s1.faults + 1 &&
		       vm_page_slot((uintptr_t)two + PG) >= 0,
	       "changed 0x%lx, faults +%ld", (long)bad,
	       (long)(s0.faults - s1.faults));
	EXPECT_EQ("vm_leaf_unmap", vm_munmap(one, PG) | vm_munmap(two, 2 * PG),
		  0);
}

static void role_leaf_entry(void)
{
	leaf_then_light();
	leaf_then_full_and_removal();
	vm_handlers();
}

/* Ends with "unhandled load page fault" and status -13. */
static void role_leaf_refuse(void)
{
	rivet_exc_register(13, 0, 0);
	rivet_exc_register_leaf(13, decline_leaf);
	(void)*(volatile uint32_t *)XVA;
	report("leaf_refuse_not_reached", 0, "resumed", 0, 0);
}

/*
 * Every frame of the quota taken, then a one-page mmap touched: the
 * kernel refuses the VM leaf's frame_alloc_map, the leaf declines with
 * nothing changed, and vm_fault, which asks again, reports it: "no
 * frame", status -15.
 */
static void role_leaf_no_frame(void)
{
	volatile uint32_t *p = vm_mmap(PG, RW);

	while (!sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).rc)
		;
	*p = 1;
	report("leaf_no_frame_not_reached", 0, "resumed", 0, 0);
}

const struct role excleaf_roles[] = {
	{ "t_exc_leaf", role_leaf_entry },
	{ "t_exc_leaf_refuse", role_leaf_refuse },
	{ "t_exc_leaf_no_frame", role_leaf_no_frame },
	{ 0 },
};
