// SPDX-License-Identifier: MIT
/*
 * When the PLIC driver completes a claim (arch/riscv/plic_src.c), per
 * variant and trigger type, on a fake register block. The kernel's
 * interrupt path (kernel/cap/irq_cap.c) claims, then calls
 * plic_claimed_early() for a source plic_completes_at_claim() names, and
 * at the holder's ack plic_released_early() for it, plic_complete() for
 * any other. The SiFive PLIC holds an edge that comes while its source
 * is claimed; the T-Head and Andes PLICs (edge_lost) drop it, so there an
 * edge source is completed at the claim and held by its enable bit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/riscv/plic.h"

#define NDEV	 175	     /* the D1's PLIC */
#define NOTHING	 0xdeadbeefu /* the claim register before a write */
#define SRC_EDGE 60
#define SRC_LVL	 18

static uint32_t prio[1024], en[32];
static volatile uint32_t claim;

static bool enabled(uint32_t src)
{
	return en[src / 32] >> (src % 32) & 1;
}

/* A PLIC of this variant with an edge source and a level source, both
 * enabled as irq_cap_bind does. */
static void plic_with(bool edge_lost)
{
	memset(prio, 0, sizeof(prio));
	memset(en, 0, sizeof(en));
	plic_src_attach(prio, en, &claim, NDEV);
	plic_set_trigger(SRC_EDGE, true, edge_lost);
	plic_set_trigger(SRC_LVL, false, edge_lost);
	plic_enable(SRC_EDGE);
	plic_enable(SRC_LVL);
	claim = NOTHING;
}

/*
 * What the kernel does from the claim of src to its holder's ack; the
 * claim register and the enable bit between claim and ack in *held_*,
 * the claim register after the ack in *acked.
 */
static void claim_and_ack(uint32_t src, uint32_t *held_claim,
			  bool *held_enabled, uint32_t *acked)
{
	bool early = plic_completes_at_claim(src);

	claim = NOTHING; /* the claim read itself: no write */
	if (early)
		plic_claimed_early(src);
	*held_claim = claim;
	*held_enabled = enabled(src);
	claim = NOTHING;
	if (early)
		plic_released_early(src);
	else
		plic_complete(src);
	*acked = claim;
}

static void sifive_completes_every_source_at_the_ack(void **state)
{
	uint32_t held, acked;
	bool on;

	(void)state;
	plic_with(false);
	assert_false(plic_completes_at_claim(SRC_EDGE));
	assert_false(plic_completes_at_claim(SRC_LVL));
	claim_and_ack(SRC_EDGE, &held, &on, &acked);
	assert_int_equal(held, NOTHING); /* the open claim holds it */
	assert_true(on);
	assert_int_equal(acked, SRC_EDGE);
	claim_and_ack(SRC_LVL, &held, &on, &acked);
	assert_int_equal(held, NOTHING);
	assert_int_equal(acked, SRC_LVL);
}

static void thead_completes_an_edge_source_at_the_claim(void **state)
{
	uint32_t held, acked;
	bool on;

	(void)state;
	plic_with(true);
	assert_true(plic_completes_at_claim(SRC_EDGE));
	claim_and_ack(SRC_EDGE, &held, &on, &acked);
	/* Completed before the holder hears of it, masked meanwhile... */
	assert_int_equal(held, SRC_EDGE);
	assert_false(on);
	/* ... and the ack unmasks it without a second completion. */
	assert_int_equal(acked, NOTHING);
	assert_true(enabled(SRC_EDGE));
	assert_int_equal(prio[SRC_EDGE], 1);
}

static void thead_holds_a_level_source_by_its_claim(void **state)
{
	uint32_t held, acked;
	bool on;

	(void)state;
	plic_with(true);
	assert_false(plic_completes_at_claim(SRC_LVL));
	claim_and_ack(SRC_LVL, &held, &on, &acked);
	assert_int_equal(held, NOTHING);
	assert_true(on);
	assert_int_equal(acked, SRC_LVL);
}

static void trigger_marks_stay_within_the_sources(void **state)
{
	(void)state;
	plic_with(true);
	/* Told level again: completed at the ack like any other. */
	plic_set_trigger(SRC_EDGE, false, true);
	assert_false(plic_completes_at_claim(SRC_EDGE));
	/* Source 0 and sources the PLIC lacks are never marked. */
	plic_set_trigger(0, true, true);
	plic_set_trigger(NDEV + 1, true, true);
	plic_set_trigger(5000, true, true);
	assert_false(plic_completes_at_claim(0));
	assert_false(plic_completes_at_claim(NDEV + 1));
	assert_false(plic_completes_at_claim(5000));
	plic_set_trigger(NDEV, true, true);
	assert_true(plic_completes_at_claim(NDEV));
	/* A new attach (boot) forgets every mark. */
	plic_src_attach(prio, en, &claim, NDEV);
	assert_false(plic_completes_at_claim(NDEV));
}

/* A second hart's context (index 1) on the fake: its own enable words
 * and claim register. Hart index 2 has none (a hart the tree gives no
 * S-mode context). */
static uint32_t en1[32];
static volatile uint32_t claim1;

static bool enabled1(uint32_t src)
{
	return en1[src / 32] >> (src % 32) & 1;
}

static void plic_two_harts(void)
{
	plic_with(false);
	memset(en1, 0, sizeof(en1));
	claim1 = NOTHING;
	assert_true(plic_hart_attach(1, en1, &claim1));
}

static void a_routed_source_is_enabled_on_its_holders_hart_only(void **state)
{
	(void)state;
	plic_two_harts();
	assert_int_equal(plic_routed_to(SRC_LVL), 0);
	assert_int_equal(plic_route(SRC_LVL, 1), 1);
	assert_false(enabled(SRC_LVL)); /* moved, not copied */
	assert_true(enabled1(SRC_LVL));
	assert_true(plic_enabled_on(SRC_LVL, 1));
	assert_false(plic_enabled_on(SRC_LVL, 0));
	/* The others stay where they were. */
	assert_true(enabled(SRC_EDGE));
	assert_false(enabled1(SRC_EDGE));
	/* Disable and enable act on the routed context. */
	plic_disable(SRC_LVL);
	assert_false(enabled1(SRC_LVL));
	assert_false(enabled(SRC_LVL));
	plic_enable(SRC_LVL);
	assert_true(enabled1(SRC_LVL));
	assert_false(enabled(SRC_LVL));
	/* And back. */
	assert_int_equal(plic_route(SRC_LVL, 0), 0);
	assert_true(enabled(SRC_LVL));
	assert_false(enabled1(SRC_LVL));
}

static void a_disabled_source_moves_disabled(void **state)
{
	(void)state;
	plic_two_harts();
	plic_disable(SRC_LVL);
	plic_route(SRC_LVL, 1);
	assert_false(enabled(SRC_LVL));
	assert_false(enabled1(SRC_LVL));
	plic_enable(SRC_LVL); /* irq_cap_bind: route, then enable */
	assert_true(enabled1(SRC_LVL));
	assert_false(enabled(SRC_LVL));
}

static void a_claim_is_completed_on_the_context_it_is_enabled_in(void **state)
{
	(void)state;
	plic_two_harts();
	plic_route(SRC_LVL, 1);
	claim1 = 0;
	claim = 0;
	plic_complete(SRC_LVL);
	assert_int_equal(claim1, SRC_LVL);
	assert_int_equal(claim, 0);
	plic_complete(SRC_EDGE);
	assert_int_equal(claim, SRC_EDGE);
	/* Claims read each hart's own register. */
	claim1 = SRC_LVL;
	claim = SRC_EDGE;
	assert_int_equal(plic_claim_on(1), SRC_LVL);
	assert_int_equal(plic_claim_on(0), SRC_EDGE);
	assert_int_equal(plic_claim_on(2), 0); /* no context */
	/* Each claim is counted for the hart that made it, nothing for
	 * none. */
	assert_int_equal(plic_claims_on(1), 1);
	assert_int_equal(plic_claims_on(0), 1);
	assert_int_equal(plic_claims_on(2), 0);
	claim1 = 0;
	assert_int_equal(plic_claim_on(1), 0);
	assert_int_equal(plic_claims_on(1), 1);
	assert_int_equal(plic_claims_on(PLIC_MAX_HARTS), 0);
}

static void
a_hart_without_a_context_leaves_sources_on_the_boot_hart(void **state)
{
	(void)state;
	plic_two_harts();
	assert_int_equal(plic_route(SRC_LVL, 2), 0);
	assert_int_equal(plic_route(SRC_LVL, PLIC_MAX_HARTS + 5), 0);
	assert_true(enabled(SRC_LVL));
	/* Sources the PLIC lacks are never routed. */
	assert_int_equal(plic_route(0, 1), 0);
	assert_int_equal(plic_route(NDEV + 1, 1), 0);
	assert_int_equal(plic_routed_to(NDEV + 1), 0);
	/* Index 0 and indices past the limit cannot be attached. */
	assert_false(plic_hart_attach(0, en1, &claim1));
	assert_false(plic_hart_attach(PLIC_MAX_HARTS, en1, &claim1));
	/* A new attach (boot) routes everything to the boot hart again. */
	plic_route(SRC_EDGE, 1);
	plic_src_attach(prio, en, &claim, NDEV);
	assert_int_equal(plic_routed_to(SRC_EDGE), 0);
	assert_int_equal(plic_claim_on(1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sifive_completes_every_source_at_the_ack),
		cmocka_unit_test(thead_completes_an_edge_source_at_the_claim),
		cmocka_unit_test(thead_holds_a_level_source_by_its_claim),
		cmocka_unit_test(trigger_marks_stay_within_the_sources),
		cmocka_unit_test(
			a_routed_source_is_enabled_on_its_holders_hart_only),
		cmocka_unit_test(a_disabled_source_moves_disabled),
		cmocka_unit_test(
			a_claim_is_completed_on_the_context_it_is_enabled_in),
		cmocka_unit_test(
			a_hart_without_a_context_leaves_sources_on_the_boot_hart),
	};

	return cmocka_run_group_tests_name("plic", tests, NULL, NULL);
}
