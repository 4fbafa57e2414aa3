// SPDX-License-Identifier: MIT
/*
 * panic(), assert_fail() and the ways the machine stops. panic and a failed
 * assertion print their message, then execute ebreak so that the trap
 * handler's fault report (cause, epc, registers, backtrace) follows.
 */
#include "kernel/lib/panic.h"

#include <stdarg.h>

#include "kernel/arch.h"
#include "kernel/lib/assert.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/trace.h"

/*
 * Tries SRST with the given reason; where the platform has no shutdown
 * device (QEMU sifive_u answers with an error) falls back to a cold reset,
 * which QEMU's -no-reboot turns into an exit. Never returns.
 */
static __attribute__((noreturn)) void machine_stop(unsigned long reason)
{
	long rc;

	arch_irq_disable();
	rc = sbi_system_reset(SBI_SRST_SHUTDOWN, reason);
	pr_notice("rivet: SBI shutdown refused (error %ld), resetting\n", rc);
	rc = sbi_system_reset(SBI_SRST_COLD_REBOOT, reason);
	pr_emerg("rivet: SBI reset refused (error %ld), halting this hart\n",
		 rc);
	for (;;)
		arch_idle_wait();
}

void machine_power_off(void)
{
	trace_dump();
	pr_info("rivet: powering off\n");
	machine_stop(SBI_SRST_REASON_NONE);
}

void machine_stop_failure(void)
{
	klog_emergency();
	trace_dump(); /* the events that led here */
	pr_emerg("rivet: stopping the machine after a fatal error\n");
	machine_stop(SBI_SRST_REASON_FAILURE);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	klog_emergency(); /* the report must reach the UART */
	pr_emerg("\nrivet: panic: ");
	va_start(ap, fmt);
	vprintk(LOG_EMERG, fmt, ap);
	va_end(ap);
	pr_emerg("\n");
	/* Trap into the fault reporter for registers and a backtrace. */
	__builtin_trap();
}

void assert_fail(const char *expr, const char *file, int line, const char *func)
{
	klog_emergency();
	pr_emerg("\nrivet: assertion failed: %s\n at %s:%d in %s()\n", expr,
		 file, line, func);
	__builtin_trap();
}
