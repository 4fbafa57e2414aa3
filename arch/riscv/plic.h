/* SPDX-License-Identifier: MIT */
/*
 * The platform-level interrupt controller, found from the device tree
 * (riscv,plic0 / sifive,plic-1.0.0, and the T-Head and Andes PLICs with
 * the same register map: the variants and their differences are in
 * kernel/boot/machine_irq.c). The kernel owns it; domains get
 * interrupt capabilities for single sources (kernel/cap/irq_cap.c). Only the
 * boot hart's S-mode context, read from interrupts-extended, is used.
 */
#ifndef ARCH_RISCV_PLIC_H
#define ARCH_RISCV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

/* Maps the PLIC's pages for context ctx, masks every source; E_NOENT if
 * the machine has none or ctx < 0. */
int plic_init(bool present, uint64_t base, uint32_t ndev, int ctx);
bool plic_present(void);
uint32_t plic_sources(void);

void plic_enable(uint32_t src);
void plic_disable(uint32_t src);
/* The claim register of the boot hart's context: only the boot hart runs
 * domains for now. It becomes per-hart state when more harts do. */
extern volatile uint32_t *plic_claim_reg;

/* The highest-priority pending source (0: none), claimed. Inline: it is
 * on the interrupt-to-driver path. */
static inline uint32_t plic_claim(void)
{
	return plic_claim_reg ? *plic_claim_reg : 0;
}
void plic_complete(uint32_t src);

#endif
