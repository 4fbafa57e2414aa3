// SPDX-License-Identifier: MIT
/*
 * notify_cap, notify_wait and yield_cap through each case of their fast path
 * (arch/riscv/notify_fast.S) and its C twin (kernel/cap/notify_cap.c):
 * the roles behind tests/qemu/test_notify_fast.py, which runs them on
 * the fast and the slow kernel. The configuration there:
 *
 *   [channel t_nfast_a t_nfast_b]  size 4K, handoff = t_nfast_a: a's
 *                                  notifies hand off, b's do not
 *
 * One hart, file order: a runs first and drives; b does what the
 * command word of the shared page says each time it runs. Every call is
 * made through callregs_ecall, so each case also checks which registers
 * the call keeps: all but a0/a1 when the caller goes on, what a call
 * keeps when it is switched away (docs/syscalls.md).
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "tests.h"

#define ALL_BUT_A0_A1 (~0L)
#define A_BIT                                                                  \
	(1UL << 2) /* in CALLREGS_A2: what b sets in a, by
				    its `notify = t_nfast_a 2` line */

enum word {
	W_CMD,	  /* a: what b does next (C_*) */
	W_B_RUNS, /* b: times it ran after a wait or a yield */
	W_A_RAN,  /* a: times it ran after b's notify (no handoff) */
};

enum cmd {
	C_WAIT,	    /* sleep on the channel bit */
	C_YIELD,    /* yield to anyone: stay runnable */
	C_NOTIFY_A, /* set A_BIT in a (by id), then C_WAIT */
	C_B_NOTIFY, /* notify a through b's capability (no handoff) */
	C_STOP,
};

static volatile uint64_t *page(void)
{
	return (volatile uint64_t *)(uintptr_t)rivet_info()->channels[0].va;
}

static unsigned long chan_bit(void)
{
	return 1UL << rivet_info()->channels[0].bit;
}

/* The call through callregs_ecall: reports name (the registers keep
 * kept) and name_result (a0, a1). */
static void call(const char *name, long nr, long slot, long bits, long keep,
		 long want_a0, unsigned long want_a1)
{
	long ret[2] = { 0x1111, 0x2222 };
	long changed = callregs_ecall(nr, slot, ret, bits) & keep;
	char line[64];

	report(name, !changed, "registers changed: mask 0x%lx (a0 %ld)",
	       changed, ret[0]);
	snprintf(line, sizeof(line), "%s_result", name);
	report(line, ret[0] == want_a0 && (unsigned long)ret[1] == want_a1,
	       "a0 %ld, a1 %ld", ret[0], ret[1]);
}

/* Lets b run until it sleeps or yields (it is the only other domain). */
static void let_b_run(void)
{
	sys_yield_cap(RIVET_YIELD_ANY);
}

/* Every refusal: decoded by the C path whichever kernel runs, nothing
 * changed (b, asleep, is not woken). */
static void refusals(unsigned long ns)
{
	uint64_t runs = page()[W_B_RUNS];
	unsigned long frame = rivet_info()->channels[0].frame_slot;
	unsigned long empty = 1;
	struct rivet_ret r;

	while (!sys2_cap_info(empty, RIVET_CAPINFO_TYPE).rc)
		empty++;
	EXPECT_EQ("nfast_slot_over_32_bits", sys_notify_cap(1UL << 32 | ns, 0),
		  E_INVAL);
	EXPECT_EQ("nfast_slot_past_the_space", sys_notify_cap(100000, 0),
		  E_INVAL);
	EXPECT_EQ("nfast_empty_slot", sys_notify_cap(empty, 0), E_NOENT);
	EXPECT_EQ("nfast_domain_capability", sys_notify_cap(0, 0), E_INVAL);
	EXPECT_EQ("nfast_frame_capability", sys_notify_cap(frame, 0), E_INVAL);
	EXPECT_EQ("nfast_bits_outside_badge", sys_notify_cap(ns, A_BIT),
		  E_PERM);
	EXPECT_EQ("nfast_wait_bits_outside_badge",
		  sys_notify_wait(ns, chan_bit() | A_BIT, A_BIT), E_PERM);
	EXPECT_EQ("nfast_wait_empty_mask", sys_notify_wait(ns, 0, 0), E_INVAL);
	EXPECT_EQ("nfast_wait_empty_slot", sys_notify_wait(empty, 0, A_BIT),
		  E_NOENT);
	EXPECT_EQ("nfast_yield_cap_empty_slot", sys_yield_cap(empty), E_NOENT);
	EXPECT_EQ("nfast_yield_cap_frame_capability", sys_yield_cap(frame),
		  E_INVAL);
	EXPECT_EQ("nfast_yield_cap_waiting_peer", sys_yield_cap(ns), E_BUSY);
	r = sys2_cap_derive(ns, ~0UL, RIVET_CAP_GRANT, 0);
	EXPECT_EQ("nfast_copy_without_w", r.rc, 0);
	EXPECT_EQ("nfast_copy_without_w_notify", sys_notify_cap(r.val, 0),
		  E_PERM);
	EXPECT_EQ("nfast_copy_without_w_notify_wait",
		  sys_notify_wait(r.val, 0, A_BIT), E_PERM);
	EXPECT_EQ("nfast_copy_without_w_yield_cap", sys_yield_cap(r.val),
		  E_PERM);
	EXPECT_EQ("nfast_refusals_woke_nobody", page()[W_B_RUNS], runs);
}

static void role_nfast_a(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;
	volatile uint64_t *w = page();
	uint64_t runs;

	EXPECT_EQ("nfast_a_channel_up", rivet_info()->channels[0].state,
		  RIVET_CHAN_UP);
	EXPECT_EQ("nfast_a_hands_off", rivet_info()->channels[0].handoff, 1);
	w[W_CMD] = C_WAIT;
	let_b_run(); /* b sleeps on the channel */
	refusals(ns);

	/* A handoff: b runs before notify_cap returns. */
	runs = w[W_B_RUNS];
	call("nfast_handoff", SYS_notify_cap, ns, 0, CALLREGS_CALLEE_SAVED, 0,
	     0);
	EXPECT_EQ("nfast_handoff_ran_the_peer_first", w[W_B_RUNS], runs + 1);

	/* b runnable: the signal alone, a goes on. */
	w[W_CMD] = C_YIELD;
	sys_notify_cap(ns, 0); /* b wakes, sees C_YIELD, yields back */
	runs = w[W_B_RUNS];
	call("nfast_notify_runnable_peer", SYS_notify_cap, ns, 0, ALL_BUT_A0_A1,
	     0, 0);
	EXPECT_EQ("nfast_notify_runnable_peer_no_switch", w[W_B_RUNS], runs);

	/* yield_cap to b, runnable: b runs (and yields back). */
	call("nfast_yield_cap", SYS_yield_cap, ns, 0, CALLREGS_CALLEE_SAVED, 0,
	     0);
	EXPECT_EQ("nfast_yield_cap_ran_the_peer", w[W_B_RUNS], runs + 1);
	runs = w[W_B_RUNS];

	/* A bit of the mask pending: notify_wait returns it at once. */
	rivet_notify_name("t_nfast_a", A_BIT); /* its `notify =` self line */
	call("nfast_wait_pending", SYS_notify_wait, ns, 0, ALL_BUT_A0_A1, 0,
	     A_BIT);
	EXPECT_EQ("nfast_wait_pending_no_switch", w[W_B_RUNS], runs);
	EXPECT_EQ("nfast_wait_pending_took_the_bit",
		  rivet_info()->pending & A_BIT, 0);

	/* notify_wait's handoff: a sleeps, b runs, sets A_BIT, sleeps. */
	w[W_CMD] = C_WAIT;
	let_b_run(); /* b takes its pending bit and sleeps again */
	w[W_CMD] = C_NOTIFY_A;
	runs = w[W_B_RUNS];
	call("nfast_wait_handoff", SYS_notify_wait, ns, 0,
	     CALLREGS_CALLEE_SAVED, 0, A_BIT);
	EXPECT_EQ("nfast_wait_handoff_ran_the_peer", w[W_B_RUNS], runs + 1);

	/* b's notify wakes a without a handoff: b goes on first. */
	w[W_CMD] = C_B_NOTIFY;
	sys2_notify_wait(ns, 0, chan_bit());
	w[W_A_RAN]++;

	w[W_CMD] = C_STOP;
	sys_notify_cap(ns, 0); /* b ends */
	EXPECT_EQ("nfast_dead_peer_notify", sys_notify_cap(ns, 0), E_NOENT);
	EXPECT_EQ("nfast_dead_peer_notify_wait", sys_notify_wait(ns, 0, A_BIT),
		  E_NOENT);
	EXPECT_EQ("nfast_dead_peer_yield_cap", sys_yield_cap(ns), E_NOENT);
}

static void role_nfast_b(void)
{
	unsigned long ns = rivet_info()->channels[0].notify_slot;
	volatile uint64_t *w = page();
	uint64_t a_ran;

	for (;;) {
		switch (w[W_CMD]) {
		case C_STOP:
			return;
		case C_YIELD:
			w[W_B_RUNS]++;
			sys_yield_cap(RIVET_YIELD_ANY);
			continue;
		case C_NOTIFY_A:
			w[W_CMD] = C_WAIT;
			rivet_notify_name("t_nfast_a", A_BIT);
			break;
		case C_B_NOTIFY:
			w[W_CMD] = C_WAIT;
			a_ran = w[W_A_RAN];
			call("nfast_no_handoff", SYS_notify_cap, ns, 0,
			     ALL_BUT_A0_A1, 0, 0);
			EXPECT_EQ("nfast_no_handoff_caller_goes_on", w[W_A_RAN],
				  a_ran);
			break;
		}
		sys2_wait(chan_bit());
		w[W_B_RUNS]++;
	}
}

/*
 * A handoff runs the woken peer before the run queue: h hands off to p
 * while q, which only yields, is queued. Another configuration:
 *
 *   [channel t_nfast_h t_nfast_p]  handoff = t_nfast_h
 *   [channel t_nfast_h t_nfast_q]  q notes when it first runs after h's
 *                                  call; p when it woke (rdinstret: one
 *                                  hart, one count)
 */
enum {
	P_WOKE,
	P_STOP
};
enum {
	Q_FIRST,
	Q_STOP
};

static volatile uint64_t *chan_page(unsigned i)
{
	return (volatile uint64_t *)(uintptr_t)rivet_info()->channels[i].va;
}

/* Did p run before q since h's call (q queued, p waiting before it)? */
static int peer_ran_first(void)
{
	volatile uint64_t *p = chan_page(0), *q = chan_page(1);

	return p[P_WOKE] && q[Q_FIRST] && p[P_WOKE] < q[Q_FIRST];
}

/* Until p sleeps on the channel, q queued behind this domain; then
 * forgets when p woke and q ran last. */
static void set_up_the_race(long p)
{
	while (rivet_domain_state(p) != RIVET_DOMAIN_WAITING)
		sys_yield_cap(RIVET_YIELD_ANY);
	chan_page(0)[P_WOKE] = 0;
	chan_page(1)[Q_FIRST] = 0;
}

static void role_nfast_h(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long ns = in->channels[0].notify_slot;
	unsigned long mine = 1UL << in->channels[0].bit;
	long p = rivet_domain_lookup("t_nfast_p");
	long q = rivet_domain_lookup("t_nfast_q");

	set_up_the_race(p);
	EXPECT_EQ("nfast_queue_notify_wait", sys_notify_wait(ns, 0, mine), 0);
	report("nfast_wait_handoff_runs_the_peer_before_the_queue",
	       peer_ran_first(), "q ran at %ld, p woke at %ld",
	       (long)chan_page(1)[Q_FIRST], (long)chan_page(0)[P_WOKE]);

	set_up_the_race(p);
	EXPECT_EQ("nfast_queue_notify", sys_notify_cap(ns, 0), 0);
	report("nfast_handoff_runs_the_peer_before_the_queue", peer_ran_first(),
	       "q ran at %ld, p woke at %ld", (long)chan_page(1)[Q_FIRST],
	       (long)chan_page(0)[P_WOKE]);
	sys2_wait(mine); /* p's answer, pending */

	chan_page(0)[P_STOP] = 1;
	sys_notify_cap(ns, 0);
	chan_page(1)[Q_STOP] = 1;
	/* q reads this domain's memory: it ends first */
	while (rivet_domain_alive(q))
		sys_yield_cap(RIVET_YIELD_ANY);
}

/* Notes when it woke, answers h (no handoff), sleeps again. */
static void role_nfast_p(void)
{
	const struct rivet_info *in = rivet_info();
	volatile uint64_t *w = chan_page(0);

	for (;;) {
		sys2_wait(1UL << in->channels[0].bit);
		w[P_WOKE] = rivet_instret();
		if (w[P_STOP])
			return;
		sys_notify_cap(in->channels[0].notify_slot, 0);
	}
}

/* Always runnable: notes its first run after h cleared the word. */
static void role_nfast_q(void)
{
	volatile uint64_t *w = chan_page(0);

	while (!w[Q_STOP]) {
		if (!w[Q_FIRST])
			w[Q_FIRST] = rivet_instret();
		sys_yield_cap(RIVET_YIELD_ANY);
	}
}

const struct role notify_fast_roles[] = {
	{ "t_nfast_a", role_nfast_a }, { "t_nfast_b", role_nfast_b },
	{ "t_nfast_h", role_nfast_h }, { "t_nfast_p", role_nfast_p },
	{ "t_nfast_q", role_nfast_q }, { 0 },
};
