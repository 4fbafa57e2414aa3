// SPDX-License-Identifier: MIT
/*
 * Starting the secondary harts (docs/smp.md, "Which harts"). Each usable
 * hart but the boot hart gets a stack and is started through SBI HSM; the
 * boot hart then waits a bounded time for them to report in. One that
 * fails to start or does not arrive in time is logged and skipped, never
 * waited for again (if it arrives later it finds itself abandoned and
 * parks): a board whose firmware loses a hart still boots on the others.
 *
 * Secondary harts do not print: printk has no lock, so the boot hart
 * reports for them. Once in, a secondary idles in wfi with interrupts off
 * (domains still run on the boot hart only).
 */
#include <stddef.h>

#include "kernel/arch.h"
#include "kernel/boot/cpu.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/vsnprintf.h"
#include "kernel/test_hooks.h"

static uint8_t hart_stacks[CONFIG_NR_HARTS][CONFIG_KERNEL_STACK_KB * 1024]
	__attribute__((aligned(16)));

static const char *hsm_state_name(long s)
{
	switch (s) {
	case SBI_HSM_STARTED:
		return "started";
	case SBI_HSM_STOPPED:
		return "stopped";
	default:
		return s < 0 ? "unknown" : "in transition";
	}
}

/* Moves c from STARTING to to; false if the other side got there first. */
static bool settle(struct cpu *c, int to)
{
	int expected = CPU_STARTING;

	return __atomic_compare_exchange_n(&c->state, &expected, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void kmain_secondary(uint64_t hartid, struct arch_hart_boot *b)
{
	struct cpu *c = (struct cpu *)((char *)b - offsetof(struct cpu, boot));

	vm_activate(); /* off the early table, onto the kernel's */
	if (c->hartid == hartid &&
	    !(test_hook_hart_silent && test_hook_hart_silent()))
		settle(c, CPU_ONLINE); /* lost: abandoned, just park */
	for (;;)
		arch_idle_wait();
}

/* Asks the firmware to start c's hart; logs and returns false if not. */
static bool start_one(struct cpu *c)
{
	long st = sbi_hart_status(c->hartid), rc;

	if (st != SBI_HSM_STOPPED) {
		pr_warn("cpu: hart %u: not started: HSM says %s (%ld)\n",
			c->hartid, hsm_state_name(st), st);
		return false;
	}
	c->boot.stack_top = (uint64_t)(uintptr_t)hart_stacks[c->index] +
			    sizeof(hart_stacks[c->index]);
	c->state = CPU_STARTING;
	rc = arch_hart_start(c->hartid, &c->boot);
	if (rc) {
		c->state = CPU_STOPPED;
		pr_warn("cpu: hart %u: not started: hart_start failed (SBI "
			"error %ld)\n",
			c->hartid, rc);
		return false;
	}
	return true;
}

/* Waits until no hart is STARTING or the deadline passes. */
static void wait_arrivals(uint64_t timebase_hz)
{
	uint64_t limit = arch_time() + timebase_hz * CPU_ARRIVAL_MS / 1000;
	unsigned i;

	for (i = 0; i < cpu_count(); i++)
		while (__atomic_load_n(&cpu_get(i)->state, __ATOMIC_ACQUIRE) ==
			       CPU_STARTING &&
		       arch_time() < limit)
			;
}

/* Logs how c's start ended; true if it is online. */
static bool report(struct cpu *c)
{
	if (c->state == CPU_STOPPED)
		return false; /* start_one said why */
	if (c->state == CPU_STARTING && settle(c, CPU_ABANDONED)) {
		pr_warn("cpu: hart %u: started but did not report in within %u "
			"ms (HSM says %s): skipped\n",
			c->hartid, CPU_ARRIVAL_MS,
			hsm_state_name(sbi_hart_status(c->hartid)));
		return false;
	}
	pr_info("cpu: hart %u: online (index %u)\n", c->hartid, c->index);
	return true;
}

/* Why no secondary hart is started at all, or NULL. */
static const char *why_none(void)
{
#ifndef CONFIG_SMP
	return "CONFIG_SMP is off";
#else
	return sbi_has(SBI_EXT_HSM) ? NULL : "the firmware has no SBI HSM";
#endif
}

unsigned cpu_start_secondaries(const struct machine *m)
{
	char list[8 * CONFIG_NR_HARTS] = "";
	const char *why = why_none();
	unsigned i, online = 0;
	size_t len = 0;

	for (i = 1; i < cpu_count(); i++) { /* index 0 is the boot hart */
		if (why)
			pr_info("cpu: hart %u: not started: %s\n",
				cpu_get(i)->hartid, why);
		else
			start_one(cpu_get(i));
	}
	wait_arrivals(m->timebase_hz);
	for (i = 0; i < cpu_count(); i++) {
		struct cpu *c = cpu_get(i);

		if (i && !report(c))
			continue;
		online++;
		len += (size_t)ksnprintf(list + len, sizeof(list) - len, " %u",
					 c->hartid);
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	pr_info("cpu: %u harts online:%s\n", online, list);
	return online;
}
