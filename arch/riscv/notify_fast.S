/* SPDX-License-Identifier: MIT */
/*
 * notify_cap, notify_wait and yield_cap without C (CONFIG_FAST_NOTIFY),
 * in their common cases, as kernel/cap/notify_cap.c does them (the
 * reference):
 *
 *   notify_cap   sets the bits in the target; if that wakes it and the
 *                capability hands off, the target runs now in the rest
 *                of the caller's slice and the caller goes to the back of
 *                the run queue (yield_to); otherwise the caller goes on;
 *   notify_wait  the same signal; if a bit of the mask is pending the
 *                caller goes on with them (a1); if not, and the signal
 *                woke the target through a handoff capability, the caller
 *                sleeps and the target runs in the rest of its slice
 *                (sched_wait_handoff);
 *   yield_cap    the directed yield to the target, queued on the
 *                caller's hart, as yield_to (kernel/sched/sched.c) does
 *                it (the only directed yield: there is none by id).
 *
 * Anything else goes to the C path before anything has changed, with
 * every register saved as user_slow saves them: a bad, empty or foreign
 * slot, no W right, bits outside the badge or none, a mask of 0, a
 * target that ended or is the caller, a waiting target of yield_cap
 * (E_BUSY), a target placed on another hart
 * (it is woken there, docs/smp.md: this path touches no other hart's run
 * queue), a restart record to end (kernel/syscall.c), a caller that
 * sleeps without a handoff (the scheduler picks who runs), and for a
 * switch everything sched.c's switch does beyond this: FP state to
 * move, a TLB to flush, a timer to move. So every error comes from the
 * C path, the same through both kernels (tests/qemu/test_fastpath.py).
 *
 * syscall_entry.S comes here for every call of SYSCALL_FULL_FRAME_MASK,
 * with sp = the caller's uctx (its struct domain), the user's sp in
 * sscratch and t0/t1 parked. Like the directed yield's, the ecall of
 * these three is a call (docs/syscalls.md): when the caller is switched
 * away it keeps ra, sp, gp, tp and s0-s11, which are saved first, and
 * the others hold older values of its own when it resumes. When it goes
 * on without a switch it gets every register back but a0 and a1. The
 * decode uses only t0, t1 (parked) and s0-s8 (saved), so the fallback
 * reloads s0-s8 and the user's sp and enters user_slow as the trap did.
 *
 * Several harts (docs/smp.md, "The notify fast path on several harts"):
 * nothing here takes the big kernel lock, and every target is placed on
 * the caller's hart, so neither it nor the caller can run or fall asleep
 * elsewhere meanwhile. What another hart can do at the same time is
 * signal either of them from C, under the lock (sched_notify). Event bits
 * are set with amoor.d and taken with amoand.d, on every hart; a wake-up
 * is claimed by a compare-and-swap of the sleeper's state from WAITING
 * to RUNNABLE (SIGNAL, nf_wait_late, sched_notify), so two wakers never
 * both queue it; and the caller's sleep publishes WAITING and then reads
 * its bits again, so a bit another hart sent in between is not lost.
 * yield_cap checks that its target is still runnable (a domain queued
 * here but ended from another hart).
 */
#include <rivet/abi.h>

#include "arch/riscv/uctx.h"
#include "generated/asm_offsets.h"

#if SSTATUS_FS_MASK & ~0xff00
#error "SWITCH_CHECK reads sstatus.FS as one byte"
#endif
#if DOMAIN_GEN != DOMAIN_ID + 4 || DOMAIN_ID % 8
#error "SAVE_DECODE reads a domain's id and incarnation as one word"
#endif

/* op (sd or ld) each listed register x<n> at base + UC_REG(n). */
.macro UREGS op, base, regs:vararg
	.irp n, \regs
	\op	x\n, UC_REG(\n)(\base)
	.endr
.endm

/* runq_push(dom) at the tail of hart's run queue (sched_core.h). */
.macro RUNQ_PUSH dom, hart, tmp
	ld	\tmp, HART_SCHED_TAIL(\hart)
	sd	zero, DOMAIN_NEXT(\dom)
	sd	\tmp, DOMAIN_PREV(\dom)
	beqz	\tmp, .Lempty\@
	sd	\dom, DOMAIN_NEXT(\tmp)		/* tail->next = dom */
	j	.Llinked\@
.Lempty\@:
	sd	\dom, HART_SCHED_HEAD(\hart)	/* the queue was empty */
.Llinked\@:
	sd	\dom, HART_SCHED_TAIL(\hart)
	sd	\hart, DOMAIN_QUEUED_ON(\dom)
.endm

/* runq_remove(dom), queued on hart (sched_core.h); t0, t1 scratch. */
.macro RUNQ_REMOVE dom, hart
	ld	t0, DOMAIN_PREV(\dom)
	ld	t1, DOMAIN_NEXT(\dom)
	beqz	t0, .Lhead\@
	sd	t1, DOMAIN_NEXT(t0)		/* prev->next = next */
	j	.Lnext\@
.Lhead\@:
	sd	t1, HART_SCHED_HEAD(\hart)	/* dom was the head */
.Lnext\@:
	beqz	t1, .Ltail\@
	sd	t0, DOMAIN_PREV(t1)		/* next->prev = prev */
	j	.Lgone\@
.Ltail\@:
	sd	t0, HART_SCHED_TAIL(\hart)	/* dom was the tail */
.Lgone\@:
	sd	zero, DOMAIN_QUEUED_ON(\dom)
.endm

/*
 * sched_notify(t, bits) once decoded: s1 = t, s3 = t's info page,
 * s4 = the bits, s5 = not 0 if they wake t. A woken t gets 0 and the bits
 * it takes in a0/a1 and becomes runnable; queue says whether it goes on
 * the run queue (s2, this hart's) or runs at once (a handoff: it would be
 * pushed and taken off again).
 *
 * t is placed on this hart (SAVE_DECODE), so it cannot run or go to sleep
 * meanwhile: only a waker on another hart, holding the big kernel lock
 * (sched_notify), can change its state now. Each waker claims the
 * wake-up with a compare-and-swap of t's state from WAITING to RUNNABLE,
 * so exactly one of them writes t's results and queues it. This path
 * claims first, before anything else changes: if another hart's waker
 * got there first (t is runnable now and its hart's wake flag set) it
 * goes to the C path with nothing changed, which decides again.
 */
.macro SIGNAL queue
	beqz	s5, .Lor\@
	addi	t0, s1, DOMAIN_STATE
	li	s7, DOMAIN_STATE_RUNNABLE
.Lclaim\@:
	lr.w.aq	t1, (t0)
	addi	t1, t1, -DOMAIN_STATE_WAITING
	bnez	t1, nf_slow			/* woken (or ended) elsewhere */
	sc.w.rl	t1, s7, (t0)
	bnez	t1, .Lclaim\@
.Lor\@:
	addi	t0, s3, INFO_PENDING
	amoor.d	t1, s4, (t0)
	beqz	s5, .Lsignalled\@
	or	t1, t1, s4
	ld	s6, DOMAIN_WAIT_MASK(s1)
	and	t1, t1, s6			/* the bits t takes */
	not	s6, t1
	amoand.d zero, s6, (t0)
	sd	zero, UC_REG(10)(s1)
	sd	t1, UC_REG(11)(s1)
	ld	t0, DOMAIN_REGISTRY_STATE(s1)
	sw	s7, 0(t0)			/* s7: RUNNABLE, the claim's */
	.if \queue
	RUNQ_PUSH s1, s2, t0
	.endif
.Lsignalled\@:
.endm

/* Can the CPU go to t (s1) at once? No FP
 * state to load for t or to save for the caller, no TLB flush on a
 * switch, the timer already at the caller's slice end (not in grace). */
.macro SWITCH_CHECK
	lbu	t0, UC_SSTATUS + 1(s1)		/* sstatus bits 8-15 hold FS */
	andi	t0, t0, SSTATUS_FS_MASK >> 8
	bnez	t0, nf_slow
	csrr	t0, sstatus
	bltz	t0, nf_slow			/* SD: the caller's FP is Dirty */
	lwu	t0, uvm_asid_flush
	bnez	t0, nf_slow
	ld	s8, DOMAIN_SLICE_END(sp)	/* s8: the slice t gets */
	ld	t1, HART_SCHED_ARMED(s2)
	bne	s8, t1, nf_slow
.endm

/* t (s1) runs now, in the rest of the caller's slice: switch_to(t,
 * d->slice_end), the timer already there (SWITCH_CHECK); s3 = t's info
 * page. Inlined in yield_cap, the frequent one, to save it a jump. */
.macro SWITCH_TO
	ld	t0, DOMAIN_SLICES_USED(s1)
	addi	t0, t0, 1
	sd	t0, DOMAIN_SLICES_USED(s1)
	sd	t0, INFO_SLICES_USED(s3)
	sd	s8, DOMAIN_SLICE_END(s1)
	sd	zero, DOMAIN_GRACE_END(s1)
	sd	s8, INFO_SLICE_END(s3)
	sd	s1, HART_SCHED_CURRENT(s2)
	ld	t0, DOMAIN_SATP(s1)		/* t's address space; its own */
	csrw	satp, t0			/* ASID: no TLB flush */
	mv	a0, s1
	j	return_to_user
.endm

/*
 * What the three calls share: the save of what a call keeps, then the
 * decode of the slot; nothing changes. a0 = slot; then s0 = the
 * capability, s1 = t, s2 = this hart (the caller's); s7 scratch.
 */
.macro SAVE_DECODE
	UREGS	sd, sp, 1, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27
	csrrw	t0, sscratch, zero		/* the user's sp; sscratch = 0: */
	sd	t0, UC_REG(2)(sp)		/* in the kernel from here */

	ld	t0, DOMAIN_RESTART_PC(sp)
	bnez	t0, nf_slow			/* dispatch ends the record */
	lwu	t0, DOMAIN_CS_NSLOTS(sp)
	bgeu	a0, t0, nf_slow			/* any slot >= nslots */
	ld	t1, DOMAIN_CS_SLOTS(sp)
	slli	t0, a0, CAP_SIZE_SHIFT
	add	s0, t1, t0
	/* type and rights in one load: a notification capability with W */
	lhu	t0, CAP_TYPE(s0)
	andi	t0, t0, 0xff | CAP_RIGHT_W << 8
	addi	t0, t0, -(CAP_TYPE_NOTIFY | CAP_RIGHT_W << 8)
	bnez	t0, nf_slow			/* empty, another type, no W */
	/* t = domain_by_object(c->object): id in the low word (1-based),
	 * incarnation in the high word, as struct domain holds the two */
	ld	t0, CAP_OBJECT(s0)
	addiw	t1, t0, -1			/* index; id 0 (or >= 2^31)
						   sign-extends to huge */
	lwu	s7, ndomains
	bgeu	t1, s7, nf_slow
	li	s7, DOMAIN_SIZE
	mul	t1, t1, s7
	lla	s7, domains
	add	s1, t1, s7
	ld	t1, DOMAIN_ID(s1)		/* id and incarnation */
	bne	t0, t1, nf_slow			/* the id was reused */
	ld	s2, DOMAIN_HART(sp)
.endm

/* t (s1) is placed on the caller's hart (s2); yield_cap needs no such
 * test: a queued domain is on the queue of the hart it is placed on
 * (runq_push, sched_core.h; d->hart is set once, sched_add). */
.macro SAME_HART
	ld	t0, DOMAIN_HART(s1)
	bne	t0, s2, nf_slow			/* t is placed on another hart */
.endm

	.section .text
	.globl	notify_fast
notify_fast:
	addi	t1, a7, -SYSCALL_NR_YIELD_CAP	/* the most frequent first */
	beqz	t1, nf_yield
	addi	t1, a7, -SYSCALL_NR_NOTIFY_WAIT
	beqz	t1, nf_notify
	addi	t1, a7, -SYSCALL_NR_NOTIFY_CAP
	beqz	t1, nf_notify
	j	user_slow			/* another full-frame call */

	/* yield_cap: the directed yield to t, queued on
	 * this hart (so runnable, and not the caller, which runs). */
nf_yield:
	SAVE_DECODE
	ld	t0, DOMAIN_QUEUED_ON(s1)
	bne	t0, s2, nf_slow			/* waiting (E_BUSY), the caller,
						   or on another hart */
	lw	t0, DOMAIN_STATE(s1)		/* queued but ended by another */
	addi	t0, t0, -DOMAIN_STATE_RUNNABLE	/* hart: C (E_NOENT) */
	bnez	t0, nf_slow
	SWITCH_CHECK
	/* Invoke: the caller resumes past its ecall with 0 in a0 and a1,
	 * from the back of the run queue; t leaves it and runs. */
	csrr	t0, sepc
	addi	t0, t0, 4
	sd	t0, UC_SEPC(sp)
	sd	zero, UC_REG(10)(sp)
	sd	zero, UC_REG(11)(sp)
	sb	zero, DOMAIN_TOLD(sp)
	RUNQ_REMOVE s1, s2
	RUNQ_PUSH sp, s2, t0
	ld	s3, DOMAIN_INFO(s1)
	SWITCH_TO

	/*
	 * notify_cap and notify_wait: a1 = bits, a2 = mask; after the
	 * decode s3 = t's info page, s4 = the bits, s5 = the bits of t's
	 * mask they leave pending (not 0: the signal wakes t), s6 = the
	 * handoff flag, s8 (SWITCH_CHECK) the slice end t gets.
	 */
nf_notify:
	SAVE_DECODE
	SAME_HART
	/* bits: 0 means the badge (never 0); else none outside it */
	ld	s4, CAP_BADGE(s0)
	beqz	a1, 2f
	not	t0, s4
	and	t0, t0, a1
	bnez	t0, nf_slow			/* E_PERM */
	mv	s4, a1
2:	beqz	s4, nf_slow
	/* t waiting (else nf_not_waiting) */
	ld	s3, DOMAIN_INFO(s1)
	lw	t0, DOMAIN_STATE(s1)
	addi	t1, t0, -DOMAIN_STATE_WAITING
	bnez	t1, nf_not_waiting
	ld	t0, INFO_PENDING(s3)
	or	t0, t0, s4
	ld	t1, DOMAIN_WAIT_MASK(s1)
	and	s5, t0, t1
nf_flags:
	lhu	s6, CAP_FLAGS(s0)
	andi	s6, s6, CAPF_HANDOFF
	addi	t1, a7, -SYSCALL_NR_NOTIFY_WAIT
	beqz	t1, nf_wait

	/* notify_cap: a handoff if it wakes t, else the signal alone. */
	beqz	s5, nf_notify_only
	beqz	s6, nf_notify_only
	SWITCH_CHECK
	/* Invoke: nothing can fail from here. The caller resumes past its
	 * ecall with 0 in a0 and a1, from the back of the run queue. */
	SIGNAL	0
	csrr	t0, sepc
	addi	t0, t0, 4
	sd	t0, UC_SEPC(sp)
	sd	zero, UC_REG(10)(sp)
	sd	zero, UC_REG(11)(sp)
	sb	zero, DOMAIN_TOLD(sp)		/* it gave the CPU up */
	RUNQ_PUSH sp, s2, t0
	j	nf_switch

nf_notify_only:
	SIGNAL	1
	li	a1, 0
	j	nf_return

	/* A bit of the mask is pending: the caller takes them and goes on. */
nf_wait_pending:
	SIGNAL	1
	addi	t0, s0, INFO_PENDING		/* s0: the caller's info page */
	not	t1, a2
	amoand.d a1, t1, (t0)
	and	a1, a1, a2			/* the bits taken */

	/* The caller goes on past its ecall with 0 and a1, every other
	 * register as it left them (sstatus as the trap left it, as on
	 * syscall_entry.S's way back). */
nf_return:
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	li	a0, 0
	csrw	sscratch, sp			/* where the next trap saves */
	UREGS	ld, sp, 5, 6, 8, 9, 18, 19, 20, 21, 22, 23, 24
	ld	sp, UC_REG(2)(sp)		/* sp last: it was the base */
	sret

nf_wait:
	beqz	a2, nf_slow			/* E_INVAL */
	ld	s0, DOMAIN_INFO(sp)		/* the caller's; the capability
						   is not needed any more */
	ld	t1, INFO_PENDING(s0)
	and	t1, t1, a2
	bnez	t1, nf_wait_pending
	/* The caller sleeps: only a handoff is done here; otherwise the
	 * scheduler chooses who runs. */
	beqz	s5, nf_slow
	beqz	s6, nf_slow
	SWITCH_CHECK
	/* Invoke: the caller waits on a2 (a1 is written at its wake-up)
	 * and t runs. */
	SIGNAL	0
	csrr	t0, sepc
	addi	t0, t0, 4
	sd	t0, UC_SEPC(sp)
	sd	zero, UC_REG(10)(sp)
	sb	zero, DOMAIN_TOLD(sp)
	sd	a2, DOMAIN_WAIT_MASK(sp)
	li	t1, DOMAIN_STATE_WAITING
	ld	t0, DOMAIN_REGISTRY_STATE(sp)
	sw	t1, 0(t0)			/* before a waker's RUNNABLE */
	/*
	 * Publish WAITING, then look at the caller's bits again: a waker on
	 * another hart ORs its bits in and then reads the state (sched_notify),
	 * this path writes the state and then reads the bits, with a full
	 * fence on each side (here the swap's aq and rl), so at least one of
	 * the two sees the other. The release half also orders the mask, a0
	 * and sepc before the state.
	 */
	addi	t0, sp, DOMAIN_STATE
	amoswap.w.aqrl zero, t1, (t0)
	ld	t1, INFO_PENDING(s0)
	and	t1, t1, a2
	bnez	t1, nf_wait_late		/* else t runs: nf_switch */

nf_switch:
	SWITCH_TO

	/* A bit of the mask came between the first look and the publish,
	 * from another hart. If that hart's waker has not claimed the
	 * caller's wake-up (it then queues the caller through this hart's
	 * wake flag, sched_take_wakeups), the caller claims it itself: it
	 * takes its bits and is queued behind t, which still runs now. */
nf_wait_late:
	addi	t0, sp, DOMAIN_STATE
	li	s7, DOMAIN_STATE_RUNNABLE
1:	lr.w.aq	t1, (t0)
	addi	t1, t1, -DOMAIN_STATE_WAITING
	bnez	t1, nf_switch			/* the other hart's waker won */
	sc.w.rl	t1, s7, (t0)
	bnez	t1, 1b
	addi	t0, s0, INFO_PENDING
	not	t1, a2
	amoand.d t1, t1, (t0)
	and	t1, t1, a2			/* the bits taken */
	sd	t1, UC_REG(11)(sp)
	ld	t0, DOMAIN_REGISTRY_STATE(sp)
	sw	s7, 0(t0)
	RUNQ_PUSH sp, s2, t0
	j	nf_switch

	/* t is not waiting: runnable, the signal alone (nothing to wake);
	 * the caller itself (a signal to itself: C, which orders it before
	 * notify_wait's wait); or ended (E_NOENT: C). */
nf_not_waiting:
	beq	s1, sp, nf_slow
	addi	t1, t0, -DOMAIN_STATE_RUNNABLE
	bnez	t1, nf_slow
	li	s5, 0
	j	nf_flags

	/* The C path, nothing changed: the registers as the trap found
	 * them (t0/t1 still parked), then user_slow's full save. */
nf_slow:
	UREGS	ld, sp, 8, 9, 18, 19, 20, 21, 22, 23, 24
	ld	t0, UC_REG(2)(sp)
	csrw	sscratch, t0
	j	user_slow
