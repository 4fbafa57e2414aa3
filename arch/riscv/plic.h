/* SPDX-License-Identifier: MIT */
/*
 * The platform-level interrupt controller, found from the device tree
 * (riscv,plic0 / sifive,plic-1.0.0, and the T-Head and Andes PLICs with
 * the same register map: the variants and their differences are in
 * kernel/boot/machine_irq.c; the lost-edge one is handled in plic_src.c). The kernel owns it; domains get
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

/* plic_src.c: the per-source operations, on registers plic_init mapped
 * (or a host test's fake): priorities, this context's enable words and
 * its claim/complete register. */
void plic_src_attach(volatile uint32_t *prio, volatile uint32_t *en,
		     volatile uint32_t *claim, uint32_t ndev);
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

/*
 * How src is triggered (edge: the second cell of its specifier says so),
 * and whether this PLIC loses an edge that comes while the source is
 * claimed (struct plic's edge_lost: T-Head, Andes). Both true: src is
 * completed at its claim and held by its enable bit until released
 * (plic_src.c says why). Sources are level-triggered until told.
 */
void plic_set_trigger(uint32_t src, bool edge, bool edge_lost);
bool plic_completes_at_claim(uint32_t src);
/* For such a source: right after its claim, complete it and mask it... */
void plic_claimed_early(uint32_t src);
/* ... and when its holder acknowledges, unmask it (no completion). */
void plic_released_early(uint32_t src);

#endif
