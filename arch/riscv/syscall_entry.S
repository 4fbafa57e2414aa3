/* SPDX-License-Identifier: MIT */
/*
 * The ordinary system call path (CONFIG_FAST_SYSCALL): a system call is a
 * function call into the kernel.
 *
 * trap_entry.S's user_ecall comes here for every call but SYS_null and
 * the directed yield, with sp = the caller's uctx, the user's sp in
 * sscratch, and t0/t1 parked in the uctx. The caller expects every
 * register but a0 and a1 back as it left them. The C code run for the
 * call keeps what the calling convention makes it keep (sp, gp,
 * s0-s11), so only the others are saved here: ra, t0-t6 and a0-a7, and
 * tp, which the kernel's C code uses for this hart's record
 * (this_hart(): d->hart, docs/smp.md). They
 * go to their uctx slots, where the handlers read the arguments and the
 * restart record finds a0 and a7 (kernel/syscall.c), and come back from
 * there: a result, a restart's rewritten arguments, or the user's own
 * value. Nothing the kernel left in a register reaches U-mode.
 *
 * The calls of SYSCALL_FULL_FRAME_MASK (kernel/arch.h: those that can
 * switch away from a caller that lives on) take the full save instead,
 * before anything is stored. cap_info and protect of one page go to
 * capinfo_fast.S and protect_fast.S first (CONFIG_FAST_CAP_INFO,
 * CONFIG_FAST_PROTECT), which answer with no C on a one-hart machine
 * and otherwise come back to syscall_entry_ordinary, nothing changed.
 *
 * entry_syscall_fast (kernel/syscall.c) answers with two contexts:
 *   (u, 0)  the caller goes on: load the saved registers and sret;
 *   (t, u)  the call ended the caller and t runs now: u's frame is
 *           completed with the registers C preserved (gp, s0-s11
 *           still hold the user's values), then t is resumed as after
 *           any trap.
 *
 * s0 is not zeroed before the call (the slow path does, to end the
 * kernel's frame-pointer walk in a fault report): the walk follows only
 * frame pointers inside the kernel stack (arch/riscv/backtrace.c), so
 * whatever the user left in s0 ends it or points at stack words.
 *
 * sstatus is not written on the way back: the trap left SPP = U and
 * SPIE as the caller had it, and the kernel's C code changes neither.
 * The FS field the caller left stays in the CPU; the full-frame path
 * notes it in the uctx (user_trap) before any domain switch could need
 * it.
 */
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
	/* t1 = the call's bit in the mask (a7 >= 64: any bit; the full
	 * path answers E_NOSYS as well) */
	li	t0, SYSCALL_FULL_FRAME_MASK
	srl	t1, t0, a7
	andi	t1, t1, 1
	bnez	t1, FULL_FRAME_CALL
	/* Two calls done with no C on a one-hart machine (after the mask
	 * test, so the full-frame calls do not pay for them). */
#ifdef CONFIG_FAST_CAP_INFO
	li	t0, SYSCALL_NR_CAP_INFO		/* capinfo_fast.S */
	beq	a7, t0, cap_info_fast
#endif
#ifdef CONFIG_FAST_PROTECT
	li	t0, SYSCALL_NR_PROTECT		/* protect_fast.S */
	beq	a7, t0, protect_fast
#endif
	/* Where those two give up, nothing changed: the ordinary path. */
	.globl	syscall_entry_ordinary
syscall_entry_ordinary:
	/* ra, tp, t2, a0-a7, t3-t6 (t0/t1 are parked already); tp then
	 * becomes this hart's record for the C code (this_hart()) */
	UREGS	sd, sp, 1, 4, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
	ld	tp, DOMAIN_HART(sp)
	csrrw	t0, sscratch, zero		/* the user's sp; sscratch = 0: */
	sd	t0, UC_REG(2)(sp)		/* in the kernel from here */
	csrr	t0, sepc
	sd	t0, UC_SEPC(sp)
	mv	a0, sp
	ld	sp, UC_KERNEL_SP(a0)
	call	entry_syscall_fast
	bnez	a1, syscall_full_frame

	/* The caller goes on: sepc as the call left it (past the ecall, or
	 * at it again for a restart), sstatus as the trap left it. */
	ld	t0, UC_SEPC(a0)
	csrw	sepc, t0
	csrw	sscratch, a0			/* where the next trap saves */
	UREGS	ld, a0, 1, 2, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
	ld	x10, UC_REG(10)(a0)		/* a0 last: it was the base */
	sret

	/* a1 = the caller's uctx, which has ended: complete it (gp,
	 * s0-s11; tp was saved on entry) as any trap would have, then
	 * resume a0. */
syscall_full_frame:
	UREGS	sd, a1, 3, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
	j	return_to_user
	.cfi_endproc
