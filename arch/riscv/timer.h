/* SPDX-License-Identifier: MIT */
/* The S-mode timer: Sstc's stimecmp where usable, else SBI TIME. */
#ifndef ARCH_RISCV_TIMER_H
#define ARCH_RISCV_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/riscv/csr.h"

/* Picks the mechanism (Sstc if isa_has_sstc, CONFIG_SSTC and it probes). */
void timer_init(uint64_t timebase_hz, bool isa_has_sstc);
const char *timer_mechanism(void);
/* The per-hart part of timer_init, for a secondary hart: disarmed, the
 * interrupt enabled, counters readable from U-mode (same mechanism). */
void timer_init_local(void);

/* The time CSR (rdtime): inline, it is on the interrupt-to-driver path. */
static inline uint64_t timer_now(void)
{
	return csr_read(time);
}

/* Arms a one-shot interrupt at absolute time when (timebase ticks). */
void timer_set(uint64_t when);
void timer_interrupt(void);
/* Number of timer interrupts taken since boot. */
uint64_t timer_ticks(void);
uint64_t timer_hz(void);

#endif
