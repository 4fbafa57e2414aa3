// SPDX-License-Identifier: MIT
/* Starting a secondary hart through SBI HSM; see smp.h. */
#include "arch/riscv/smp.h"

#include <stddef.h>

#include "arch/riscv/sbi.h"
#include "arch/riscv/vm.h"

extern char secondary_entry[];

_Static_assert(offsetof(struct arch_hart_boot, stack_top) == 0,
	       "head.S loads sp from offset 0");

long arch_hart_start(uint32_t hartid, struct arch_hart_boot *b)
{
	/* The stack top must be visible to the hart before it starts. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return sbi_hart_start(hartid, vm_kernel_pa(secondary_entry),
			      (unsigned long)(uintptr_t)b);
}
