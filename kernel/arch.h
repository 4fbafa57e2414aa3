/* SPDX-License-Identifier: MIT */
/*
 * The one interface between the kernel and the machine (docs/architecture.md,
 * "Layers"). kernel/ includes no arch/ header but this one; arch/ calls up
 * into the kernel only through the entry points declared at the end, and
 * uses the library headers (printk, panic, string, klog, trace, ksyms).
 * Linux's asm/ headers play the same part; here one file names all of it.
 *
 * What the machine provides, by job:
 *   memory layout   PAGE_SIZE, phys_to_virt (memlayout.h); PTE_R/W/X/U
 *                   permission bits and pte_leaf (pte.h)
 *   kernel mapping  vm_init, vm_map_direct, vm_activate, vm_map_mmio (vm.h)
 *   address spaces  struct uvm_space with the frame source the kernel
 *                   passes in; uvm_create/map/unmap/lookup/destroy, TLB
 *                   flush by ASID, ASID probe, rights changes and their
 *                   one TLB flush, uvm_protect/uvm_flush_range (uvm.h,
 *                   uprotect.c); the page-table view
 *                   (ptview.h); arch_switch_as, arch_as_activate
 *   user context    struct uctx, the saved U-mode registers (uctx.h)
 *   FP state        arch_fp_dirty/used/save/restore/enable (lazy switch)
 *   per-hart ptr    arch_hart_get, arch_hart_set (tp; arch_ops.h)
 *   trap pc         arch_trap_pc (the ecall of the call being handled)
 *   idle, counters  arch_idle_wait, arch_instret, arch_time, arch_pending,
 *                   arch_irq_pending, arch_irq_disable, arch_irq_window
 *   timer           timer_init/now/set/hz/ticks (timer.h)
 *   interrupts      plic_init, plic_init_hart, plic_hart_local,
 *                   plic_route, enable/disable/claim_on/complete (plic.h)
 *   memory types    arch_memtype_init (memtype.h): PTE type bits, once
 *   firmware        sbi_* (sbi.h): console, hart state, reset, version
 *   secondary harts arch_hart_start, struct arch_hart_boot,
 *                   arch_hart_start_at_image (a test),
 *                   arch_hart_local_init, arch_ipi_enable,
 *                   arch_send_ipi, arch_take_ipi,
 *                   arch_remote_fence_asid, struct arch_hart_self and
 *                   arch_hartid, arch_hart_index, arch_hart_park
 *                   (smp.h); uvm_set_hart,
 *                   uvm_hart_online, uvm_fence_others, its batch
 *                   and counts, uvm_space_ending,
 *                   uvm_fence_everywhere (uvm.h)
 *   traps           trap_cause_name (below)
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <stdint.h>
#include <rivet/syscall.h>

#include "arch/riscv/arch_ops.h"
#include "arch/riscv/memlayout.h"
#include "arch/riscv/memtype.h"
#include "arch/riscv/plic.h"
#include "arch/riscv/pte.h"
#include "arch/riscv/ptview.h"
#include "arch/riscv/sbi.h"
#include "arch/riscv/smp.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/uctx.h"
#include "arch/riscv/uvm.h"
#include "arch/riscv/vm.h"

/* A trap's name for logs ("load page fault"), from its cause. */
const char *trap_cause_name(unsigned long scause);

/*
 * Entry points: the only kernel functions arch/ calls.
 */

/* The boot plan (kernel/main.c), from arch/riscv/head.S once paging is on:
 * the boot hart's id, the device tree's and the image's physical address. */
void kmain(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa);

/* A secondary hart, from head.S once paging is on (on the early table,
 * on b->stack_top, tp = b): kernel/boot/hart_start.c. */
void kmain_secondary(uint64_t hartid, struct arch_hart_boot *b);

/*
 * Traps from U-mode that the assembly fast paths did not finish, decoded
 * by arch/ (kernel/entry.c): a system call, the timer, an external
 * interrupt, an interrupt the kernel does not use (code: its number), an
 * exception (cause and tval: the machine's words for it, for the
 * exception upcall and logs). u is the running domain's context; each
 * returns the context to resume, the same domain's or whoever runs now.
 */
struct uctx *entry_syscall(struct uctx *u);
struct uctx *entry_timer(struct uctx *u);
struct uctx *entry_irq(struct uctx *u);
struct uctx *entry_other_irq(struct uctx *u, unsigned long code);
/* An IPI from another hart (already taken: sip cleared). */
struct uctx *entry_ipi(struct uctx *u);
struct uctx *entry_exception(struct uctx *u, unsigned long cause,
			     unsigned long tval);

/*
 * The ordinary system call path (arch/riscv/syscall_entry.S, docs/
 * syscalls.md): a system call is a function call. The entry calls the
 * handler the caller's table names (struct uctx's syscalls, set by
 * kernel/syscall.c) with the arguments still in a0..a5, the caller's
 * context in a6 and the number in a7, on the hart's kernel stack, and
 * returns its two words in a0 and a1. syscall_enter_c is the handler of
 * every call that needs more than that (the lock of a machine with
 * several harts, a restart record, a call that can stop part-way): it
 * answers a result, or one of
 *   SYSCALL_ANSWER_CONTEXT  resume the caller from its context: a0..a7
 *                           and sepc as the call left them there (a
 *                           restart: the ecall again);
 *   SYSCALL_ANSWER_SWITCH   the call ended the caller (a1 = its
 *                           context, which the entry completes with the
 *                           registers C kept); the hart's current domain
 *                           runs now.
 * Results are 0 or negative and SYSCALL_RESTART (1) never leaves
 * kernel/syscall.c, so the answers are the positive values above it.
 *
 * The calls of SYSCALL_FULL_FRAME_MASK never come here: they can switch
 * away from a caller that lives on (wait, exit's teardown, and the
 * notification calls: yield_cap, notify_wait's wait, notify_cap's
 * handoff) or
 * change what the trap return loads (fp_enable: sstatus), so the entry
 * saves the full frame first and takes them to entry_syscall, as any
 * trap. One bit per call number, so numbers stay below 64.
 */
#define SYSCALL_FULL_FRAME_MASK                                                \
	((1UL << SYS_wait) | (1UL << SYS_exit) | (1UL << SYS_fp_enable) |      \
	 (1UL << SYS_yield_cap) | (1UL << SYS_notify_wait) |                   \
	 (1UL << SYS_notify_cap))
_Static_assert(SYS_COUNT <= 64, "SYSCALL_FULL_FRAME_MASK: one bit a call");

#define SYSCALL_ANSWER_CONTEXT 2
#define SYSCALL_ANSWER_SWITCH  3

/* A handler called straight from the table answered something positive
 * that is neither (SYSCALL_RESTART without its arguments saved): a
 * kernel bug, reported by kernel/syscall.c. Does not return. */
void syscall_lost_restart(void) __attribute__((noreturn));

/* An external interrupt taken in S-mode: claims and dispatches it
 * (kernel/cap/irq_cap.c); now is arch_instret() at entry. */
void irq_dispatch(uint64_t now);

#endif
