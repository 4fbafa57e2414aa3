// SPDX-License-Identifier: MIT
/*
 * The S-mode timer. With Sstc the kernel writes stimecmp directly (no trip
 * through M-mode); without it, SBI set_timer. The ISA string only says the
 * hart has Sstc: the firmware must also have set menvcfg.STCE, or stimecmp
 * is an illegal instruction. So the CSR is probed once under the trap
 * handler's fix-up before it is trusted.
 */
#include "arch/riscv/timer.h"

#include "arch/riscv/csr.h"
#include "arch/riscv/sbi.h"
#include "kernel/lib/trace.h"

extern volatile unsigned long trap_expect_illegal;

static bool use_sstc;
static uint64_t hz;
static volatile uint64_t ticks;

static bool sstc_probe(void)
{
	unsigned long v = 0;

	trap_expect_illegal = 1;
	__asm__ volatile("csrr %0, 0x14d" : "=r"(v)::"memory");
	if (trap_expect_illegal == 2) {
		trap_expect_illegal = 0;
		return false;
	}
	trap_expect_illegal = 0;
	return true;
}

void timer_init(uint64_t timebase_hz, bool isa_has_sstc)
{
	hz = timebase_hz;
#ifdef CONFIG_SSTC
	use_sstc = isa_has_sstc && sstc_probe();
#endif
	timer_init_local();
}

void timer_init_local(void)
{
	/* No interrupt until someone arms the timer. */
	if (use_sstc)
		__asm__ volatile("csrw 0x14d, %0" ::"r"(-1UL));
	else
		sbi_set_timer(~0ULL);
	csr_set(sie, SIE_STIE);
	/*
	 * Let U-mode read cycle, time and instret (rdcycle, rdtime,
	 * rdinstret): the info page promises time without a system call,
	 * and make bench counts with instret. OpenSBI already opens them to
	 * S-mode through mcounteren.
	 */
	csr_write(scounteren, 7);
}

const char *timer_mechanism(void)
{
	return use_sstc ? "Sstc" : "SBI TIME";
}

uint64_t timer_hz(void)
{
	return hz;
}

void timer_set(uint64_t when)
{
	if (use_sstc)
		__asm__ volatile("csrw 0x14d, %0" ::"r"(when));
	else
		sbi_set_timer(when);
}

void timer_interrupt(void)
{
	ticks++;
	trace_tick();
	timer_set(~0ULL); /* one-shot: clear the pending interrupt */
}

uint64_t timer_ticks(void)
{
	return ticks;
}
