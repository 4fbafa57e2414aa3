/* SPDX-License-Identifier: MIT */
/*
 * A domain's saved user context, and what the trap entry needs to reach the
 * kernel from U-mode. While a domain runs in U-mode, sscratch holds the
 * kernel address of its struct uctx; in S-mode sscratch is 0. The UC_*
 * offsets are used by trap_entry.S and pinned below.
 */
#ifndef ARCH_RISCV_UCTX_H
#define ARCH_RISCV_UCTX_H

#define UC_REG(n)     ((n)*8) /* x1..x31; x0's slot is unused */
#define UC_SEPC	      (32 * 8)
#define UC_SSTATUS    (33 * 8)
#define UC_KERNEL_SP  (34 * 8)
#define UC_UPCALL_KVA (35 * 8)
#define UC_EXC_ENTRY  (36 * 8)
#define UC_FAULTS     (37 * 8)
#define UC_SYSCALLS   (38 * 8)
#define UC_NSYSCALLS  32 /* SYS_COUNT (kernel/syscall.c checks) */
#define UC_SIZE	      ((38 + UC_NSYSCALLS) * 8)

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct uctx {
	uint64_t x[32];
	uint64_t sepc;
	uint64_t sstatus;    /* written to sstatus on return to U-mode */
	uint64_t kernel_sp;  /* this hart's kernel stack top */
	uint64_t upcall_kva; /* kernel address of the domain's upcall area */
	uint64_t exc_entry;  /* user exception entry, 0 if none */
	uint64_t faults;     /* exceptions taken (reflected or fatal) */
	/* The table the ordinary call path takes the handler from
	 * (syscall_entry.S; kernel/syscall.c, syscall_route, fills it): a
	 * copy in the uctx, so the entry reaches a handler in one load
	 * from its own base, not two. */
	const void *syscalls[UC_NSYSCALLS];
};

_Static_assert(offsetof(struct uctx, x[1]) == UC_REG(1), "x1");
_Static_assert(offsetof(struct uctx, sepc) == UC_SEPC, "sepc");
_Static_assert(offsetof(struct uctx, sstatus) == UC_SSTATUS, "sstatus");
_Static_assert(offsetof(struct uctx, kernel_sp) == UC_KERNEL_SP, "ksp");
_Static_assert(offsetof(struct uctx, upcall_kva) == UC_UPCALL_KVA, "upcall");
_Static_assert(offsetof(struct uctx, exc_entry) == UC_EXC_ENTRY, "exc");
_Static_assert(offsetof(struct uctx, faults) == UC_FAULTS, "faults");
_Static_assert(offsetof(struct uctx, syscalls) == UC_SYSCALLS, "syscalls");
_Static_assert(sizeof(struct uctx) == UC_SIZE, "size");

/* Handles a trap from U-mode; returns the context to resume (any domain). */
struct uctx *user_trap(struct uctx *u);

/* Restores u and enters U-mode; never returns. */
__attribute__((noreturn)) void return_to_user(struct uctx *u);

#define REG_RA 1
#define REG_SP 2
#define REG_GP 3
#define REG_TP 4
#define REG_T0 5
#define REG_T1 6
#define REG_A0 10
#define REG_A1 11
#define REG_A2 12
#define REG_A3 13
#define REG_A4 14
#define REG_A5 15
#define REG_A6 16
#define REG_A7 17
#endif

#endif
