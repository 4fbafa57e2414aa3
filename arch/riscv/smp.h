/* SPDX-License-Identifier: MIT */
/* Starting a secondary hart (docs/smp.md, "Which harts"). */
#ifndef ARCH_RISCV_SMP_H
#define ARCH_RISCV_SMP_H

#include <stdint.h>

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

#endif
