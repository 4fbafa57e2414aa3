/* SPDX-License-Identifier: MIT */
/*
 * Hostile exception leaves for libos/tests/red10_leaf.c: leaves
 * (rivet_exc_register_leaf) that break the leaf contract on purpose. Their
 * names do not end in _leaf, so scripts/check-exc-leaf, which holds the
 * libOS's own leaves to the contract, leaves them alone: the kernel must
 * not need it.
 *
 *   long red10_leaf_load(unsigned long va)  one 4-byte load of va
 *       (a0 comes back as va if a handler skipped it);
 *   int red10_kernel_jumper(struct rivet_upcall *u)  counts red10_jumps;
 *       keeps the first fault's epc + 4 in red10_jump_back; sends the
 *       domain to red10_jump_target (a kernel or non-canonical address:
 *       a new fault there, reflected again) until RED10_JUMPS, then back;
 *   int red10_gp_smasher(struct rivet_upcall *u)  returns "handled" with
 *       gp, which the entry needs to resume, in the kernel's half.
 */
#include <rivet/abi.h>

#define RED10_JUMPS 1000

	.section .text.red10_leaf_fns, "ax"
	.option	push
	.option	norvc				/* the load: 4 bytes */

	.globl	red10_leaf_load
	.type	red10_leaf_load, @function
red10_leaf_load:
	ld	a0, 0(a0)
	ret
	.size	red10_leaf_load, . - red10_leaf_load

	.globl	red10_kernel_jumper
	.type	red10_kernel_jumper, @function
red10_kernel_jumper:
	lla	t0, red10_jumps
	ld	t1, 0(t0)
	addi	t1, t1, 1
	sd	t1, 0(t0)
	li	t0, 1
	bne	t1, t0, 1f
	ld	t0, UPCALL_EPC(a0)		/* the first: the load's */
	addi	t0, t0, 4
	lla	a1, red10_jump_back
	sd	t0, 0(a1)
1:	li	t0, RED10_JUMPS
	bgeu	t1, t0, 2f
	lla	t0, red10_jump_target
	j	3f
2:	lla	t0, red10_jump_back
3:	ld	t0, 0(t0)
	sd	t0, UPCALL_EPC(a0)
	li	a0, 0
	ret
	.size	red10_kernel_jumper, . - red10_kernel_jumper

	.globl	red10_gp_smasher
	.type	red10_gp_smasher, @function
red10_gp_smasher:
	li	gp, 0xffffffc000000000
	li	a0, 0
	ret
	.size	red10_gp_smasher, . - red10_gp_smasher

	.option	pop
