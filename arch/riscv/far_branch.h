/* SPDX-License-Identifier: MIT */
/*
 * A conditional branch to a symbol of another assembly file, in one
 * instruction. GAS cannot know how far such a symbol is, so it writes
 * "bnez a7, sym" as a branch around a jump ("beqz a7, 1f; j sym; 1:"):
 * two instructions on the way taken. The system call entry takes two
 * such branches on its ordinary paths (trap_entry.S to syscall_entry.S,
 * syscall_entry.S to notify_fast.S), which sit a few hundred bytes
 * apart. These macros emit the branch with an offset of 0 and let the
 * linker fill it in (R_RISCV_BRANCH, after its relaxation); a target out
 * of the branch's +-4 KiB is a link error ("relocation truncated to
 * fit"), never a wrong jump.
 *
 * xreg is the register's number (a7 = 17, t0 = 5); objdump shows the
 * usual mnemonic.
 */
#ifndef ARCH_RISCV_FAR_BRANCH_H
#define ARCH_RISCV_FAR_BRANCH_H

#define RV_OP_BRANCH 0x63
#define RV_F3_BNE    1
#define RV_F3_BGE    5

/* Assembler macros, which clang-format would mangle: */
/* clang-format off */
/* if (x<xreg> cmp zero) goto sym; cmp = funct3 of BNE, BGE ... */
.macro BRANCH_ZERO_FAR funct3, xreg, sym
.Lfar_branch\@:
	.reloc	.Lfar_branch\@, R_RISCV_BRANCH, \sym
	.insn	4, RV_OP_BRANCH | (\funct3 << 12) | (\xreg << 15)
.endm

/* bnez x<xreg>, sym */
.macro BNEZ_FAR xreg, sym
	BRANCH_ZERO_FAR RV_F3_BNE, \xreg, \sym
.endm

/* bgez x<xreg>, sym */
.macro BGEZ_FAR xreg, sym
	BRANCH_ZERO_FAR RV_F3_BGE, \xreg, \sym
.endm
/* clang-format on */

#endif
