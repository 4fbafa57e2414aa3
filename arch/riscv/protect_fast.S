/* SPDX-License-Identifier: MIT */
/*
 * protect of one page in assembly (CONFIG_FAST_PROTECT): the write
 * barrier's call (docs/libos-vm.md), done from the trap with no C and no
 * kernel stack. Its C twin is protect_sys and uvm_protect_page
 * (kernel/mm/protect.c, arch/riscv/uprotect.c), which this follows step
 * by step for the one case it takes: one page, a 4 KiB leaf of the
 * caller's own tables mapped with a ceiling that allows the rights asked
 * for, its view page the one the view used last. Every check is made
 * before anything changes; any other case, every error included, goes
 * to the ordinary path unchanged, so the errors are the C path's.
 *
 * Only on a machine with one usable hart (bkl_alone, kernel/sched/bkl.h):
 * no other hart can change these tables meanwhile (a revoke elsewhere
 * removes leaves of this space under the big kernel lock, and a leaf
 * read here and written back must not bring a removed one back), and no
 * other hart can hold this space's TLB entries, so the local fence is
 * the whole shootdown. No restart record either (kernel/syscall.c ends
 * it on the ordinary path).
 *
 * In: sp = the caller's uctx (its struct domain), a0 = va, a1 = npages,
 * a2 = rights (RIVET_CAP_R/W/X, 0 = no access); syscall_entry came here
 * on a7 = protect. t0/t1 are parked; t2 and t3 are saved here.
 */
#include <rivet/abi.h>

#include "arch/riscv/uctx.h"
#include "generated/asm_offsets.h"

/* t0 = the table the entry t1 (of the level above) points to, or the
 * ordinary path if t1 is not a pointer to a table (V and no R/W/X). */
.macro NEXT_TABLE
	andi	t3, t1, 0xf
	addi	t3, t3, -1
	bnez	t3, pf_slow_t2
	srli	t0, t1, 10			/* PPN */
	slli	t0, t0, 12
	add	t0, t0, t2			/* + DIRECT_BASE */
.endm

/* t1 = the entry of table t0 that va (a0) falls in at level shift. */
.macro ENTRY shift
	srli	t1, a0, \shift
	andi	t1, t1, 0x1ff
	slli	t1, t1, 3
	add	t1, t0, t1
	ld	t1, 0(t1)
.endm

	.section .text
	.globl	protect_fast
protect_fast:
	lbu	t0, bkl_alone
	beqz	t0, syscall_entry_ordinary	/* several harts: the lock */
	ld	t0, DOMAIN_RESTART_PC(sp)
	bnez	t0, syscall_entry_ordinary	/* a record to end: C */
	addi	t0, a1, -1
	bnez	t0, syscall_entry_ordinary	/* npages != 1: the range */
	/* rights: 0, R, RW, X or RX (rights_valid: W needs R, never X) */
	li	t0, 7
	bgtu	a2, t0, syscall_entry_ordinary
	li	t0, PROTECT_RIGHTS_OK
	srl	t0, t0, a2
	andi	t0, t0, 1
	beqz	t0, syscall_entry_ordinary
	/* va: page-aligned, below RIVET_MAP_TOP (the user half's top,
	 * so the walk below stays in the user half of the root) */
	slli	t0, a0, 52			/* the low 12 bits */
	bnez	t0, syscall_entry_ordinary
	li	t0, RIVET_MAP_TOP
	bgeu	a0, t0, syscall_entry_ordinary
	/* the view page of va is the one used last (ptview_set's inline
	 * case); else C, which finds it */
	srli	t0, a0, 21
	ld	t1, DOMAIN_PTVIEW_LAST_N(sp)
	bne	t0, t1, syscall_entry_ordinary

	sd	t2, UC_REG(7)(sp)		/* two more to work with */
	sd	t3, UC_REG(28)(sp)
	li	t2, DIRECT_BASE_ASM
	ld	t0, DOMAIN_AS_ROOT_PA(sp)
	add	t0, t0, t2
	ENTRY	30
	NEXT_TABLE
	ENTRY	21
	NEXT_TABLE
	srli	t1, a0, 12
	andi	t1, t1, 0x1ff
	slli	t1, t1, 3
	add	t0, t0, t1			/* t0 = the leaf's address */
	ld	t1, 0(t0)			/* t1 = the leaf */
	/* a leaf (V and one of R/W/X) of a capability's mapping (ceiling
	 * code c != 0), and rights within its ceiling (pte.h) */
	andi	t2, t1, PTE_V_ASM
	beqz	t2, pf_slow_t2
	andi	t2, t1, PTE_RWX_ASM
	beqz	t2, pf_slow_t2
	srli	t2, t1, PTE_CEIL_SHIFT_ASM
	andi	t2, t2, 3
	beqz	t2, pf_slow_t2
	slli	t2, t2, 3			/* the ceiling's rights: */
	li	t3, CEILING_RIGHTS		/* byte c of CEILING_RIGHTS */
	srl	t3, t3, t2
	not	t3, t3
	and	t3, t3, a2
	andi	t3, t3, 7
	bnez	t3, pf_slow_t2			/* above the ceiling: E_PERM */

	/* Checked: the new leaf (with_perm), written, fenced, viewed. */
	andi	t1, t1, ~(PTE_RWX_ASM | PTE_U_ASM)
	beqz	a2, 1f
	slli	t2, a2, 1			/* RIVET_CAP_* = PTE_* >> 1 */
	or	t1, t1, t2
	ori	t1, t1, PTE_U_ASM
	j	2f
1:	ori	t1, t1, PTE_R_ASM		/* no access: R kept, U off */
2:	sd	t1, 0(t0)
	lhu	t2, DOMAIN_AS_ASID(sp)
	sfence.vma a0, t2
	ld	t2, DOMAIN_PTVIEW_LAST(sp)
	srli	t3, a0, 12
	andi	t3, t3, 0x1ff
	slli	t3, t3, 3
	add	t2, t2, t3
	sd	t1, 0(t2)

	li	a0, 0				/* both result registers */
	li	a1, 0
	csrr	t0, sepc
	addi	t0, t0, 4			/* past the ecall */
	csrw	sepc, t0
	ld	t0, UC_REG(5)(sp)		/* the user's t0-t3 back */
	ld	t1, UC_REG(6)(sp)
	ld	t2, UC_REG(7)(sp)
	ld	t3, UC_REG(28)(sp)
	csrrw	sp, sscratch, sp		/* the user's sp; sscratch = uctx */
	sret

	/* Nothing changed: t2/t3 back, then the ordinary path decides. */
pf_slow_t2:
	ld	t2, UC_REG(7)(sp)
	ld	t3, UC_REG(28)(sp)
	j	syscall_entry_ordinary
