// SPDX-License-Identifier: MIT
/* Secondary harts: starting them (SBI HSM), their local interrupt state,
 * IPIs and remote fences; see smp.h. */
#include "arch/riscv/smp.h"

#include <stddef.h>

#include "arch/riscv/sbi.h"
#include "arch/riscv/timer.h"
#include "arch/riscv/vm.h"

extern char secondary_entry[], _start_header[];

_Static_assert(offsetof(struct arch_hart_boot, stack_top) == 0,
	       "head.S loads sp from offset 0");

long arch_hart_start(uint32_t hartid, struct arch_hart_boot *b)
{
	/* The stack top must be visible to the hart before it starts. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return sbi_hart_start(hartid, vm_kernel_pa(secondary_entry),
			      (unsigned long)(uintptr_t)b);
}

void arch_ipi_enable(void)
{
	csr_set(sie, SIE_SSIE);
}

void arch_hart_local_init(void)
{
	timer_init_local();
	arch_ipi_enable();
}

__attribute__((noreturn)) void arch_hart_park(void)
{
	csr_write(sie, 0);
	for (;;)
		wfi();
}

long arch_send_ipi(uint32_t hartid)
{
	/* A one-hart mask based at the hart itself: any hart id fits. */
	return sbi_send_ipi(1, hartid);
}

long arch_remote_fence_asid(unsigned long mask, unsigned long base,
			    uint16_t asid)
{
	/* start 0, size ~0: the whole address space of asid. */
	return sbi_remote_sfence_vma_asid(mask, base, 0, ~0UL, asid);
}

long arch_hart_start_at_image(uint32_t hartid)
{
	return sbi_hart_start(hartid, vm_kernel_pa(_start_header), 0);
}
