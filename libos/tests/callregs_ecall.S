/* SPDX-License-Identifier: MIT */
/*
 * long callregs_ecall(long nr, long arg, long *ret, long arg1)
 *
 * Makes system call nr with a0 = arg, a1 = arg1 and every other register
 * but sp and gp loaded with a value of its own (REGVAL below: a2, the
 * third argument, is REGVAL(12)), then reports which of
 * them did not come back: bit n set for register xn changed. A system
 * call keeps every register but a0 and a1 (docs/syscalls.md); the
 * compiler cannot check that for us, so this is assembly. *ret gets the
 * call's a0 and a1 (two longs). gp is the libOS runtime's scratch
 * register in an upcall's resume (libos/libos.mk), so it is left alone.
 */
#define REGVAL(n) (0x5a5a0000 + (n) * 0x111)

	.macro SETREGS regs:vararg
	.irp n, \regs
	li	x\n, REGVAL(\n)
	.endr
	.endm

	/* a1 |= (xn != REGVAL(n)) << n; a0 scratch */
	.macro CHECKREGS regs:vararg
	.irp n, \regs
	li	a0, REGVAL(\n)
	xor	a0, a0, x\n
	snez	a0, a0
	slli	a0, a0, \n
	or	a1, a1, a0
	.endr
	.endm

	.section .text.callregs_ecall, "ax"
	.globl	callregs_ecall
	.type	callregs_ecall, @function
callregs_ecall:
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
	sd	a2, 120(sp)			/* ret */
	sd	a0, 128(sp)			/* nr */
	mv	a7, a0
	mv	a0, a1
	mv	a1, a3
	SETREGS	1, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ecall
	sd	a0, 136(sp)			/* the results, before a0 and */
	sd	a1, 144(sp)			/* a1 become scratch */
	li	a1, 0
	CHECKREGS 1, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	a0, 128(sp)			/* a7: still the call number */
	xor	a0, a0, a7
	snez	a0, a0
	slli	a0, a0, 17
	or	a0, a0, a1
	ld	t0, 120(sp)
	ld	t1, 136(sp)
	sd	t1, 0(t0)
	ld	t1, 144(sp)
	sd	t1, 8(t0)
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
	.size	callregs_ecall, . - callregs_ecall
