/* SPDX-License-Identifier: MIT */
/*
 * The registers saved on a trap. trap.S uses the TF_* offsets; the C
 * struct is pinned to them with _Static_assert so they cannot drift.
 */
#ifndef ARCH_RISCV_TRAP_FRAME_H
#define ARCH_RISCV_TRAP_FRAME_H

#define TF_REG(n)  ((n)*8) /* x1..x31 at their register number */
#define TF_SEPC	   (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE  (34 * 8)
#define TF_STVAL   (35 * 8)
#define TF_SIZE	   (36 * 8) /* a multiple of 16: the stack stays aligned */

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct trap_frame {
	uint64_t x[32]; /* x[0] is unused (zero) */
	uint64_t sepc, sstatus, scause, stval;
};

_Static_assert(offsetof(struct trap_frame, x[1]) == TF_REG(1), "ra");
_Static_assert(offsetof(struct trap_frame, x[31]) == TF_REG(31), "t6");
_Static_assert(offsetof(struct trap_frame, sepc) == TF_SEPC, "sepc");
_Static_assert(offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "sstatus");
_Static_assert(offsetof(struct trap_frame, scause) == TF_SCAUSE, "scause");
_Static_assert(offsetof(struct trap_frame, stval) == TF_STVAL, "stval");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "size");

void trap_handler(struct trap_frame *tf);
#endif

#endif
