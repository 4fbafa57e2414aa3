// SPDX-License-Identifier: MIT
/*
 * The kernel event trace; see trace.h and docs/trace.md. Built only with
 * CONFIG_TRACE (kernel/objs.mk).
 */
#include "kernel/lib/trace.h"

#include <stdarg.h>

#include "kernel/arch.h"
#include "kernel/drivers/console.h"
#include "kernel/boot/cpu.h"
#include "kernel/sched/domain.h"
#include "kernel/lib/klog.h"
#include "kernel/lib/vsnprintf.h"
#include <rivet/syscall.h>

/* The format scripts/trace2perfetto reads; bump it when a line changes. */
#define TRACE_VERSION 1

struct trace_rec {
	uint64_t time, instret, arg;
	uint16_t a, c; /* domain ids, 0 for none */
	uint8_t kind, hart;
};

_Static_assert(sizeof(struct trace_rec) == 32, "one record, 32 bytes");

/* The ring keeps the newest CONFIG_TRACE_EVENTS events: a run that ends
 * badly is explained by its last moments. */
static struct trace_rec ring[CONFIG_TRACE_EVENTS];
static uint64_t recorded; /* events since boot; the ring holds the last */

static const char *const kind_names[] = {
	[TRACE_SWITCH] = "sw",	 [TRACE_IDLE] = "idle",	 [TRACE_WAKE] = "wake",
	[TRACE_SYSCALL] = "sys", [TRACE_UPCALL] = "up",	 [TRACE_IRQ] = "irq",
	[TRACE_TICK] = "tick",	 [TRACE_NOTIFY] = "ntf",
};

static const char *const syscall_names[SYS_COUNT] = {
#define SYSCALL_NAME(num, name, params, errors) [num] = #name,
	RIVET_SYSCALLS(SYSCALL_NAME)
#undef SYSCALL_NAME
};

/*
 * The hart id of the hart running this code. Only the boot hart runs
 * the kernel's domains for now (sched.c's this_hart(); docs/smp.md).
 */
static uint8_t this_hartid(void)
{
	return (uint8_t)cpu_boot_hartid();
}

void trace_event(enum trace_kind kind, const struct domain *a,
		 const struct domain *c, uint64_t arg)
{
	/* The slot is taken atomically so that harts (and an interrupt in
	 * the middle of a record) never share one. */
	uint64_t n = __atomic_fetch_add(&recorded, 1, __ATOMIC_RELAXED);
	struct trace_rec *r = &ring[n % CONFIG_TRACE_EVENTS];

	r->time = arch_time();
	r->instret = arch_instret();
	r->arg = arg;
	r->a = a ? (uint16_t)a->id : 0;
	r->c = c ? (uint16_t)c->id : 0;
	r->kind = (uint8_t)kind;
	r->hart = this_hartid();
}

static void line(const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf);
}

/*
 * One line per event, oldest first: "KIND HART TIME INSTRET A C ARG",
 * ARG in hex, after a header naming the timebase, the domains and the
 * system calls so that the dump explains itself. Straight to the UART,
 * whatever the log level, and not through a log ring some domain owns.
 */
void trace_dump(void)
{
	uint64_t first = recorded > CONFIG_TRACE_EVENTS
				 ? recorded - CONFIG_TRACE_EVENTS
				 : 0,
		 n;
	const struct domain *d;
	unsigned i;

	klog_emergency();
	line("rivet-trace: begin version %d hart %u timebase %llu events %llu "
	     "lost %llu\n",
	     TRACE_VERSION, this_hartid(), (unsigned long long)timer_hz(),
	     (unsigned long long)(recorded - first), (unsigned long long)first);
	for (i = 0; (d = domain_at(i)); i++)
		line("rivet-trace: domain %u %s\n", d->id, d->name);
	for (i = 0; i < SYS_COUNT; i++)
		if (syscall_names[i])
			line("rivet-trace: syscall %u %s\n", i,
			     syscall_names[i]);
	for (n = first; n < recorded; n++) {
		const struct trace_rec *r = &ring[n % CONFIG_TRACE_EVENTS];

		line("%s %u %llu %llu %u %u %llx\n",
		     r->kind < sizeof(kind_names) / sizeof(kind_names[0]) &&
				     kind_names[r->kind]
			     ? kind_names[r->kind]
			     : "?",
		     r->hart, (unsigned long long)r->time,
		     (unsigned long long)r->instret, r->a, r->c,
		     (unsigned long long)r->arg);
	}
	line("rivet-trace: end time %llu instret %llu\n",
	     (unsigned long long)arch_time(),
	     (unsigned long long)arch_instret());
}
