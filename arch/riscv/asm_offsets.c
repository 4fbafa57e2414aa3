// SPDX-License-Identifier: MIT
/*
 * Structure offsets and constants for assembly (STYLE rule 7). This file is
 * never linked: the Makefile compiles it to assembly (-S) and turns each
 * "->NAME value" marker below into "#define NAME value" in
 * $(O)/include/generated/asm_offsets.h, so the numbers always come from the
 * compiler's own layout of the structures.
 */
#include <stddef.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"
#include "kernel/cap/notify_cap.h"
#include "kernel/sched/domain.h"
#include "kernel/sched/sched.h"
#include "kernel/arch.h"
#include <rivet/abi.h>
#include <rivet/syscall.h>

/* Emits one marker line into the assembly output; value must be constant. */
#define ASM_DEFINE(name, value)                                                \
	__asm__ volatile("\n.ascii \"->" #name " %0\"" ::"i"((long)(value)))

/* The assembly uses loads and stores of exactly these widths. */
_Static_assert(sizeof(enum domain_state) == 4, "lw/sw domain.state");
_Static_assert(sizeof(((struct domain *)0)->told) == 1, "sb domain.told");
_Static_assert(offsetof(struct domain, ctx) == 0, "sscratch = uctx = domain");
_Static_assert(sizeof(((struct domain *)0)->gen) == 4, "lwu domain.gen");
_Static_assert(sizeof(*((struct domain *)0)->registry_state) == 4,
	       "sw *domain.registry_state");
_Static_assert(sizeof(((struct domain *)0)->cs.nslots) == 4,
	       "lwu domain.cs.nslots");
_Static_assert(sizeof(((struct cap *)0)->type) == 1, "lbu cap.type");
_Static_assert(sizeof(((struct cap *)0)->rights) == 1, "lbu cap.rights");
_Static_assert(offsetof(struct cap, rights) == offsetof(struct cap, type) + 1,
	       "lhu cap.type reads the rights too");
_Static_assert(sizeof(((struct cap *)0)->flags) == 2, "lhu cap.flags");

void asm_offsets(void);

void asm_offsets(void)
{
	/* struct domain: the running one is also its struct uctx. */
	ASM_DEFINE(DOMAIN_SIZE, sizeof(struct domain));
	ASM_DEFINE(DOMAIN_STATE, offsetof(struct domain, state));
	ASM_DEFINE(DOMAIN_SATP, offsetof(struct domain, as.satp));
	ASM_DEFINE(DOMAIN_INFO, offsetof(struct domain, info));
	ASM_DEFINE(DOMAIN_SLICE_END, offsetof(struct domain, slice_end));
	ASM_DEFINE(DOMAIN_GRACE_END, offsetof(struct domain, grace_end));
	ASM_DEFINE(DOMAIN_TOLD, offsetof(struct domain, told));
	ASM_DEFINE(DOMAIN_SLICES_USED, offsetof(struct domain, slices_used));
	ASM_DEFINE(DOMAIN_NEXT, offsetof(struct domain, next));
	ASM_DEFINE(DOMAIN_PREV, offsetof(struct domain, prev));
	ASM_DEFINE(DOMAIN_QUEUED_ON, offsetof(struct domain, queued_on));
	ASM_DEFINE(DOMAIN_HART, offsetof(struct domain, hart));
	ASM_DEFINE(DOMAIN_STATE_RUNNABLE, DOMAIN_RUNNABLE);
	ASM_DEFINE(DOMAIN_STATE_WAITING, DOMAIN_WAITING);
	ASM_DEFINE(DOMAIN_ID, offsetof(struct domain, id));
	ASM_DEFINE(DOMAIN_GEN, offsetof(struct domain, gen));
	ASM_DEFINE(DOMAIN_REGISTRY_STATE,
		   offsetof(struct domain, registry_state));
	ASM_DEFINE(DOMAIN_WAIT_MASK, offsetof(struct domain, wait_mask));
	ASM_DEFINE(DOMAIN_RESTART_PC, offsetof(struct domain, restart_pc));
	ASM_DEFINE(DOMAIN_CS_SLOTS, offsetof(struct domain, cs.slots));
	ASM_DEFINE(DOMAIN_CS_NSLOTS, offsetof(struct domain, cs.nslots));

	/* struct cap: notify_fast.S looks notification capabilities up */
	ASM_DEFINE(CAP_SIZE_SHIFT, CAP_SIZE_SHIFT);
	ASM_DEFINE(CAP_TYPE, offsetof(struct cap, type));
	ASM_DEFINE(CAP_RIGHTS, offsetof(struct cap, rights));
	ASM_DEFINE(CAP_FLAGS, offsetof(struct cap, flags));
	ASM_DEFINE(CAP_OBJECT, offsetof(struct cap, object));
	ASM_DEFINE(CAP_BADGE, offsetof(struct cap, badge));
	ASM_DEFINE(CAP_TYPE_NOTIFY, CAP_NOTIFY);
	ASM_DEFINE(CAP_RIGHT_W, CAP_W);
	ASM_DEFINE(CAPF_HANDOFF, CAPF_NOTIFY_HANDOFF);

	/* struct hart_sched */
	ASM_DEFINE(HART_SCHED_CURRENT, offsetof(struct hart_sched, current));
	ASM_DEFINE(HART_SCHED_HEAD, offsetof(struct hart_sched, head));
	ASM_DEFINE(HART_SCHED_TAIL, offsetof(struct hart_sched, tail));
	ASM_DEFINE(HART_SCHED_ARMED, offsetof(struct hart_sched, armed));

	/* struct rivet_info: the domain's read-only info page */
	ASM_DEFINE(INFO_SLICE_END, offsetof(struct rivet_info, slice_end));
	ASM_DEFINE(INFO_SLICES_USED, offsetof(struct rivet_info, slices_used));
	ASM_DEFINE(INFO_PENDING, offsetof(struct rivet_info, pending));

	/* sstatus.FS, which the scheduler switches lazily */
	ASM_DEFINE(SSTATUS_FS_MASK, SSTATUS_FS);

	/* system call numbers the trap entry tests before any C runs */
	ASM_DEFINE(SYSCALL_NR_NULL, SYS_null);
	ASM_DEFINE(SYSCALL_NR_NOTIFY_CAP, SYS_notify_cap);
	ASM_DEFINE(SYSCALL_NR_NOTIFY_WAIT, SYS_notify_wait);
	ASM_DEFINE(SYSCALL_NR_YIELD_CAP, SYS_yield_cap);
	/* the ordinary call path's table and answers (kernel/arch.h) */
	ASM_DEFINE(SYSCALL_COUNT, SYS_COUNT);
	ASM_DEFINE(SYSCALL_ANSWER_CONTEXT_RC, SYSCALL_ANSWER_CONTEXT);
	ASM_DEFINE(SYSCALL_ANSWER_SWITCH_RC, SYSCALL_ANSWER_SWITCH);
}
