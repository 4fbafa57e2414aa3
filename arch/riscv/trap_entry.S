/* SPDX-License-Identifier: MIT */
/*
 * Trap entry and exit.
 *
 * sscratch tells where a trap came from: 0 in S-mode, the running domain's
 * struct uctx while it is in U-mode (arch/riscv/uctx.h).
 *
 * From U-mode there are two fast paths that touch only t0 and t1, which
 * they park in the uctx first:
 *   - SYS_null returns at once (the measured floor of a system call);
 *   - an exception, when the domain has an exception entry and is not
 *     already in an upcall, is reflected: cause, epc, tval and the user's
 *     t0/t1 go to its upcall area, in_upcall is set, and sret enters the
 *     handler with every other register as it was. The domain resumes by
 *     itself (see include/rivet/abi.h).
 * Every other system call is a call into the kernel (syscall_entry.S).
 * Everything else saves the full user context in the uctx and calls
 * user_trap() on the hart's kernel stack.
 *
 * Structure offsets shared with C come from the generated asm_offsets.h
 * (arch/riscv/asm_offsets.c), the uctx's from uctx.h, where they are pinned.
 *
 * From S-mode every register is saved in a struct trap_frame on the
 * current kernel stack, so a fault report can print them all.
 */
#include <rivet/abi.h>
#include <rivet/syscall.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/far_branch.h"
#include "arch/riscv/trap_frame.h"
#include "arch/riscv/uctx.h"
#include "generated/asm_offsets.h"

/*
 * The one register save and restore sequence: op (sd or ld) each listed
 * register x<n> at base + off + 8 * n, its slot in a struct trap_frame
 * (off = TF_REG(0)) or a struct uctx (off = UC_REG(0)). Each list says
 * which registers that path must save or load.
 */
.macro REGS op, base, off, regs:vararg
	.irp n, \regs
	\op	x\n, (\off + 8 * \n)(\base)
	.endr
.endm

/* Any other system call: the ordinary call path (syscall_entry.S), or
 * the full save below. */
#ifdef CONFIG_FAST_SYSCALL
#define USER_ECALL_OTHER syscall_entry
#else
#define USER_ECALL_OTHER user_slow
#endif

/* What the fast paths below take for granted. */
#if SYSCALL_NR_NULL != 0
#error "user_ecall tests a7 against zero for SYS_null"
#endif

	/*
	 * Each way into C below is the outermost kernel frame: what ran
	 * before the trap is another context (a domain, or the interrupted
	 * kernel code the trap frame describes), not a caller. The unwind
	 * information says so (ra undefined), so gdb's backtrace ends at the
	 * entry cleanly, and fp = 0 ends the kernel's own walk.
	 */
	.cfi_sections .debug_frame

	.section .text
	.balign	4				/* stvec direct mode needs it */
	.globl	trap_entry
trap_entry:
	.cfi_startproc
	.cfi_undefined ra
	csrrw	sp, sscratch, sp		/* U: sp = uctx; S: sp = 0 */
	bnez	sp, from_user
	csrrw	sp, sscratch, sp		/* S: put both back */

	addi	sp, sp, -TF_SIZE
	REGS	sd, sp, TF_REG(0), 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	addi	t0, sp, TF_SIZE			/* sp as it was at the trap */
	sd	t0, TF_REG(2)(sp)
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)

	mv	a0, sp
	li	s0, 0				/* fp: the walk starts from tf */
	call	trap_handler

	/* The handler may have changed sepc (to skip an instruction). */
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	REGS	ld, sp, TF_REG(0), 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	addi	sp, sp, TF_SIZE
	sret
	.cfi_endproc

from_user:
	sd	t0, UC_REG(5)(sp)
	sd	t1, UC_REG(6)(sp)
	/* Each fast path below has a switch (CONFIG_FAST_*, Kconfig) that
	 * leaves the trap to its C twin; a traced kernel turns all off. */
	csrr	t0, scause
	addi	t1, t0, -EXC_ECALL_U
	beqz	t1, user_ecall			/* system calls first */
	bltz	t0, user_slow			/* interrupts: the scheduler */
#ifndef CONFIG_FAST_REFLECT
	j	user_slow
#endif

	/* Exception: reflect it if the domain can take it. */
	ld	t1, UC_EXC_ENTRY(sp)
	beqz	t1, user_slow			/* no handler: the kernel kills */
	ld	t1, UC_UPCALL_KVA(sp)
	ld	t0, UPCALL_IN_UPCALL(t1)
	bnez	t0, user_slow			/* fault inside its handler */
	ld	t0, UC_EXC_ENTRY(sp)
	csrrw	t0, sepc, t0			/* enter the handler ... */
	sd	t0, UPCALL_EPC(t1)
	csrr	t0, scause
	sd	t0, UPCALL_CAUSE(t1)
	csrr	t0, stval
	sd	t0, UPCALL_TVAL(t1)
	li	t0, 1
	sd	t0, UPCALL_IN_UPCALL(t1)
	ld	t0, UC_FAULTS(sp)
	addi	t0, t0, 1
	sd	t0, UC_FAULTS(sp)
	ld	t0, UC_REG(5)(sp)		/* the user's t0 and t1 */
	sd	t0, UPCALL_T0(t1)
	ld	t0, UC_REG(6)(sp)
	sd	t0, UPCALL_T1(t1)
	li	t1, 0				/* no kernel address leaves: */
						/* t0 is the user's t1 */
	csrrw	sp, sscratch, sp		/* ... with the user's sp */
	sret

user_ecall:
#ifndef CONFIG_FAST_NULL
	j	USER_ECALL_OTHER
#endif
	/* bnez a7 in one instruction (far_branch.h); SYS_null is 0
	 * (checked above) */
	BNEZ_FAR 17, USER_ECALL_OTHER
	csrr	t0, sepc
	addi	t0, t0, 4			/* past the ecall */
	csrw	sepc, t0
	li	a0, 0
	li	a1, 0				/* both result registers, always */
	ld	t0, UC_REG(5)(sp)
	ld	t1, UC_REG(6)(sp)
	csrrw	sp, sscratch, sp
	sret

	.globl	user_slow			/* syscall_entry.S: full-frame calls */
user_slow:
	.cfi_startproc
	.cfi_undefined ra
	REGS	sd, sp, UC_REG(0), 1, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	csrr	t0, sscratch			/* the user's sp */
	sd	t0, UC_REG(2)(sp)
	csrr	t0, sepc
	sd	t0, UC_SEPC(sp)
	csrw	sscratch, zero			/* in the kernel from here */
	ld	tp, DOMAIN_HART(sp)		/* this_hart() (user's tp saved) */
	mv	a0, sp
	ld	sp, UC_KERNEL_SP(a0)
	li	s0, 0				/* fp (d's is saved above) */
	call	user_trap			/* returns the uctx to resume */
	.cfi_endproc
	/* fall through with a0 = uctx */

	.globl	return_to_user
return_to_user:
	ld	t0, UC_SEPC(a0)
	csrw	sepc, t0
	ld	t0, UC_SSTATUS(a0)		/* SPP = U, SPIE = 1, FS */
	csrw	sstatus, t0
	csrw	sscratch, a0			/* where the next trap saves */
	REGS	ld, a0, UC_REG(0), 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x10, UC_REG(10)(a0)		/* a0 last: it was the base */
	sret
