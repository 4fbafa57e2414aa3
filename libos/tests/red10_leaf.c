// SPDX-License-Identifier: MIT
/*
 * Hostile exception leaves (rivet_exc_register_leaf; libos/tests/
 * red10_leaf_fns.S; tests/qemu/test_red10_step.py): the leaf runs in the
 * domain on its own terms, and the kernel takes nothing from it but what
 * the domain does next.
 *
 *   t_red10_leaf_loop   a leaf that resumes at a kernel address, and at
 *                       a non-canonical one, 999 times each: every fault
 *                       there reflected anew, then back after the load;
 *   t_red10_leaf_gp     a leaf that returns with gp in the kernel's half:
 *                       the entry faults inside the handler, the domain
 *                       is killed, nobody else.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define UNMAPPED 0x6b000000UL

volatile unsigned long red10_jumps, red10_jump_target, red10_jump_back;

long red10_leaf_load(unsigned long va);
int red10_kernel_jumper(struct rivet_upcall *u);
int red10_gp_smasher(struct rivet_upcall *u);

static void jumps_to(const char *name, unsigned long target)
{
	long got;

	red10_jumps = 0;
	red10_jump_target = target;
	got = red10_leaf_load(UNMAPPED);
	report(name, got == (long)UNMAPPED && red10_jumps == 1000,
	       "jumps %ld got %lx", (long)red10_jumps, got);
}

static void role_red10_leaf_loop(void)
{
	unsigned long s;

	rivet_exc_register_leaf(12, red10_kernel_jumper);
	rivet_exc_register_leaf(13, red10_kernel_jumper);
	jumps_to("red10_leaf_resumes_in_kernel_half", 0xffffffc000000000UL);
	jumps_to("red10_leaf_resumes_non_canonical", 1UL << 38);
	rivet_exc_register_leaf(12, 0);
	rivet_exc_register_leaf(13, 0);
	s = sys2_frame_alloc_map(UNMAPPED, RIVET_CAP_R | RIVET_CAP_W).val;
	*(volatile unsigned long *)UNMAPPED = 42;
	report("red10_leaf_loop_goes_on",
	       *(volatile unsigned long *)UNMAPPED == 42 && !sys_cap_delete(s),
	       "slot %ld", (long)s, 0);
}

static void role_red10_leaf_gp(void)
{
	rivet_exc_register_leaf(13, red10_gp_smasher);
	printf("red10: gp smasher registered\n");
	red10_leaf_load(UNMAPPED);
	printf("red10: gp smasher survived\n");
}

const struct role red10_leaf_roles[] = {
	{ "t_red10_leaf_loop", role_red10_leaf_loop },
	{ "t_red10_leaf_gp", role_red10_leaf_gp },
	{ 0 },
};
