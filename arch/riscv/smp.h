/* SPDX-License-Identifier: MIT */
/* Secondary harts (docs/smp.md): starting one, its local interrupts,
 * IPIs and remote TLB fences. */
#ifndef ARCH_RISCV_SMP_H
#define ARCH_RISCV_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/riscv/arch_ops.h"
#include "arch/riscv/csr.h"

/*
 * What arch/ reads from the kernel's per-hart record (tp in the kernel,
 * arch_hart_get): the record starts with this, set before the hart runs
 * any domain (kernel/sched/sched.h).
 */
struct arch_hart_self {
	uint32_t hartid;
	uint32_t index; /* dense, 0 = the boot hart */
	uint64_t bit;	/* 1 << index, its hart mask: uvm_hart_bit reads it */
};

/* This hart's id (from its record: no CSR holds it in S-mode). */
static inline uint32_t arch_hartid(void)
{
	return ((const struct arch_hart_self *)arch_hart_get())->hartid;
}

/* This hart's dense index (0: the boot hart), from its record. */
static inline uint32_t arch_hart_index(void)
{
	return ((const struct arch_hart_self *)arch_hart_get())->index;
}

/* Stops this hart for good: no interrupt of its own wakes it any more
 * (firmware requests, such as remote fences, are still served). */
__attribute__((noreturn)) void arch_hart_park(void);

/*
 * What a secondary hart needs before it can run C; the kernel embeds it in
 * its per-hart record. head.S reads stack_top at offset 0.
 */
struct arch_hart_boot {
	uint64_t stack_top;
};

/*
 * Asks the firmware (SBI HSM hart_start) to start hartid at head.S's
 * secondary_entry; the hart then calls kmain_secondary(hartid, b) on
 * b->stack_top with paging on the kernel table. Returns 0 once the
 * firmware accepted (the hart may still not arrive) or the SBI error.
 */
long arch_hart_start(uint32_t hartid, struct arch_hart_boot *b);

/* For the boot test of head.S's guard: starts hartid at the image's
 * first byte (primary_entry), where firmware may wrongly send a hart. */
long arch_hart_start_at_image(uint32_t hartid);

/* A secondary hart's own interrupt state: timer disarmed, timer and
 * software interrupts (IPIs) enabled in sie, counters open to U-mode. */
void arch_hart_local_init(void);

/*
 * Enables IPIs (sie.SSIE) on this hart: a pending IPI then wakes wfi and
 * traps in U-mode. The boot hart calls it itself (its timer is set up by
 * timer_init, not arch_hart_local_init); without it an IPI left it asleep
 * in wfi until its timer fired, and a domain another hart woke there
 * waited that long (docs/smp.md, "The lock-free idle resume").
 */
void arch_ipi_enable(void);

/* Sends an IPI (a supervisor software interrupt) to hartid: 0 or the SBI
 * error. */
long arch_send_ipi(uint32_t hartid);

/* Takes a pending IPI on this hart: clears sip.SSIP; true if one was. */
static inline bool arch_take_ipi(void)
{
	if (!(csr_read(sip) & SIP_SSIP))
		return false;
	csr_clear(sip, SIP_SSIP);
	return true;
}

/* Has every hart of mask (bit i: hart base + i) fence its TLB entries of
 * asid: 0 once they have, or the SBI error. */
long arch_remote_fence_asid(unsigned long mask, unsigned long base,
			    uint16_t asid);

#endif
