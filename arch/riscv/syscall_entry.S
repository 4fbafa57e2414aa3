/* SPDX-License-Identifier: MIT */
/*
 * The ordinary system call path (CONFIG_FAST_SYSCALL): a system call is a
 * function call into the kernel (docs/syscalls.md, "Convention").
 *
 * trap_entry.S's user_ecall comes here for every call but SYS_null,
 * with sp = the caller's uctx (its struct domain), the user's sp in
 * sscratch, and t0/t1 parked in the uctx. The entry takes the call's
 * entry from the caller's table (uctx.syscalls: kernel/syscall.c,
 * syscall_route, says which). The calls of SYSCALL_FULL_FRAME_MASK
 * (kernel/arch.h: those that can switch away from a caller that lives
 * on) have 0 there and leave for the full save with nothing else
 * touched. Any other entry is the call's handler, which the entry calls
 * on the hart's kernel stack with the arguments still in a0..a5, the
 * caller in a6 and the number in a7; the handler's two words come back
 * in a0 and a1, which is where the caller wants them. One path for every
 * call: what differs between calls is in the table, not here.
 *
 * What the caller keeps, and why it costs nothing: the C calling
 * convention makes the handler keep sp, gp, tp and s0-s11, and the
 * kernel's C code is built to keep t2-t6 as well (-fcall-saved-t2 ...
 * t6, Makefile), so those still hold the user's values when the handler
 * returns. Only sp, tp and ra are the kernel's meanwhile (its stack; this
 * hart's record, this_hart(); the handler's return address): they
 * are saved in the uctx and loaded back (a call keeps ra: the libOS's
 * stubs return through it). The rest may hold kernel values after C, and
 * the caller does not expect them back (a call may change t0-t6 and
 * a2-a7): a2-a7 are zeroed, t0/t1 get the user's values from where the
 * trap parked them. No kernel value reaches U-mode.
 *
 * sepc is not saved: the kernel's C code never writes it and takes no
 * trap while it handles a call (arch_trap_pc, arch_ops.h), so it still
 * points at the ecall when the handler returns, and the way back moves
 * it on. sstatus is not written either: the trap left SPP = U and SPIE
 * as the caller had it, and the C code changes neither; the FS field the
 * caller left stays in the CPU.
 *
 * s0 is not zeroed before the call (the slow path does, to end the
 * kernel's frame-pointer walk in a fault report): the walk follows only
 * frame pointers inside the kernel stack (arch/riscv/backtrace.c), so
 * whatever the user left in s0 ends it or points at stack words.
 *
 * A handler's a0 is 0 or negative, a result. syscall_enter_c, the C
 * dispatch behind the calls that need it, can also answer (kernel/
 * arch.h): SYSCALL_ANSWER_CONTEXT, resume the caller from its context
 * (a restart: a0..a7 and sepc as the call left them there), or
 * SYSCALL_ANSWER_SWITCH, the call ended the caller (a1), whose frame is
 * completed with what C kept before the hart's current domain runs.
 */
#include <rivet/errno.h>

#include "arch/riscv/far_branch.h"
#include "arch/riscv/uctx.h"
#include "generated/asm_offsets.h"

/* The full-frame calls: notify_cap and notify_wait try notify_fast.S
 * first (CONFIG_FAST_NOTIFY); it takes the others to user_slow. */
#ifdef CONFIG_FAST_NOTIFY
#define FULL_FRAME_CALL notify_fast
#else
#define FULL_FRAME_CALL user_slow
#endif

/* op (sd or ld) each listed register x<n> at base + UC_REG(n). */
.macro UREGS op, base, regs:vararg
	.irp n, \regs
	\op	x\n, UC_REG(\n)(\base)
	.endr
.endm

	.cfi_sections .debug_frame

	.section .text
	.globl	syscall_entry
syscall_entry:
	.cfi_startproc
	.cfi_undefined ra
	/* t0 = the handler: a7 checked, then the caller's table */
	li	t1, SYSCALL_COUNT
	bgeu	a7, t1, syscall_nosys
	slli	t1, a7, 3
	add	t1, t1, sp
	ld	t0, UC_SYSCALLS(t1)
	/* A full-frame call has no handler here (0): every kernel address
	 * is negative (the high half, kernel.lds), so one test tells. */
	BGEZ_FAR 5, FULL_FRAME_CALL		/* bgez t0 */
	/* The kernel's ra (the handler's return), tp (this hart's record,
	 * this_hart()) and sp (the hart's stack); the user's are kept in
	 * the uctx. sscratch = 0: in the kernel from here. */
	sd	ra, UC_REG(1)(sp)
	sd	tp, UC_REG(4)(sp)
	ld	tp, DOMAIN_HART(sp)
	csrrw	t1, sscratch, zero
	sd	t1, UC_REG(2)(sp)
	mv	a6, sp
	ld	sp, UC_KERNEL_SP(sp)
	jalr	t0				/* handler(a0..a5, d, nr) */
	bgtz	a0, syscall_answer

	/* The caller goes on past its ecall with a0 and a1. It is still
	 * the hart's current domain (a call that ends it answers so). */
syscall_return:
	ld	t0, HART_SCHED_CURRENT(tp)
	csrr	t1, sepc
	addi	t1, t1, 4
	csrw	sepc, t1
	csrw	sscratch, t0			/* where the next trap saves */
	ld	ra, UC_REG(1)(t0)
	ld	sp, UC_REG(2)(t0)
	ld	tp, UC_REG(4)(t0)
	ld	t1, UC_REG(6)(t0)
	ld	t0, UC_REG(5)(t0)
	li	a2, 0				/* the kernel's, all of them */
	li	a3, 0
	li	a4, 0
	li	a5, 0
	li	a6, 0
	li	a7, 0
	sret

	/* A positive a0: one of syscall_enter_c's answers. Results are 0
	 * or negative, so anything else is a handler called straight from
	 * the table that stopped part-way (SYSCALL_RESTART), a kernel bug. */
syscall_answer:
	li	t1, SYSCALL_ANSWER_CONTEXT_RC
	beq	a0, t1, syscall_resume_context
	li	t1, SYSCALL_ANSWER_SWITCH_RC
	beq	a0, t1, syscall_switch
	call	syscall_lost_restart		/* panics */

	/* Resume the caller from its context: a0..a7 and sepc as the call
	 * left them (the ecall again, for a restart). */
syscall_resume_context:
	ld	a0, HART_SCHED_CURRENT(tp)
	ld	t0, UC_SEPC(a0)
	csrw	sepc, t0
	csrw	sscratch, a0
	UREGS	ld, a0, 1, 2, 4, 5, 6, 11, 12, 13, 14, 15, 16, 17
	ld	x10, UC_REG(10)(a0)		/* a0 last: it was the base */
	sret

	/* a1 = the caller's uctx, which has ended: complete it (gp,
	 * s0-s11, t2-t6, which C kept; ra, sp and tp were saved on entry)
	 * as any trap would have, then resume the hart's current domain. */
syscall_switch:
	UREGS	sd, a1, 3, 7, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	a0, HART_SCHED_CURRENT(tp)
	j	return_to_user
	.cfi_endproc

	/* No such call: E_NOSYS, a1 = 0, nothing else touched. */
syscall_nosys:
	li	a0, E_NOSYS
	li	a1, 0
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	ld	t0, UC_REG(5)(sp)		/* the user's t0/t1 back */
	ld	t1, UC_REG(6)(sp)
	csrrw	sp, sscratch, sp		/* the user's sp; sscratch = uctx */
	sret
