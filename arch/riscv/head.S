/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry: the RISC-V Linux Image header, then position-independent
 * early boot.
 *
 * Firmware (OpenSBI, or U-Boot's booti) enters at the first byte in S-mode
 * with the MMU off, a0 = hart id, a1 = physical address of the device tree,
 * at any 2 MiB-aligned physical address. Until the MMU is on, only
 * PC-relative addressing is valid: the code is linked at KERNEL_VBASE but
 * runs at the load address.
 */
#include "arch/riscv/memlayout.h"
#include "arch/riscv/csr.h"

	/* Unwind information for gdb, kept with the other debug sections. */
	.cfi_sections .debug_frame

	.section .head.text, "ax"
	.globl	_start_header
_start_header:
	/* The header's first two words are code. Keep them 4 bytes each. */
	.option	push
	.option	norvc
	j	primary_entry			/* code0 */
	nop					/* code1 */
	.option	pop
	.dword	IMAGE_TEXT_OFFSET		/* text_offset */
	.dword	_image_size			/* image_size, bss included */
	.dword	0				/* flags: little endian */
	.word	2				/* header version 0.2 */
	.word	0				/* res1 */
	.dword	0				/* res2 */
	.ascii	"RISCV\0\0\0"			/* magic, at 0x30 */
	.ascii	"RSC\x05"			/* magic2, at 0x38 */
	.word	0				/* res3 (PE/COFF offset) */

primary_entry:
	/*
	 * One hart runs the boot. Another can come in here: OpenSBI 1.1
	 * marks a hart START_PENDING before it writes the start address, so
	 * a hart already awake in its HSM wait may leave for the default
	 * address, this one, instead of secondary_entry. It must not clear
	 * .bss under the running kernel: it stops itself (HSM hart_stop),
	 * and the boot hart starts it again (kernel/boot/hart_start.c).
	 */
	lla	t0, boot_claimed
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, wrong_door
	csrw	sie, zero			/* no interrupts until trap setup */
	csrw	satp, zero			/* firmware should leave it off */
	mv	s0, a0				/* s0 = boot hart id */
	mv	s1, a1				/* s1 = device tree, physical */
	lla	s2, _start			/* s2 = physical load address */

	/* Zero .bss through its physical address (we run unmapped). */
	lla	t0, __bss_start
	lla	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	/* A physical stack for early_map(), which is plain C. */
	lla	sp, boot_stack_top

	mv	a0, s2
	mv	a1, s1
	call	early_map			/* returns the satp value in a0 */
	lla	t0, early_satp			/* kept for secondary_entry */
	sd	a0, 0(t0)

	/*
	 * Turn the MMU on. The next fetch is translated; early_map()
	 * identity-mapped the gigabyte we run in, so it is still valid.
	 */
	sfence.vma
	csrw	satp, a0
	sfence.vma

	/* Jump to the link (high) address of start_high, stored as data. */
	lla	t0, .Lstart_high_va
	ld	t0, 0(t0)
	jr	t0

	/*
	 * The first kernel frame: nothing called it. ra undefined in the
	 * unwind information tells gdb this is the outermost frame (its
	 * backtrace ends here instead of "previous frame inner to this
	 * frame"); ra = 0 and fp = 0 end the kernel's own frame-pointer
	 * walk (arch/riscv/backtrace.c) the same way.
	 */
start_high:
	.cfi_startproc
	.cfi_undefined ra
	/* From here PC-relative addresses are high-half addresses. */
	lla	sp, boot_stack_top
	lla	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero			/* 0: trap came from the kernel */
	mv	a0, s0
	mv	a1, s1
	mv	a2, s2
	li	ra, 0
	li	s0, 0				/* fp: no caller */
	call	kmain
	/* kmain does not return; if it did, park the hart. */
3:	wfi
	j	3b
	.cfi_endproc

	.balign	8
.Lstart_high_va:
	.dword	start_high

wrong_door:
	li	a7, 0x48534d			/* SBI HSM */
	li	a6, 1				/* hart_stop: does not return */
	ecall
1:	wfi					/* it did: stay out of the way */
	j	1b

	/*
	 * A secondary hart, started by SBI HSM hart_start (arch/riscv/smp.c)
	 * once the boot hart runs on the kernel page table: MMU off, a0 =
	 * hart id, a1 = its struct arch_hart_boot (a kernel virtual address,
	 * stack_top first). The early table still identity-maps the
	 * gigabyte we run in, so it carries us to the high half the same way
	 * as the boot hart; kmain_secondary() then moves to the kernel table.
	 */
	.globl	secondary_entry
secondary_entry:
	csrw	sie, zero
	lla	t0, early_satp
	ld	t0, 0(t0)
	sfence.vma
	csrw	satp, t0
	sfence.vma
	lla	t0, .Lsecondary_high_va
	ld	t0, 0(t0)
	jr	t0

secondary_high:
	.cfi_startproc
	.cfi_undefined ra
	ld	sp, 0(a1)			/* b->stack_top */
	mv	tp, a1				/* this hart's record */
	lla	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero			/* 0: trap came from the kernel */
	li	ra, 0
	li	s0, 0				/* fp: no caller */
	call	kmain_secondary			/* (hart id, b) */
4:	wfi
	j	4b
	.cfi_endproc

	.balign	8
.Lsecondary_high_va:
	.dword	secondary_high

	.section .data
	.balign	8
	/* The early table's satp value, written before the MMU is on. */
early_satp:
	.dword	0
	/* Set by the hart that runs the boot (in .data: .bss is cleared
	 * after the test). */
boot_claimed:
	.word	0

	.section .bss.page_aligned, "aw", @nobits
	.balign	PAGE_SIZE
	.globl	boot_stack
boot_stack:
	.skip	CONFIG_KERNEL_STACK_KB * 1024
	.globl	boot_stack_top
boot_stack_top:
