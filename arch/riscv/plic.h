/* SPDX-License-Identifier: MIT */
/*
 * The platform-level interrupt controller, found from the device tree
 * (riscv,plic0 / sifive,plic-1.0.0, and the T-Head and Andes PLICs with
 * the same register map: the variants and their differences are in
 * kernel/boot/machine_irq.c; the lost-edge one is handled in plic_src.c). The kernel owns it; domains get
 * interrupt capabilities for single sources (kernel/cap/irq_cap.c). Each
 * online hart has its S-mode context, read from interrupts-extended; a
 * source is enabled in one of them only, the context of the hart its
 * holder runs on (plic_route), so that its interrupt is taken there
 * (docs/smp.md).
 */
#ifndef ARCH_RISCV_PLIC_H
#define ARCH_RISCV_PLIC_H

#include <stdbool.h>
#include <stdint.h>

/* Harts (dense indices, kernel/boot/cpu.h) the driver keeps a context
 * for: the most CONFIG_NR_HARTS may be. */
#define PLIC_MAX_HARTS 64

/* Maps the PLIC's pages for context ctx of the boot hart (index 0),
 * masks every source there; E_NOENT if the machine has none or ctx < 0. */
int plic_init(bool present, uint64_t base, uint32_t ndev, int ctx);
/* Maps context ctx for the hart of index hart (> 0), for that hart to
 * set up with plic_hart_local; E_NOENT if ctx < 0 (the hart's sources stay on the boot hart's
 * context), E_INVAL without plic_init or past PLIC_MAX_HARTS. */
int plic_init_hart(unsigned hart, int ctx);
/* On the hart of that index itself, before any source is routed to it:
 * masks every source in its context, threshold 0, and takes external
 * interrupts (sie.SEIE); nothing if it has no context. */
void plic_hart_local(unsigned hart);

/* plic_src.c: the per-source operations, on registers plic_init mapped
 * (or a host test's fake): priorities, and the enable words and
 * claim/complete register of the boot hart's context (index 0), which
 * every source is routed to until plic_route moves it. */
void plic_src_attach(volatile uint32_t *prio, volatile uint32_t *en,
		     volatile uint32_t *claim, uint32_t ndev);
/* The same two for the context of hart index hart (0 < hart <
 * PLIC_MAX_HARTS); false if out of range. */
bool plic_hart_attach(unsigned hart, volatile uint32_t *en,
		      volatile uint32_t *claim);
/* The enable words attached for hart index hart, or NULL. */
volatile uint32_t *plic_hart_enables(unsigned hart);
bool plic_present(void);
uint32_t plic_sources(void);

/*
 * Routes src to the context of hart index hart: from now on it is enabled
 * there (if it was enabled anywhere) and nowhere else, and completed
 * there. A hart without a context gets its sources on the boot hart's.
 * Returns the hart index src is routed to.
 */
unsigned plic_route(uint32_t src, unsigned hart);
/* The hart index src is routed to (0 for an unknown source). */
unsigned plic_routed_to(uint32_t src);
/* Is src enabled in the context of hart index hart? */
bool plic_enabled_on(uint32_t src, unsigned hart);

/* Enable or disable src in the context it is routed to. */
void plic_enable(uint32_t src);
void plic_disable(uint32_t src);
/* Each hart's context: its claim/complete register (NULL: none) and the
 * sources claimed there since boot (its own hart counts them). A cache
 * line each: the claim is on the lock-free idle resume, which writes no
 * line another hart writes (docs/smp.md). */
struct plic_hart_ctx {
	volatile uint32_t *claim;
	uint64_t claims;
} __attribute__((aligned(64)));
extern struct plic_hart_ctx plic_harts[PLIC_MAX_HARTS];

/* The highest-priority pending source routed to hart index hart (0:
 * none), claimed and counted; only that hart claims from its context.
 * Inline: it is on the interrupt-to-driver path. */
static inline uint32_t plic_claim_on(unsigned hart)
{
	struct plic_hart_ctx *c = &plic_harts[hart];
	uint32_t src = c->claim ? *c->claim : 0;

	if (src)
		c->claims++;
	return src;
}

/* Sources claimed on hart index hart since boot. */
static inline uint64_t plic_claims_on(unsigned hart)
{
	return hart < PLIC_MAX_HARTS ? plic_harts[hart].claims : 0;
}
/* Completes src at the context it is routed to (the only one it is
 * enabled in: a completion elsewhere would be ignored). */
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
