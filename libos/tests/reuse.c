// SPDX-License-Identifier: MIT
/*
 * Unzeroed reuse (tests/qemu/test_zeroed.py, frame_alloc with
 * RIVET_FRAME_REUSE): a domain gets back, unzeroed, a frame it freed
 * itself and nobody took since, and never a frame holding another
 * domain's bytes. The owner writes a pattern, frees, and takes its frame
 * back; the other domain asks for reuse with an empty history, then takes
 * the owner's freed frame by name (zeroed), writes its own pattern in it
 * and frees it: the owner's reuse must then not hand it that frame's
 * bytes. Neither side sleeps while a frame should stay as freed: an idle
 * hart would zero it into the pool (then reuse gives a zeroed frame).
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>

#include "tests.h"

#define VA	  0x4c000000UL
#define PAT_OWNER 0x5a
#define PAT_OTHER 0xc3
#define FREED_MAX 16 /* DOMAIN_FREED_MAX: the kernel's history */
#define RW	  (RIVET_CAP_R | RIVET_CAP_W)

/* Channel page words. */
enum {
	W_STEP,
	W_PA
};

enum {
	S_READY = 1, /* other: its tables made, its first frame taken */
	S_FREED,     /* owner: its frame at W_PA is freed, pattern inside */
	S_DIRTIED,   /* other: took it by name, wrote, freed it */
};

static volatile uint64_t *word(unsigned i)
{
	return (volatile uint64_t *)(uintptr_t)rivet_info()->channels[0].va + i;
}

static void await_step(uint64_t step)
{
	while (*word(W_STEP) != step)
		sys_yield_cap(RIVET_YIELD_ANY);
}

static void fill(uint64_t va, uint8_t pat)
{
	volatile uint8_t *p = (volatile uint8_t *)va;
	unsigned i;

	for (i = 0; i < 4096; i++)
		p[i] = pat;
}

/* How many bytes of the page at va are pat. */
static unsigned count(uint64_t va, uint8_t pat)
{
	const volatile uint8_t *p = (const volatile uint8_t *)va;
	unsigned i, n = 0;

	for (i = 0; i < 4096; i++)
		n += p[i] == pat;
	return n;
}

static uint64_t pa_of(uint64_t slot)
{
	return sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val;
}

/* A frame through frame_alloc(paddr), mapped at va: its slot, or ~0. */
static uint64_t take_map(unsigned long paddr, uint64_t va)
{
	struct rivet_ret r = sys2_frame_alloc(paddr, 1, 1);

	if (r.rc || sys_map(r.val, va, RW))
		return ~0UL;
	return r.val;
}

/* A written frame, mapped at va and then freed: its physical address. */
static uint64_t write_and_free(uint64_t va, uint8_t pat)
{
	uint64_t slot = take_map(RIVET_FRAME_ANY, va), pa;

	if (slot == ~0UL)
		return 0;
	fill(va, pat);
	pa = pa_of(slot);
	return sys_cap_delete(slot) ? 0 : pa;
}

static void role_reuse_owner(void)
{
	uint64_t pa, slot, mine, before, held[FREED_MAX + 4];
	unsigned i, ok;

	EXPECT_EQ("reuse_many_pages_refused",
		  sys2_frame_alloc(RIVET_FRAME_REUSE, 2, 1).rc, E_INVAL);
	EXPECT_EQ("reuse_aligned_refused",
		  sys2_frame_alloc(RIVET_FRAME_REUSE, 1, 2).rc, E_INVAL);

	/* Its own frame, back as it left it, and charged again. */
	pa = write_and_free(VA, PAT_OWNER);
	before = sys2_kstat(KSTAT_MY_FRAMES).val;
	slot = take_map(RIVET_FRAME_REUSE, VA + 4096);
	report("reuse_gives_own_frame_back_unzeroed",
	       slot != ~0UL && pa_of(slot) == pa &&
		       count(VA + 4096, PAT_OWNER) == 4096,
	       "pa %lx", (long)pa, 0);
	EXPECT_EQ("reuse_charges_the_quota",
		  sys2_kstat(KSTAT_MY_FRAMES).val - before, 1);
	sys_cap_delete(slot);

	/* The history holds the last 16 frees: each one comes back once,
	 * newest first, and then reuse falls back to a zeroed frame. */
	for (i = 0, ok = 0; i < FREED_MAX + 4; i++) { /* all held: */
		held[i] = take_map(RIVET_FRAME_ANY, VA + i * 4096UL);
		fill(VA + i * 4096UL, (uint8_t)(0x10 + i)); /* distinct */
	}
	for (i = 0; i < FREED_MAX + 4; i++)
		ok += held[i] != ~0UL && !sys_cap_delete(held[i]);
	for (i = FREED_MAX + 4; i-- > 4;) {
		slot = take_map(RIVET_FRAME_REUSE, VA + 0x100000 + i * 4096UL);
		ok += slot != ~0UL && count(VA + 0x100000 + i * 4096UL,
					    (uint8_t)(0x10 + i)) == 4096;
	}
	EXPECT_EQ("reuse_history_newest_16_back_in_order", ok,
		  2 * FREED_MAX + 4);
	slot = take_map(RIVET_FRAME_REUSE, VA + 0x200000);
	EXPECT_EQ("reuse_with_no_history_gives_a_zeroed_frame",
		  slot != ~0UL ? count(VA + 0x200000, 0) : 0, 4096);

	/* A frame the other domain took and wrote since: not given back. The
	 * other's tables come first, or they would take the frame. */
	await_step(S_READY);
	pa = write_and_free(VA + 0x300000, PAT_OWNER);
	*word(W_PA) = pa;
	*word(W_STEP) = S_FREED;
	await_step(S_DIRTIED);
	slot = take_map(RIVET_FRAME_REUSE, VA + 0x301000);
	mine = slot != ~0UL ? pa_of(slot) : 0;
	report("reuse_never_gives_another_domains_bytes",
	       slot != ~0UL && mine != pa && count(VA + 0x301000, 0) == 4096,
	       "pa %lx", (long)mine, 0);
}

static void role_reuse_other(void)
{
	uint64_t pa, slot;

	/* Nothing freed yet: a zeroed frame, like RIVET_FRAME_ANY. */
	slot = take_map(RIVET_FRAME_REUSE, VA);
	EXPECT_EQ("reuse_first_call_gives_a_zeroed_frame",
		  slot != ~0UL ? count(VA, 0) : 0, 4096);
	*word(W_STEP) = S_READY;
	await_step(S_FREED);
	pa = *word(W_PA);
	slot = take_map(pa, VA + 4096);
	report("reuse_others_frame_by_name_zeroed",
	       slot != ~0UL && count(VA + 4096, 0) == 4096, "pa %lx slot %ld",
	       (long)pa, (long)slot);
	fill(VA + 4096, PAT_OTHER);
	EXPECT_EQ("reuse_other_freed_it", sys_cap_delete(slot), 0);
	*word(W_STEP) = S_DIRTIED;
}

const struct role reuse_roles[] = {
	{ "t_reuse_owner", role_reuse_owner },
	{ "t_reuse_other", role_reuse_other },
	{ 0 },
};
