/* SPDX-License-Identifier: MIT */
/* Harts: which the kernel will use, and per-hart state. */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/boot/machine.h"

/* Per-hart kernel state; index is the CPU number, not the hart id. */
struct cpu {
	uint32_t hartid;
	int32_t plic_sctx;
	bool online;
};

/*
 * Logs every hart of m, usable or skipped and why, and records the usable
 * ones (up to CONFIG_MAX_HARTS). Returns the number usable, or a negative
 * error if the boot hart itself is not among them.
 */
int cpu_init(const struct machine *m, uint32_t boot_hartid);

unsigned cpu_count(void);
/* The hart the kernel booted on (cpu_init's boot_hartid). */
uint32_t cpu_boot_hartid(void);
struct cpu *cpu_get(unsigned index);

#endif
