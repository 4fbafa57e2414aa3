/* SPDX-License-Identifier: MIT */
/*
 * void sysabi_call(long nr, const long args[6], long out[32])
 *
 * Makes system call nr with a0..a5 = args[0..5] and every other register
 * but sp and gp loaded with a value of its own (SYSABI_REGVAL(n),
 * libos/tests/tests.h), then stores every register as the ecall left it
 * in out[n] for xn (out[0] and out[2], sp, are 0). gp is the libOS
 * runtime's scratch register in an upcall's resume (libos/libos.mk), so
 * it is left alone. The compiler cannot fill or read registers for us,
 * so this is assembly; sysabi.c judges what came back.
 */
#define REGVAL(n) (0x5a5a0000 + (n) * 0x111)

	.macro SETREGS regs:vararg
	.irp n, \regs
	li	x\n, REGVAL(\n)
	.endr
	.endm

	/* out[n] = xn, out at sp (x2 excluded: it is the base) */
	.macro STOREREGS regs:vararg
	.irp n, \regs
	sd	x\n, (\n * 8)(sp)
	.endr
	.endm

	.section .text.sysabi_call, "ax"
	.globl	sysabi_call
	.type	sysabi_call, @function
sysabi_call:
	addi	sp, sp, -128
	sd	ra, 0(sp)
	sd	tp, 8(sp)
	sd	s0, 16(sp)
	sd	s1, 24(sp)
	sd	s2, 32(sp)
	sd	s3, 40(sp)
	sd	s4, 48(sp)
	sd	s5, 56(sp)
	sd	s6, 64(sp)
	sd	s7, 72(sp)
	sd	s8, 80(sp)
	sd	s9, 88(sp)
	sd	s10, 96(sp)
	sd	s11, 104(sp)
	sd	a2, 112(sp)			/* out */
	mv	a7, a0
	mv	t0, a1
	ld	a0, 0(t0)
	ld	a1, 8(t0)
	ld	a2, 16(t0)
	ld	a3, 24(t0)
	ld	a4, 32(t0)
	ld	a5, 40(t0)
	SETREGS	1, 4, 5, 6, 7, 8, 9, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ecall
	addi	sp, sp, -256
	STOREREGS 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	zero, 0(sp)
	sd	zero, 16(sp)
	ld	t0, (256 + 112)(sp)		/* out */
	li	t1, 0
1:	add	t2, sp, t1
	ld	t3, 0(t2)
	add	t2, t0, t1
	sd	t3, 0(t2)
	addi	t1, t1, 8
	li	t2, 256
	bltu	t1, t2, 1b
	addi	sp, sp, 256
	ld	ra, 0(sp)
	ld	tp, 8(sp)
	ld	s0, 16(sp)
	ld	s1, 24(sp)
	ld	s2, 32(sp)
	ld	s3, 40(sp)
	ld	s4, 48(sp)
	ld	s5, 56(sp)
	ld	s6, 64(sp)
	ld	s7, 72(sp)
	ld	s8, 80(sp)
	ld	s9, 88(sp)
	ld	s10, 96(sp)
	ld	s11, 104(sp)
	addi	sp, sp, 128
	ret
	.size	sysabi_call, . - sysabi_call
