/* SPDX-License-Identifier: MIT */
/*
 * cap_info in assembly (CONFIG_FAST_CAP_INFO): a capability lookup that
 * reads one slot of the caller's own space and changes nothing, done
 * from the trap with no C, no kernel stack and no register saved but
 * the t0/t1 trap_entry.S parked. Its C twin is cap_sys_info
 * (kernel/cap/cap_syscall.c) behind the ordinary call path, whose
 * answers it gives: a0 = 0 and a1 = the value, or a0 = the error and
 * a1 = 0, in the same order of checks (slot, then empty slot, then
 * what).
 *
 * Only on a machine with one usable hart (bkl_alone, kernel/sched/bkl.h):
 * then no other hart can change the slot while it is read, which is
 * what the big kernel lock would otherwise guarantee (a revoke on
 * another hart deletes slots of this space). Anything else goes to the
 * ordinary path, which decides alone: several harts, or a restart
 * record the call must end (kernel/syscall.c, dispatch).
 *
 * In: sp = the caller's uctx (its struct domain), a0 = slot, a1 = what,
 * the user's sp in sscratch; syscall_entry came here on a7 = cap_info.
 */
#include <rivet/abi.h>
#include <rivet/errno.h>

#include "arch/riscv/uctx.h"
#include "generated/asm_offsets.h"

	.section .text
	.globl	cap_info_fast
cap_info_fast:
	lbu	t0, bkl_alone
	beqz	t0, syscall_entry_ordinary	/* several harts: the lock */
	ld	t0, DOMAIN_RESTART_PC(sp)
	bnez	t0, syscall_entry_ordinary	/* a record to end: C */
	/* slot: an index below nslots (cap_slot_valid and cap_lookup:
	 * both E_INVAL; one unsigned 64-bit compare covers both) */
	lwu	t0, DOMAIN_CS_NSLOTS(sp)
	bgeu	a0, t0, .Lci_inval
	li	t1, CAP_SIZE
	mul	t1, a0, t1
	ld	t0, DOMAIN_CS_SLOTS(sp)
	add	t0, t0, t1			/* t0 = the slot */
	lbu	t1, CAP_TYPE(t0)
	beqz	t1, .Lci_noent			/* CAP_NULL: empty */
	li	t1, RIVET_CAPINFO_BADGE
	bgtu	a1, t1, .Lci_inval		/* no such what */
	beqz	a1, .Lci_type
	/* OBJECT, SIZE, BADGE: three words in a row (asm_offsets.c) */
	slli	a1, a1, 3
	add	t0, t0, a1
	ld	a1, (CAP_INFO_WORDS - 8)(t0)
	li	a0, 0
	j	.Lci_return
.Lci_type:
	lhu	a1, CAP_TYPE(t0)		/* type | rights << 8 */
	li	a0, 0
	j	.Lci_return
.Lci_inval:
	li	a0, E_INVAL
	li	a1, 0
	j	.Lci_return
.Lci_noent:
	li	a0, E_NOENT
	li	a1, 0
.Lci_return:
	csrr	t0, sepc
	addi	t0, t0, 4			/* past the ecall */
	csrw	sepc, t0
	ld	t0, UC_REG(5)(sp)		/* the user's t0/t1 back */
	ld	t1, UC_REG(6)(sp)
	csrrw	sp, sscratch, sp		/* the user's sp; sscratch = uctx */
	sret
