// SPDX-License-Identifier: MIT
/*
 * Starting the secondary harts (docs/smp.md, "Which harts"). Each usable
 * hart but the boot hart gets a stack and is started through SBI HSM; the
 * boot hart then waits a bounded time for them to report in. One that
 * fails to start or does not arrive in time is logged and skipped, never
 * waited for again (if it arrives later it finds itself abandoned and
 * parks): a board whose firmware loses a hart still boots on the others.
 *
 * Secondary harts do not print while they start: the boot hart reports
 * for them. A secondary checks its own timer before it reports in, then
 * idles in wfi with sstatus.SIE off, counting the IPIs it takes, until
 * the boot hart starts scheduling; from then on it runs the domains
 * placed on it (sched_secondary), under the big kernel lock like every
 * hart. The boot hart sends each one IPI and one remote TLB fence first,
 * to prove the paths cross-hart events and shootdowns use.
 */
#include <stddef.h>

#include "kernel/arch.h"
#include "kernel/boot/cpu.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/vsnprintf.h"
#include "kernel/sched/sched.h"
#include "kernel/test_hooks.h"

#define CPU_START_TRIES 3

extern char boot_stack_top[]; /* the boot hart's (head.S) */

static uint8_t hart_stacks[CONFIG_NR_HARTS][CONFIG_KERNEL_STACK_KB * 1024]
	__attribute__((aligned(16)));

/* Moves c from STARTING to to; false if the other side got there first. */
static bool settle(struct cpu *c, int to)
{
	int expected = CPU_STARTING;

	return __atomic_compare_exchange_n(&c->state, &expected, to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* Arms this hart's timer 1 ms ahead and polls for it (no wfi: a timer
 * that never fires must not hang the hart); leaves it disarmed. */
static bool timer_fires(void)
{
	uint64_t now = timer_now(), limit = now + timer_hz();
	bool fired;

	timer_set(now + timer_hz() / 1000);
	while (!(arch_pending() & ARCH_PENDING_TIMER) && timer_now() < limit)
		;
	fired = (arch_pending() & ARCH_PENDING_TIMER) != 0;
	timer_set(~0ULL);
	return fired;
}

static __attribute__((noreturn)) void park(void)
{
	for (;;)
		arch_idle_wait();
}

void kmain_secondary(uint64_t hartid, struct arch_hart_boot *b)
{
	struct cpu *c = (struct cpu *)((char *)b - offsetof(struct cpu, boot));

	vm_activate(); /* off the early table, onto the kernel's */
	arch_hart_local_init();
	c->timer_ok = timer_fires();
	if (c->hartid != hartid ||
	    (test_hook_hart_silent && test_hook_hart_silent()))
		park();
	if (!settle(c, CPU_ONLINE))
		park(); /* too late: the boot hart reported it lost */
	sched_hart_enter(c->index); /* tp: its scheduler record from here */
	plic_hart_local(c->index);  /* its context, if it has one */
	while (!sched_started()) {
		arch_idle_wait();
		if (arch_take_ipi())
			__atomic_fetch_add(&c->ipis, 1, __ATOMIC_RELEASE);
	}
	sched_secondary();
}

/* The hart id to ask the firmware for: c's, or under the test hook one
 * that no hart has (ids are 32 bits; this one is not in any tree). */
static unsigned long start_id(const struct cpu *c)
{
	if (test_hook_hart_start_bad && test_hook_hart_start_bad())
		return 0xfffffffeUL;
	return c->hartid;
}

/* Asks the firmware to start c's hart; logs and returns false if not. */
static bool start_one(struct cpu *c)
{
	long st = sbi_hart_status(c->hartid), rc;

	if (st != SBI_HSM_STOPPED) {
		pr_warn("cpu: hart %u: not started: HSM says %s (%ld)\n",
			c->hartid, cpu_hsm_state_name(st), st);
		return false;
	}
	c->boot.stack_top = (uint64_t)(uintptr_t)hart_stacks[c->index] +
			    sizeof(hart_stacks[c->index]);
	c->state = CPU_STARTING;
	if (test_hook_hart_wrong_door && test_hook_hart_wrong_door())
		rc = arch_hart_start_at_image(c->hartid);
	else
		rc = arch_hart_start((uint32_t)start_id(c), &c->boot);
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

/* Sends c one IPI; true if it counted it within CPU_ARRIVAL_MS. */
static bool ipi_answered(struct cpu *c, uint64_t timebase_hz)
{
	unsigned before = __atomic_load_n(&c->ipis, __ATOMIC_ACQUIRE);
	uint64_t limit = arch_time() + timebase_hz * CPU_ARRIVAL_MS / 1000;

	if (arch_send_ipi(c->hartid))
		return false;
	while (__atomic_load_n(&c->ipis, __ATOMIC_ACQUIRE) == before)
		if (arch_time() >= limit)
			return false;
	return true;
}

/*
 * A hart that went to the image's entry instead of secondary_entry (see
 * primary_entry in head.S) has stopped itself: still STARTING here, and
 * STOPPED for the firmware. Starts each such hart again; returns how many.
 */
static unsigned restart_returned(void)
{
	unsigned i, n = 0;

	for (i = 1; i < cpu_count(); i++) {
		struct cpu *c = cpu_get(i);

		if (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) !=
			    CPU_STARTING ||
		    sbi_hart_status(c->hartid) != SBI_HSM_STOPPED)
			continue;
		pr_info("cpu: hart %u: came back stopped (the firmware sent it "
			"to the image's entry); starting it again\n",
			c->hartid);
		if (!arch_hart_start(c->hartid, &c->boot))
			n++;
	}
	return n;
}

/* Logs how c's start ended; true if it is online. */
static bool report(struct cpu *c, uint64_t timebase_hz)
{
	if (c->state == CPU_STOPPED)
		return false; /* start_one said why */
	if (c->state == CPU_STARTING && settle(c, CPU_ABANDONED)) {
		pr_warn("cpu: hart %u: started but did not report in within %u "
			"ms (HSM says %s): skipped\n",
			c->hartid, CPU_ARRIVAL_MS,
			cpu_hsm_state_name(sbi_hart_status(c->hartid)));
		return false;
	}
	pr_info("cpu: hart %u: online (index %u), timer %s, IPI %s\n",
		c->hartid, c->index, c->timer_ok ? "fires" : "silent",
		ipi_answered(c, timebase_hz) ? "answered" : "not answered");
	return true;
}

/* One remote fence of ASID 0 to each online secondary (SBI RFENCE, as a
 * shootdown will send them): says whether the firmware does it. */
static void fence_selftest(void)
{
	unsigned i, n = 0;
	long rc;

	for (i = 1; i < cpu_count(); i++) {
		if (cpu_get(i)->state != CPU_ONLINE)
			continue;
		rc = arch_remote_fence_asid(1, cpu_get(i)->hartid, 0);
		if (rc) {
			pr_warn("cpu: hart %u: remote TLB fence refused (SBI "
				"error %ld)\n",
				cpu_get(i)->hartid, rc);
			return;
		}
		n++;
	}
	if (n)
		pr_info("cpu: remote TLB fence (SBI RFENCE) done on %u harts\n",
			n);
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
	unsigned i, tries, online = 0;
	size_t len = 0;

	for (i = 1; i < cpu_count(); i++) { /* index 0 is the boot hart */
		if (why)
			pr_info("cpu: hart %u: not started: %s\n",
				cpu_get(i)->hartid, why);
		else
			start_one(cpu_get(i));
	}
	wait_arrivals(m->timebase_hz);
	for (tries = 1; tries < CPU_START_TRIES && restart_returned(); tries++)
		wait_arrivals(m->timebase_hz);
	for (i = 0; i < cpu_count(); i++) {
		struct cpu *c = cpu_get(i);

		if (i && !report(c, m->timebase_hz))
			continue;
		/* It runs the domains placed on it, on its own stack. */
		sched_hart_init(i, c->hartid,
				i ? c->boot.stack_top
				  : (uint64_t)(uintptr_t)boot_stack_top);
		online++;
		len += (size_t)ksnprintf(list + len, sizeof(list) - len, " %u",
					 c->hartid);
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	pr_info("cpu: %u harts online:%s\n", online, list);
	fence_selftest();
	return online;
}
