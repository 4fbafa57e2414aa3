/* SPDX-License-Identifier: MIT */
/* CSR numbers, bits and accessors for S-mode. */
#ifndef ARCH_RISCV_CSR_H
#define ARCH_RISCV_CSR_H

#define SSTATUS_SIE	 (1UL << 1)
#define SSTATUS_SPIE	 (1UL << 5)
#define SSTATUS_SPP	 (1UL << 8)
#define SSTATUS_SUM	 (1UL << 18)
#define SSTATUS_FS	 (3UL << 13) /* FP state: Off, Initial, Clean, Dirty */
#define SSTATUS_FS_INIT	 (1UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_DIRTY (3UL << 13)

#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)

/* sip: the same bits, pending. */
#define SIP_STIP SIE_STIE
#define SIP_SSIP SIE_SSIE
#define SIP_SEIP SIE_SEIE

#define SCAUSE_INTR (1UL << 63)
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9

#define EXC_INST_MISALIGNED  0
#define EXC_INST_ACCESS	     1
#define EXC_ILLEGAL_INST     2
#define EXC_BREAKPOINT	     3
#define EXC_LOAD_MISALIGNED  4
#define EXC_LOAD_ACCESS	     5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS     7
#define EXC_ECALL_U	     8
#define EXC_ECALL_S	     9
#define EXC_INST_PAGE_FAULT  12
#define EXC_LOAD_PAGE_FAULT  13
#define EXC_STORE_PAGE_FAULT 15

#define SATP_MODE_SV39 (8UL << 60)

#define CSR_STIMECMP 0x14d

#ifndef __ASSEMBLY__
#include <stdbool.h>

#define csr_read(csr)                                                          \
	({                                                                     \
		unsigned long __v;                                             \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory");      \
		__v;                                                           \
	})

#define csr_write(csr, val)                                                    \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrw " #csr ", %0" ::"rK"(__v) : "memory");  \
	})

#define csr_set(csr, val)                                                      \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrs " #csr ", %0" ::"rK"(__v) : "memory");  \
	})

#define csr_clear(csr, val)                                                    \
	({                                                                     \
		unsigned long __v = (unsigned long)(val);                      \
		__asm__ volatile("csrc " #csr ", %0" ::"rK"(__v) : "memory");  \
	})

static inline void local_flush_tlb_all(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static inline void wfi(void)
{
	__asm__ volatile("wfi");
}

/* Is an interrupt the kernel takes (timer, external) pending? The kernel
 * runs with sstatus.SIE off; sip shows what is waiting all the same. */
static inline bool interrupt_pending(void)
{
	unsigned long sip, sie;

	__asm__ volatile("csrr %0, sip" : "=r"(sip));
	__asm__ volatile("csrr %0, sie" : "=r"(sie));
	return (sip & sie & (SIE_STIE | SIE_SEIE)) != 0;
}
#endif

#endif
