/* SPDX-License-Identifier: MIT */
/* Harts: which the kernel will use, and per-hart state. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/boot/machine.h"

/* Per-hart kernel state; index is the CPU number, not the hart id. */
struct cpu {
	struct arch_hart_boot
		boot; /* first: head.S passes it (and tp, until sched_hart_enter) */
	uint32_t hartid;
	int32_t plic_sctx;
	unsigned index;
	int state;     /* CPU_*: who wins a start is settled by a CAS */
	bool timer_ok; /* its own timer fired when it armed it (at start) */
	unsigned ipis; /* IPIs it has taken (it counts, others read) */
};

/* A hart's start: STARTING becomes ONLINE (the hart, once it runs C) or
 * ABANDONED (the boot hart, when it gave up waiting), never both. */
enum cpu_state {
	CPU_STOPPED,
	CPU_STARTING,
	CPU_ONLINE,
	CPU_ABANDONED,
};

/*
 * Logs every hart of m, usable or skipped and why, and records the usable
 * ones (up to CONFIG_NR_HARTS). Returns the number usable, or a negative
 * error if the boot hart itself is not among them.
 */
int cpu_init(const struct machine *m, uint32_t boot_hartid);

/*
 * Starts every recorded hart but the boot hart (SBI HSM hart_start), then
 * waits at most CPU_ARRIVAL_MS for them to report in; logs one line per
 * hart and one summary line. A hart that fails to start or does not arrive is
 * skipped. Returns the number of harts online, the boot hart included.
 */
#define CPU_ARRIVAL_MS 1000
unsigned cpu_start_secondaries(const struct machine *m);

/* The index of hartid among the recorded harts, or -1. */
int cpu_index_of(uint32_t hartid);

unsigned cpu_count(void);
/* The hart the kernel booted on (cpu_init's boot_hartid). */
uint32_t cpu_boot_hartid(void);

/* What an SBI HSM hart status says, for the log ("unknown" if negative:
 * an SBI error, or no HSM). */
const char *cpu_hsm_state_name(long s);

struct cpu *cpu_get(unsigned index);

#endif
