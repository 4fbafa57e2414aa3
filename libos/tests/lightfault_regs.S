/* SPDX-License-Identifier: MIT */
/*
 * unsigned long lightfault_regs(unsigned long va, long store)
 *
 * Loads from (store 0) or stores to (store 1) va with every register but
 * sp and gp holding a value of its own (a0 = va), and reports which did
 * not come back: bit n set for xn changed. The light exception entry
 * (libos/lib/upcall_entry.S) saves only what a C call does not keep and
 * relies on the handler's C code for s0-s11: this checks both halves.
 * gp is the runtime's upcall scratch register, left alone.
 */
#define REGVAL(n) (0x6b6b0000 + (n) * 0x111)

	.macro SETREGS regs:vararg
	.irp n, \regs
	li	x\n, REGVAL(\n)
	.endr
	.endm

	/* a1 |= (xn != REGVAL(n)) << n; t0 scratch */
	.macro CHECKREGS regs:vararg
	.irp n, \regs
	li	t0, REGVAL(\n)
	xor	t0, t0, x\n
	snez	t0, t0
	slli	t0, t0, \n
	or	a1, a1, t0
	.endr
	.endm

	.section .text.lightfault_regs, "ax"
	.globl	lightfault_regs
	.type	lightfault_regs, @function
lightfault_regs:
	addi	sp, sp, -160
	sd	ra, 0(sp)
	sd	gp, 8(sp)
	sd	tp, 16(sp)
	sd	s0, 24(sp)
	sd	s1, 32(sp)
	sd	s2, 40(sp)
	sd	s3, 48(sp)
	sd	s4, 56(sp)
	sd	s5, 64(sp)
	sd	s6, 72(sp)
	sd	s7, 80(sp)
	sd	s8, 88(sp)
	sd	s9, 96(sp)
	sd	s10, 104(sp)
	sd	s11, 112(sp)
	sd	a0, 120(sp)			/* va */
	bnez	a1, 1f
	SETREGS	1, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	lw	zero, 0(a0)			/* faults: the handler maps */
	j	2f
1:	SETREGS	1, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sw	zero, 0(a0)			/* faults: the handler opens */
2:	sd	a1, 128(sp)			/* a1 and t0 are checked */
	sd	t0, 136(sp)			/* last, from here */
	li	a1, 0
	CHECKREGS 1, 4, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	t0, 120(sp)			/* a0: still va */
	xor	t0, t0, a0
	snez	t0, t0
	slli	t0, t0, 10
	or	a1, a1, t0
	ld	t0, 136(sp)			/* t0 */
	li	t1, REGVAL(5)
	xor	t0, t0, t1
	snez	t0, t0
	slli	t0, t0, 5
	or	a1, a1, t0
	ld	t0, 128(sp)			/* a1 */
	li	t1, REGVAL(11)
	xor	t0, t0, t1
	snez	t0, t0
	slli	t0, t0, 11
	or	a0, a1, t0
	ld	ra, 0(sp)
	ld	gp, 8(sp)
	ld	tp, 16(sp)
	ld	s0, 24(sp)
	ld	s1, 32(sp)
	ld	s2, 40(sp)
	ld	s3, 48(sp)
	ld	s4, 56(sp)
	ld	s5, 64(sp)
	ld	s6, 72(sp)
	ld	s7, 80(sp)
	ld	s8, 88(sp)
	ld	s9, 96(sp)
	ld	s10, 104(sp)
	ld	s11, 112(sp)
	addi	sp, sp, 160
	ret
	.size	lightfault_regs, . - lightfault_regs
