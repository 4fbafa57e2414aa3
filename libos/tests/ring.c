// SPDX-License-Identifier: MIT
/*
 * The submission ring (tests/qemu/test_ring.py): every error a direct
 * call gives, the same call gives through the ring (rc and a1); calls
 * that switch domains or restart are refused there (E_NOTSUP) and not
 * run; a hostile ring (tails out of range, entries and the kernel's head
 * rewritten between submits, the ring unmapped by one of its own entries)
 * runs nothing twice and nothing it should not; a submit of 256 maps
 * runs all of them across restarted pieces.
 */
#include <stdint.h>
#include <string.h>

#include <rivet/libos.h>
#include <rivet/ring.h>

#include "tests.h"
#include "testmem.h"

#define RVA 0x62000000UL /* mappings made by the cases, 4 KiB apart */
#define PG  4096UL
#define N   256
#define RW  (RIVET_CAP_R | RIVET_CAP_W)

/* The ring: RIVET_RING_BYTES(N) in frames of the role's own, page-aligned
 * (testmem_alloc, set by role_ring), its entries and completions. */
static unsigned char *ringmem;
static struct rivet_ring_head *h;
static struct rivet_ring_entry *ent;
static struct rivet_ring_done *cq;

/* A direct call with four arguments, any number. */
static struct rivet_ret direct(unsigned long nr, const unsigned long *a)
{
	register unsigned long a0 asm("a0") = a[0], a1 asm("a1") = a[1];
	register unsigned long a2 asm("a2") = a[2], a3 asm("a3") = a[3];
	register unsigned long a7 asm("a7") = nr;

	asm volatile("ecall"
		     : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a7)
		     :
		     : "memory", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a4",
		       "a5", "a6");
	return (struct rivet_ret){ (long)a0, a1 };
}

/* Queues one call; the caller submits. */
static void queue(unsigned long nr, const unsigned long *a)
{
	struct rivet_ring_entry *e = &ent[h->sq_tail % N];

	e->nr = nr;
	memcpy(e->args, a, sizeof(e->args));
	h->sq_tail++;
}

/* One call through the ring: its completion. */
static struct rivet_ring_done ring1(unsigned long nr, const unsigned long *a)
{
	unsigned long at = h->sq_tail % N;
	struct rivet_ret r;

	cq[at] = (struct rivet_ring_done){ 12345, 12345 };
	queue(nr, a);
	r = sys2_ring_submit(1);
	if (r.rc || r.val != 1)
		return (struct rivet_ring_done){ 777, r.val };
	return cq[at];
}

static unsigned long frame(void)
{
	return sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
}

static uint64_t mappings(void)
{
	return sys2_kstat(KSTAT_MY_MAPPINGS).val;
}

/* The call direct, then through the ring: same rc, same a1, and rc is
 * the error expected. */
static void same(const char *name, unsigned long nr, unsigned long a0,
		 unsigned long a1, unsigned long a2, unsigned long a3,
		 long want)
{
	unsigned long a[4] = { a0, a1, a2, a3 };
	struct rivet_ret d = direct(nr, a);
	struct rivet_ring_done r = ring1(nr, a);

	report(name, d.rc == want && r.rc == d.rc && r.val == d.val,
	       "direct %ld ring %ld", d.rc, r.rc);
}

static void same_errors(void)
{
	unsigned long f = frame(), g = frame(), ro, va = RVA;

	sys_map(g, RVA + PG, RW);
	ro = sys2_cap_derive(f, -1UL, RIVET_CAP_R, 0).val;
	same("ring_same_map_slot_past_space", SYS_map, 1UL << 40, va, RW, 0,
	     E_INVAL);
	same("ring_same_map_empty_slot", SYS_map, 900, va, RW, 0, E_NOENT);
	same("ring_same_map_domain_slot", SYS_map, RIVET_SLOT_SELF, va, 1, 0,
	     E_INVAL);
	same("ring_same_map_rights_write_only", SYS_map, f, va, 2, 0, E_INVAL);
	same("ring_same_map_rights_past_byte", SYS_map, f, va, 0x103, 0,
	     E_INVAL);
	same("ring_same_map_unaligned", SYS_map, f, va + 1, RW, 0, E_RANGE);
	same("ring_same_map_past_map_top", SYS_map, f, RIVET_MAP_TOP, RW, 0,
	     E_RANGE);
	same("ring_same_map_va_taken", SYS_map, f, RVA + PG, RW, 0, E_EXIST);
	same("ring_same_map_above_capability", SYS_map, ro, va, RW, 0, E_PERM);
	same("ring_same_unmap_no_mapping", SYS_unmap, f, va, 0, 0, E_NOENT);
	same("ring_same_unmap_bad_slot", SYS_unmap, 1UL << 40, va, 0, 0,
	     E_INVAL);
	same("ring_same_protect_bad_rights", SYS_protect, RVA + PG, 1, 2, 0,
	     E_INVAL);
	same("ring_same_protect_zero_pages", SYS_protect, RVA + PG, 0, 1, 0,
	     E_INVAL);
	same("ring_same_protect_too_many", SYS_protect, RVA + PG,
	     RIVET_PROTECT_MAX + 1, 1, 0, E_TOOBIG);
	same("ring_same_protect_unmapped", SYS_protect, RVA + 8 * PG, 1, 1, 0,
	     E_RANGE);
	same("ring_same_protect_above_mapping", SYS_protect, RVA + PG, 1, 5, 0,
	     E_PERM);
	same("ring_same_derive_bad_slot", SYS_cap_derive, 1UL << 40, -1UL, 1, 0,
	     E_INVAL);
	same("ring_same_derive_empty_slot", SYS_cap_derive, 901, -1UL, 1, 0,
	     E_NOENT);
	same("ring_same_cap_info_bad_what", SYS_cap_info, f, 999, 0, 0,
	     E_INVAL);
	/* The retired notify (4) and yield (2) by id: no such call. */
	same("ring_same_retired_notify", 4, rivet_info()->domain_id, 1, 0, 0,
	     E_NOSYS);
	same("ring_same_retired_yield", 2, rivet_info()->domain_id, 0, 0, 0,
	     E_NOSYS);
	same("ring_same_kstat_unknown", SYS_kstat, 999, 0, 0, 0, E_INVAL);
	same("ring_same_irq_ack_bad_slot", SYS_irq_ack, 1UL << 40, 0, 0, 0,
	     E_INVAL);
	same("ring_same_irq_ack_empty_slot", SYS_irq_ack, 902, 0, 0, 0,
	     E_NOENT);
	same("ring_same_timer_event_bad_bit", SYS_timer_event, 1, 60, 0, 0,
	     E_INVAL);
	same("ring_same_alloc_map_bad_rights", SYS_frame_alloc_map, va, 2, 0, 0,
	     E_INVAL);
	same("ring_same_alloc_map_taken", SYS_frame_alloc_map, RVA + PG, RW, 0,
	     0, E_EXIST);
	same("ring_same_no_such_call", 40, 0, 0, 0, 0, E_NOSYS);
	same("ring_same_huge_call_number", -1UL, 0, 0, 0, 0, E_NOSYS);
	same("ring_same_kstat_value", SYS_kstat, KSTAT_MY_QUOTA, 0, 0, 0, 0);
}

/* Calls the ring does not run: refused, and not run (the domain is
 * still here after exit; nothing was deleted, yielded or mapped). */
static void refused_calls(void)
{
	static const struct {
		const char *name;
		unsigned long nr;
	} c[] = {
		{ "ring_refuses_wait", SYS_wait },
		{ "ring_refuses_exit", SYS_exit },
		{ "ring_refuses_fp_enable", SYS_fp_enable },
		{ "ring_refuses_notify_cap", SYS_notify_cap },
		{ "ring_refuses_yield_cap", SYS_yield_cap },
		{ "ring_refuses_notify_wait", SYS_notify_wait },
		{ "ring_refuses_map_batch", SYS_map_batch },
		{ "ring_refuses_cap_delete", SYS_cap_delete },
		{ "ring_refuses_cap_revoke", SYS_cap_revoke },
		{ "ring_refuses_frame_alloc", SYS_frame_alloc },
		{ "ring_refuses_debug_write", SYS_debug_write },
		{ "ring_refuses_ring_submit", SYS_ring_submit },
		{ "ring_refuses_ring_setup", SYS_ring_setup },
	};
	unsigned long f = frame();
	uint64_t slots = sys2_kstat(KSTAT_MY_SLOTS).val;

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unsigned long a[4] = { f, 1, 1, 0 };
		struct rivet_ring_done r = ring1(c[i].nr, a);

		report(c[i].name, r.rc == E_NOTSUP && r.val == 0, "rc %ld",
		       r.rc, 0);
	}
	EXPECT_EQ("ring_refused_ran_nothing", sys2_kstat(KSTAT_MY_SLOTS).val,
		  slots);
}

static void works(void)
{
	unsigned long f = frame(), a[4] = { 0 };
	struct rivet_ring_done r;

	a[0] = f;
	a[1] = RVA + 16 * PG;
	a[2] = RW;
	r = ring1(SYS_map, a);
	EXPECT_EQ("ring_map_maps", r.rc, 0);
	report("ring_map_pte", (rivet_pte(RVA + 16 * PG) & 0xf) == 0x7,
	       "pte 0x%lx", (long)rivet_pte(RVA + 16 * PG), 0);
	*(volatile unsigned long *)(RVA + 16 * PG) = 42;
	a[1] = -1UL;
	a[2] = RIVET_CAP_R;
	r = ring1(SYS_cap_derive, a);
	report("ring_derive_gives_slot",
	       !r.rc && (sys2_cap_info(r.val, RIVET_CAPINFO_TYPE).val >> 8 &
			 0xff) == RIVET_CAP_R,
	       "rc %ld slot %ld", r.rc, (long)r.val);
	a[0] = RVA + 16 * PG;
	a[1] = 1;
	a[2] = RIVET_CAP_R;
	r = ring1(SYS_protect, a);
	report("ring_protect_read_only",
	       !r.rc && (rivet_pte(RVA + 16 * PG) & 0xf) == 0x3, "rc %ld", r.rc,
	       0);
	a[0] = f;
	a[1] = RVA + 16 * PG;
	r = ring1(SYS_unmap, a);
	report("ring_unmap_unmaps", !r.rc && !rivet_pte(RVA + 16 * PG),
	       "rc %ld", r.rc, 0);
	EXPECT_EQ("ring_sq_head_written", h->sq_head, h->sq_tail);
}

static void hostile(void)
{
	unsigned long f = frame(), a[4] = { f, RVA + 20 * PG, RW, 0 };
	unsigned long tail = h->sq_tail;
	uint64_t before = mappings();
	struct rivet_ret r;

	ent[tail % N] = (struct rivet_ring_entry){ SYS_map, { f, a[1], RW } };
	h->sq_tail = tail + N + 1;
	r = sys2_ring_submit(N);
	report("ring_tail_past_ring_refused",
	       r.rc == E_RANGE && r.val == 0 && mappings() == before,
	       "rc %ld n %ld", r.rc, (long)r.val);
	h->sq_tail = tail - 1;
	r = sys2_ring_submit(N);
	report("ring_tail_behind_head_refused",
	       r.rc == E_RANGE && r.val == 0 && mappings() == before,
	       "rc %ld n %ld", r.rc, (long)r.val);
	h->sq_tail = ~0UL;
	r = sys2_ring_submit(N);
	report("ring_tail_garbage_refused", r.rc == E_RANGE && r.val == 0,
	       "rc %ld n %ld", r.rc, (long)r.val);
	h->sq_head = 12345; /* the kernel does not read it */
	h->sq_tail = tail + 1;
	r = sys2_ring_submit(N);
	report("ring_map_once", !r.rc && r.val == 1 && mappings() == before + 1,
	       "rc %ld n %ld", r.rc, (long)r.val);
	EXPECT_EQ("ring_head_garbage_rewritten", h->sq_head, tail + 1);
	/* Rewritten after it ran, submitted again: nothing to run. */
	ent[tail % N].args[1] = RVA + 21 * PG;
	h->sq_head = tail - 5;
	r = sys2_ring_submit(N);
	report("ring_rewritten_entry_not_rerun",
	       !r.rc && r.val == 0 && !rivet_pte(RVA + 21 * PG) &&
		       mappings() == before + 1,
	       "rc %ld n %ld", r.rc, (long)r.val);
	/* Queued again on purpose: a new request, refused like map. */
	ent[(tail + 1) % N] = ent[tail % N];
	ent[(tail + 1) % N].args[1] = RVA + 20 * PG;
	h->sq_tail = tail + 2;
	r = sys2_ring_submit(N);
	report("ring_resubmitted_entry_is_new_call",
	       !r.rc && r.val == 1 && cq[(tail + 1) % N].rc == E_EXIST,
	       "rc %ld n %ld", r.rc, (long)r.val);
	EXPECT_EQ("ring_submit_max_zero", sys2_ring_submit(0).rc, E_INVAL);
	EXPECT_EQ("ring_submit_empty", sys2_ring_submit(N).val, 0);
}

/* A one-page ring in a frame of its own, whose entry unmaps it: the call
 * runs, its completion cannot be posted: E_RANGE; submitted again, the
 * ring is still gone: E_RANGE, and the unmap is not run twice. */
static void unmapped_by_own_entry(void)
{
	unsigned long f = frame(), va = RVA + 40 * PG;
	struct rivet_ring_head *h1 = (struct rivet_ring_head *)va;
	struct rivet_ring_entry *e1 =
		(struct rivet_ring_entry *)(va + RIVET_RING_ENTRIES_OFF);
	struct rivet_ret r;

	sys_map(f, va, RW);
	EXPECT_EQ("ring_setup_small", sys_ring_setup(h1, 16), 0);
	e1[0] = (struct rivet_ring_entry){ SYS_unmap, { f, va } };
	e1[1] = (struct rivet_ring_entry){ SYS_null };
	h1->sq_tail = 2;
	r = sys2_ring_submit(16);
	report("ring_unmapped_by_own_entry", r.rc == E_RANGE && !rivet_pte(va),
	       "rc %ld n %ld", r.rc, (long)r.val);
	EXPECT_EQ("ring_unmapped_submit_again", sys2_ring_submit(16).rc,
		  E_RANGE);
}

/* 256 maps in one submit: all run, over restarted pieces. */
static void many(void)
{
	unsigned long slots[N];
	uint64_t before = mappings();
	struct rivet_ret r;
	unsigned i, ok = 1;

	for (i = 0; i < N; i++) {
		unsigned long a[4] = { slots[i] = frame(),
				       0x64000000UL + i * PG, RW, 0 };

		queue(SYS_map, a);
	}
	r = sys2_ring_submit(N);
	for (i = 0; i < N; i++)
		ok &= cq[(h->sq_tail - N + i) % N].rc == 0 &&
		      (rivet_pte(0x64000000UL + i * PG) & 0xf) == 0x7;
	report("ring_256_maps_one_submit",
	       !r.rc && r.val == N && ok && mappings() == before + N,
	       "rc %ld n %ld", r.rc, (long)r.val);
}

static void role_ring(void)
{
	ringmem = testmem_alloc("ring_buffer", RIVET_RING_BYTES(N));
	if (!ringmem)
		return;
	h = (struct rivet_ring_head *)ringmem;
	ent = (struct rivet_ring_entry *)(ringmem + RIVET_RING_ENTRIES_OFF);
	cq = (struct rivet_ring_done *)(ringmem + RIVET_RING_DONE_OFF(N));
	EXPECT_EQ("ring_submit_without_ring", sys2_ring_submit(1).rc, E_NOENT);
	EXPECT_EQ("ring_setup_zero_entries", sys_ring_setup(h, 0), E_INVAL);
	EXPECT_EQ("ring_setup_not_power_of_two", sys_ring_setup(h, 3), E_INVAL);
	EXPECT_EQ("ring_setup_too_many", sys_ring_setup(h, 2 * N), E_INVAL);
	EXPECT_EQ("ring_setup_unaligned",
		  sys_ring_setup((struct rivet_ring_head *)(ringmem + 8), 16),
		  E_RANGE);
	EXPECT_EQ("ring_setup_unmapped",
		  sys_ring_setup((struct rivet_ring_head *)0x6f000000UL, 16),
		  E_RANGE);
	EXPECT_EQ("ring_setup_runs_off_memory",
		  sys_ring_setup((struct rivet_ring_head *)(0x6f000000UL - PG),
				 N),
		  E_RANGE);
	h->sq_tail = 99;
	EXPECT_EQ("ring_setup", sys_ring_setup(h, N), 0);
	EXPECT_EQ("ring_setup_zeroes_header", h->sq_tail, 0);
	same_errors();
	refused_calls();
	works();
	hostile();
	many();
	unmapped_by_own_entry();
	EXPECT_EQ("ring_setup_none", sys_ring_setup(0, 0), 0);
	EXPECT_EQ("ring_none_submit", sys2_ring_submit(1).rc, E_NOENT);
}

const struct role ring_roles[] = {
	{ "t_ring", role_ring },
	{ 0 },
};
