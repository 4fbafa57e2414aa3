/* SPDX-License-Identifier: MIT */
/*
 * The two upcall entries the libOS registers with SYS_upcall_set, and the
 * resume sequence they share.
 *
 * The kernel enters an entry in U-mode with every register as the
 * interrupted code left it, except t0 and t1, which it needed: their user
 * values are in the upcall area (UPCALL_T0/UPCALL_T1), along with cause,
 * epc and tval, and in_upcall is 1. The entry must put everything back and
 * jump to epc itself. With every other register live, the only one it may
 * take is gp: the libOS ABI reserves gp for this path (all libOS code is
 * built with -mno-relax and linked with --no-relax, so nothing else reads
 * or writes it), and gp is not preserved across an upcall.
 *
 * The upcall area, not the stack, holds the saved registers: the exception
 * may be a stack overflow, and nothing here touches the interrupted stack.
 * save[i] holds x<i>; save[0] and save[3] (gp) are unused.
 */
#include <rivet/abi.h>

#include "upcall_light.h"

#define SAVE(n) (UPCALL_SAVE + 8 * (n))

/* Store (save_regs) or load (load_regs) each register xN named by its
 * number N in save[N] of the area at gp, in the order given. */
	.macro	save_regs regs:vararg
	.irp	n, \regs
	sd	x\n, SAVE(\n)(gp)
	.endr
	.endm
	.macro	load_regs regs:vararg
	.irp	n, \regs
	ld	x\n, SAVE(\n)(gp)
	.endr
	.endm

#define EXC_STACK_SIZE 8192

	.section .text.rivet_upcall, "ax"

/*
 * Exception entry: save the whole register file into the area, run the C
 * dispatcher on the exception stack, load the (possibly edited) register
 * file back and resume at u->epc.
 */
	.balign	4
	.globl	rivet_exc_entry
	.type	rivet_exc_entry, @function
rivet_exc_entry:
	li	gp, RIVET_UPCALL_VA		/* gp = the area: ours to take */
	sd	x1, SAVE(1)(gp)
	sd	x2, SAVE(2)(gp)
	sd	x4, SAVE(4)(gp)
	ld	t0, UPCALL_T0(gp)		/* t0/t1 are the kernel's junk: */
	ld	t1, UPCALL_T1(gp)		/* the user's values are in the */
	sd	t0, SAVE(5)(gp)			/* area; copy them into save[] */
	sd	t1, SAVE(6)(gp)			/* so it is one register file */
	save_regs 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
	save_regs 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31

	la	sp, exc_stack_top		/* never the faulting stack */
	la	tp, __tls_base			/* errno for the C code, even */
						/* if the faulting code broke tp */
	li	s0, 0				/* end of the frame chain */
	mv	a0, gp				/* struct rivet_upcall *u */
	call	rivet_upcall_dispatch		/* returns only to resume */

.Lexc_restore:
	li	gp, RIVET_UPCALL_VA		/* do not trust gp across C */
	ld	x1, SAVE(1)(gp)
	ld	x2, SAVE(2)(gp)
	ld	x4, SAVE(4)(gp)
	ld	x5, SAVE(5)(gp)			/* the user's t0/t1, from the */
	ld	x6, SAVE(6)(gp)			/* area, maybe edited by C */
	load_regs 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
	load_regs 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	j	rivet_upcall_resume
	.size	rivet_exc_entry, . - rivet_exc_entry

/*
 * Light exception entry, the one registered with the kernel: for an
 * exception code with a light handler (rivet_exc_register_light, the VM
 * manager's page faults), save only what a C call does not preserve
 * (ra, t2, a0-a7, t3-t6; t0/t1 are in the area already) and the sp and
 * tp the handler's C code replaces, call the handler on the exception
 * stack, and resume: the handler's C code keeps s0-s11 itself. Such a
 * handler reads cause, epc and tval only, and may change epc; save[] is
 * not a register file here. Anything else goes to the full entry above,
 * as does a light handler's refusal, after the rest of save[] is filled
 * in (s0-s11 still hold the interrupted values), so that the dispatcher
 * reports it as any unhandled exception.
 *
 * A code with a leaf handler (rivet_exc_register_leaf) runs the leaf
 * first, which may change only ra, t0, t1 and a0-a7 and uses no stack:
 * only ra and a0-a7 are saved (t0/t1 are in the area already). If it
 * declines, those are loaded back and the code's handler runs as above,
 * as if there were no leaf.
 */
	.balign	4
	.globl	rivet_exc_light_entry
	.type	rivet_exc_light_entry, @function
rivet_exc_light_entry:
	li	gp, RIVET_UPCALL_VA
	ld	t0, UPCALL_CAUSE(gp)		/* t0/t1: the kernel's junk */
	li	t1, RIVET_EXC_LIGHT_CODES
	bgeu	t0, t1, rivet_exc_entry		/* a kernel cause: full */
	slli	t0, t0, 4			/* 16-byte entries: fn, arg, */
	add	t1, gp, t0			/* in the area's page */
	ld	t0, RIVET_LIGHT_LEAF(t1)
	bnez	t0, .Lleaf
.Llight:
	ld	t0, RIVET_LIGHT_TABLE(t1)
	beqz	t0, rivet_exc_entry		/* no light handler: full */
	save_regs 1, 2, 4, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30
	save_regs 31
	ld	a1, RIVET_LIGHT_TABLE + 8(t1)	/* its arg */
	ld	sp, RIVET_LIGHT_SP(gp)		/* exc_stack_top, */
	ld	tp, RIVET_LIGHT_TP(gp)		/* __tls_base: set with the table */
	mv	a0, gp				/* struct rivet_upcall *u */
	jalr	t0
	/* gp is still the area (three instructions to set): the libOS's
	 * code never writes it (the ABI above), a system call keeps it,
	 * and no upcall comes while in_upcall is 1. */
	bnez	a0, 1f				/* refused: report it */
	load_regs 1, 2, 4, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30
	load_regs 31
	ld	t0, UPCALL_T0(gp)
	ld	t1, UPCALL_T1(gp)
	j	rivet_upcall_resume
1:	sd	x8, SAVE(8)(gp)			/* the rest of the file */
	save_regs 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
	ld	t0, UPCALL_T0(gp)
	ld	t1, UPCALL_T1(gp)
	sd	t0, SAVE(5)(gp)
	sd	t1, SAVE(6)(gp)
	li	s0, 0				/* end of the frame chain */
	mv	a0, gp
	call	rivet_upcall_dispatch		/* no handler left: reports */
	j	.Lexc_restore

.Lleaf:						/* t0: the leaf */
	save_regs 1, 10, 11, 12, 13, 14, 15, 16, 17
	mv	a0, gp				/* struct rivet_upcall *u */
	jalr	t0				/* on the interrupted sp: */
						/* it touches no stack */
	ld	x1, SAVE(1)(gp)			/* gp kept: the leaf's contract */
	load_regs 11, 12, 13, 14, 15, 16, 17
	bnez	a0, 1f				/* declined */
	ld	x10, SAVE(10)(gp)
	ld	t0, UPCALL_T0(gp)
	ld	t1, UPCALL_T1(gp)
	j	rivet_upcall_resume
1:	ld	x10, SAVE(10)(gp)		/* as interrupted again: the */
	ld	t0, UPCALL_CAUSE(gp)		/* code's handler, as if no */
	slli	t0, t0, 4			/* leaf (the cause was checked) */
	add	t1, gp, t0
	j	.Llight
	.size	rivet_exc_light_entry, . - rivet_exc_light_entry

/*
 * Slice-end entry: give the CPU away at once, as the kernel asks, then
 * resume. The system call is treated as clobbering every caller-saved
 * register (ra, t0-t6, a0-a7); callee-saved ones and sp survive it by the
 * calling convention, and the stub uses no stack, so only the caller-saved
 * ones are saved. t0/t1 need no saving: the user's values are already in
 * the area.
 */
	.balign	4
	.globl	rivet_slice_entry
	.type	rivet_slice_entry, @function
rivet_slice_entry:
	li	gp, RIVET_UPCALL_VA
	sd	x1, SAVE(1)(gp)			/* ra */
	sd	x7, SAVE(7)(gp)			/* t2 */
	sd	x10, SAVE(10)(gp)		/* a0 .. a7 */
	save_regs 11, 12, 13, 14, 15, 16, 17
	sd	x28, SAVE(28)(gp)		/* t3 .. t6 */
	sd	x29, SAVE(29)(gp)
	sd	x30, SAVE(30)(gp)
	sd	x31, SAVE(31)(gp)

	li	a0, -1				/* RIVET_YIELD_ANY */
	call	sys_yield_cap			/* back here on our next turn */

	li	gp, RIVET_UPCALL_VA		/* nor across the kernel */
	load_regs 1, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
	ld	t0, UPCALL_T0(gp)
	ld	t1, UPCALL_T1(gp)
	/* fall through */

/*
 * The resume sequence, [rivet_upcall_resume, rivet_upcall_resume_end),
 * registered as the resume range. Every register but gp holds its final
 * value. Once in_upcall is 0 the kernel could upcall again, which would
 * overwrite epc before the load below reads it; the kernel never upcalls
 * while the pc is inside this range, and the range ends with the jump.
 */
	.globl	rivet_upcall_resume
	.globl	rivet_upcall_resume_end
rivet_upcall_resume:
	sd	zero, UPCALL_IN_UPCALL(gp)	/* upcalls allowed again ... */
	ld	gp, UPCALL_EPC(gp)		/* ... but not inside the range */
	jr	gp				/* back to the interrupted code */
rivet_upcall_resume_end:
	.size	rivet_slice_entry, . - rivet_slice_entry

/* The dispatcher's stack. One suffices: a fault in it kills the domain. */
	.section .bss.rivet_exc_stack, "aw", @nobits
	.balign	16
	.space	EXC_STACK_SIZE
	.globl	exc_stack_top			/* upcall.c: the light entry's */
exc_stack_top:
