/* SPDX-License-Identifier: MIT */
/*
 * The assembly halves of libos/tests/red9_reflect.c: code that lies to
 * the kernel about registers the C compiler will not let go of.
 *
 * long red9_wild_regs(unsigned long bad, unsigned long fault_va,
 *                     long nr, long arg)
 *
 * With sp and tp both = bad (a kernel address, say): a load from
 * fault_va (the exception reflected, the runtime's handler skips it on
 * its own stack), then system call nr(arg) and SYS_null. Returns the
 * call's a1 if sp and tp came back as bad from all three, else -1. t3
 * and t4 hold the real sp and tp meanwhile: a call and a reflection
 * keep them (docs/syscalls.md "Convention").
 */
#include <rivet/abi.h>

	.section .text
	.globl	red9_wild_regs
red9_wild_regs:
	mv	t3, sp
	mv	t4, tp
	mv	t5, a1
	mv	t6, a0
	mv	sp, a0
	mv	tp, a0
	ld	a1, 0(t5)		/* reflected: the runtime skips it */
	mv	a7, a2
	mv	a0, a3
	ecall				/* nr(arg) */
	mv	t5, a1
	li	a7, 0
	ecall				/* SYS_null: the assembly fast path */
	xor	a0, sp, t6
	xor	a1, tp, t6
	or	a0, a0, a1
	mv	sp, t3
	mv	tp, t4
	bnez	a0, 1f
	mv	a0, t5
	ret
1:	li	a0, -1
	ret

/*
 * long red9_storm(void): a load from address 0 with red9_storm_entry as
 * the exception entry. The entry counts the fault in red9_storm_count,
 * clears in_upcall itself and faults again from inside the handler,
 * which the kernel then reflects anew, until RED9_STORM faults; then it
 * clears in_upcall and returns to red9_storm's caller (ra is untouched
 * all along; t0/t1 are the kernel's junk after a reflection, which a
 * caller does not keep anyway). Returns the count.
 */
#define RED9_STORM 100000

	.globl	red9_storm
red9_storm:
	ld	zero, 0(zero)		/* the first fault */
	ld	a0, red9_storm_count
	ret

	.balign	4
	.globl	red9_storm_entry
red9_storm_entry:
	la	gp, red9_storm_count	/* gp: the upcall path's (ABI) */
	ld	t0, 0(gp)
	addi	t0, t0, 1
	sd	t0, 0(gp)
	li	gp, RIVET_UPCALL_VA
	sd	zero, UPCALL_IN_UPCALL(gp)
	li	t1, RED9_STORM
	bgeu	t0, t1, 1f
	ld	zero, 0(zero)		/* again, from inside the handler */
1:	ld	a0, red9_storm_count
	ret				/* to red9_storm's caller */

	.section .bss
	.balign	8
	.globl	red9_storm_count
red9_storm_count:
	.dword	0
