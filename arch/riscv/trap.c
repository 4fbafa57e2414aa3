// SPDX-License-Identifier: MIT
/*
 * S-mode trap dispatch. Interrupts go to their handlers; any exception
 * taken in the kernel is a bug: it is reported with cause, epc, tval,
 * every register and a symbolic backtrace, then the machine stops.
 */
#include "arch/riscv/trap_frame.h"

#include "arch/riscv/backtrace.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/uctx.h"
#include "kernel/arch.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/panic.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/trace.h"

volatile unsigned long trap_expect_illegal;

static const char *const exc_names[] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INST] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
	[EXC_STORE_ACCESS] = "store/AMO access fault",
	[EXC_ECALL_U] = "environment call from U-mode",
	[EXC_ECALL_S] = "environment call from S-mode",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
};

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "s0", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *trap_cause_name(unsigned long scause)
{
	unsigned long code = scause & ~SCAUSE_INTR;

	if (scause & SCAUSE_INTR)
		return "interrupt";
	if (code < sizeof(exc_names) / sizeof(exc_names[0]) && exc_names[code])
		return exc_names[code];
	return "reserved";
}

void trap_dump_registers(const struct trap_frame *tf)
{
	unsigned i;

	for (i = 1; i < 32; i += 3) {
		pr_emerg(" %-4s %016llx", reg_names[i],
			 (unsigned long long)tf->x[i]);
		if (i + 1 < 32)
			pr_emerg("  %-4s %016llx", reg_names[i + 1],
				 (unsigned long long)tf->x[i + 1]);
		if (i + 2 < 32)
			pr_emerg("  %-4s %016llx", reg_names[i + 2],
				 (unsigned long long)tf->x[i + 2]);
		pr_emerg("\n");
	}
	pr_emerg(" sstatus %016llx\n", (unsigned long long)tf->sstatus);
}

static void kernel_fault(struct trap_frame *tf)
{
	klog_emergency(); /* the report must reach the UART */
	pr_emerg("\nrivet: kernel fault: %s (scause 0x%llx)\n",
		 trap_cause_name(tf->scause), (unsigned long long)tf->scause);
	pr_emerg(" epc  0x%016llx ", (unsigned long long)tf->sepc);
	backtrace_print_symbol(tf->sepc);
	pr_emerg("\n tval 0x%016llx\n", (unsigned long long)tf->stval);
	trap_dump_registers(tf);
	backtrace_from_trap(tf);
	machine_stop_failure();
}

void trap_handler(struct trap_frame *tf)
{
	unsigned long code = tf->scause & ~SCAUSE_INTR;

	if (tf->scause & SCAUSE_INTR) {
		if (code == IRQ_S_TIMER) {
			timer_interrupt();
			return;
		}
		if (code == IRQ_S_EXT) {
			irq_dispatch(csr_read(instret)); /* may wake domains */
			return;
		}
		if (code == IRQ_S_SOFT) {
			/* Another hart's kick: the scheduler looks at its
			 * reason (its wake flag) on its own. */
			csr_clear(sip, SIP_SSIP);
			return;
		}
		pr_warn("trap: unexpected interrupt %lu, masking it\n", code);
		csr_clear(sie, 1UL << code);
		return;
	}
	/* A CSR probe: the instruction is a 4-byte csrr; skip it. */
	if (code == EXC_ILLEGAL_INST && trap_expect_illegal == 1) {
		trap_expect_illegal = 2;
		tf->sepc += 4;
		return;
	}
	kernel_fault(tf);
}

/*
 * The C twin of trap_entry.S's reflection of an exception to the domain's
 * own handler: the same stores to the upcall area, the same count, t0/t1
 * cleared as there. The assembly path reflects every exception it can
 * unless it is compiled out (CONFIG_TRACE, whose hooks are in C); this
 * one then does. Returns false when d cannot take the exception (no
 * handler, or already in an upcall): the caller ends d.
 */
/*
 * Decodes a U-mode trap for the kernel: notes the FP state U-mode left
 * (lazy FP switching, arch_ops.h) and hands the trap to its kernel entry.
 */
struct uctx *user_trap(struct uctx *u)
{
	unsigned long scause = csr_read(scause);
	unsigned long code = scause & ~SCAUSE_INTR;

	u->sstatus =
		(u->sstatus & ~SSTATUS_FS) | (csr_read(sstatus) & SSTATUS_FS);
	if (scause & SCAUSE_INTR) {
		if (code == IRQ_S_TIMER)
			return entry_timer(u);
		if (code == IRQ_S_EXT)
			return entry_irq(u);
		if (code == IRQ_S_SOFT) {
			csr_clear(sip, SIP_SSIP);
			return entry_ipi(u);
		}
		return entry_other_irq(u, code);
	}
	if (code == EXC_ECALL_U)
		return entry_syscall(u);
	return entry_exception(u, scause, csr_read(stval));
}
