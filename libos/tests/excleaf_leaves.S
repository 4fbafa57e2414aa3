/* SPDX-License-Identifier: MIT */
/*
 * Two exception leaf handlers (rivet_exc_register_leaf) for
 * libos/tests/excleaf.c, in assembly so that each changes every register
 * a leaf may change (ra kept only for its return: t0, t1, a0-a7) and the
 * test sees the entry give them all back:
 *
 *   int skip_leaf(struct rivet_upcall *u)     skips the faulting
 *       instruction (4 bytes: lightfault_regs.S's), counts excleaf_skips,
 *       returns 0 (handled);
 *   int decline_leaf(struct rivet_upcall *u)  counts excleaf_declines,
 *       returns 1 (not its case: the cause's handler runs).
 *
 * Their names end in _leaf: scripts/check-exc-leaf checks them too.
 */
#include <rivet/abi.h>

#define JUNK(n) (0x0bad0000 + (n))

	.macro CLOBBER
	li	t0, JUNK(5)
	li	t1, JUNK(6)
	li	a1, JUNK(11)
	li	a2, JUNK(12)
	li	a3, JUNK(13)
	li	a4, JUNK(14)
	li	a5, JUNK(15)
	li	a6, JUNK(16)
	li	a7, JUNK(17)
	.endm

	.section .text.excleaf_leaves, "ax"
	.globl	skip_leaf
	.type	skip_leaf, @function
skip_leaf:
	ld	t0, UPCALL_EPC(a0)
	addi	t0, t0, 4
	sd	t0, UPCALL_EPC(a0)
	lla	t0, excleaf_skips
	ld	t1, 0(t0)
	addi	t1, t1, 1
	sd	t1, 0(t0)
	CLOBBER
	li	a0, 0
	ret
	.size	skip_leaf, . - skip_leaf

	.globl	decline_leaf
	.type	decline_leaf, @function
decline_leaf:
	lla	t0, excleaf_declines
	ld	t1, 0(t0)
	addi	t1, t1, 1
	sd	t1, 0(t0)
	CLOBBER
	li	a0, 1
	ret
	.size	decline_leaf, . - decline_leaf
