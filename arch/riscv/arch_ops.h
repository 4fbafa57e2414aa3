/* SPDX-License-Identifier: MIT */
/*
 * The RISC-V side of kernel/arch.h: the machine work the kernel asks for,
 * inline where it sits on a hot path (an instret read at every system
 * call, the address-space switch, the idle wait). Only kernel/arch.h
 * includes this file.
 */
#ifndef ARCH_RISCV_ARCH_OPS_H
#define ARCH_RISCV_ARCH_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/riscv/csr.h"
#include "arch/riscv/uctx.h"
#include "arch/riscv/uvm.h"

/* Saves or loads f0..f31 and fcsr (arch/riscv/fpu.S); FP must be on. */
void fpu_save(uint64_t *regs);
void fpu_restore(const uint64_t *regs);

/*
 * The kernel's per-hart pointer (docs/smp.md): in the kernel tp holds the
 * running hart's scheduler record. U-mode owns tp, so every way into C
 * from U-mode (trap_entry.S, syscall_entry.S) loads it from the running
 * domain's d->hart after saving the user's, and the way out gives the
 * user's back. The compiler never allocates tp.
 */
static inline void *arch_hart_get(void)
{
	void *p;

	__asm__("mv %0, tp" : "=r"(p));
	return p;
}

static inline void arch_hart_set(void *p)
{
	__asm__ volatile("mv tp, %0" : : "r"(p) : "memory");
}

/* Instructions retired on this hart (rdinstret). */
static inline uint64_t arch_instret(void)
{
	return csr_read(instret);
}

/*
 * The pc of the U-mode trap being handled (sepc): for a system call on
 * the ordinary call path, its ecall. The kernel's C code never writes
 * sepc and takes no trap of its own while it handles a call (interrupts
 * are off, user memory is reached through the tables, never by a
 * fault), so it still holds the caller's pc when the call returns.
 */
static inline uint64_t arch_trap_pc(void)
{
	return csr_read(sepc);
}

/* The time counter (rdtime), in timebase ticks. */
static inline uint64_t arch_time(void)
{
	return csr_read(time);
}

/* Sleeps until an interrupt is pending (taken or not: SIE may be off). */
static inline void arch_idle_wait(void)
{
	wfi();
}

/* Interrupts stay pending instead of trapping (the kernel's usual state). */
static inline void arch_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

/* Lets pending interrupts trap once, then masks them again. */
static inline void arch_irq_window(void)
{
	csr_set(sstatus, SSTATUS_SIE);
	csr_clear(sstatus, SSTATUS_SIE);
}

/* Is an interrupt the kernel takes (timer, external) pending? */
static inline bool arch_irq_pending(void)
{
	return interrupt_pending();
}

/* What is pending, as ARCH_PENDING_* bits and any others (read once). */
#define ARCH_PENDING_TIMER SIP_STIP
#define ARCH_PENDING_EXT   SIP_SEIP
#define ARCH_PENDING_IPI   SIP_SSIP
static inline unsigned long arch_pending(void)
{
	return csr_read(sip);
}

/* Masks the enabled pending interrupts other than timer, external and
 * IPI (from an arch_pending() value); returns them, 0 if none. */
static inline unsigned long arch_mask_unexpected(unsigned long pending)
{
	unsigned long other =
		pending & csr_read(sie) &
		~(ARCH_PENDING_TIMER | ARCH_PENDING_EXT | ARCH_PENDING_IPI);

	if (other)
		csr_clear(sie, other);
	return other;
}

/* Makes s the address space of this hart (own ASID: no flush, unless
 * there are too few ASIDs), this hart now in s's hart mask. */
static inline void arch_switch_as(struct uvm_space *s)
{
	uvm_mark_hart(s, uvm_hart_bit());
	csr_write(satp, s->satp);
	if (uvm_asid_flush)
		local_flush_tlb_all();
}

/* Works out s's satp value once, so that a switch is one CSR write. */
static inline void arch_as_activate(struct uvm_space *s)
{
	s->satp = uvm_satp(s->root_pa, s->asid);
}

/* Lazy FP: has u changed its FP registers since they were last saved? */
static inline bool arch_fp_dirty(const struct uctx *u)
{
	return (u->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY;
}

/* Does u use FP at all (FP state not Off)? */
static inline bool arch_fp_used(const struct uctx *u)
{
	return (u->sstatus & SSTATUS_FS) != 0;
}

/* Saves u's FP registers into regs and marks them clean. */
static inline void arch_fp_save(struct uctx *u, uint64_t *regs)
{
	csr_set(sstatus, SSTATUS_FS_DIRTY);
	fpu_save(regs);
	u->sstatus = (u->sstatus & ~SSTATUS_FS) | SSTATUS_FS_CLEAN;
}

/* Loads regs into the FP registers. */
static inline void arch_fp_restore(const uint64_t *regs)
{
	csr_set(sstatus, SSTATUS_FS_DIRTY);
	fpu_restore(regs);
}

/* Turns FP on for u with the registers just loaded (Initial state). */
static inline void arch_fp_enable(struct uctx *u)
{
	u->sstatus |= SSTATUS_FS_INIT;
}

#endif
