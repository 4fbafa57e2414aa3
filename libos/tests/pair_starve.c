// SPDX-License-Identifier: MIT
/*
 * Can two domains keep the CPU from a third by handing it to each other
 * (tests/qemu/test_pair_starve.py)? t_pair_a and t_pair_b compute and
 * answer every slice-end upcall with a directed yield to the other,
 * never to the run queue. A directed yield gives the target the rest of
 * the caller's slice; once that slice has ended (the caller is in its
 * grace period), "the rest" is nothing, and the target must not be
 * given a fresh notice and grace period of its own in its place, or the
 * pair passes the CPU back and forth for ever and t_pair_victim, queued
 * behind them, never runs.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/libos.h>
#include <rivet/testreport.h>

#include "tests.h"

extern char rivet_exc_entry[];
extern char rivet_upcall_resume[], rivet_upcall_resume_end[];

/* The slot of the notification capability for the partner (its
 * `notify =` line) and the slice-end upcalls taken, for the entry. */
uint64_t pair_partner, pair_upcalls;
const uint64_t pair_upcall_va = RIVET_UPCALL_VA;

#define PAIR_UPCALLS 40 /* slice-end upcalls each of the pair takes */

void pair_done(void);

/*
 * The attacker's slice-end entry: it never goes back to the interrupted
 * code. It leaves the upcall at once (in_upcall = 0, so the kernel may
 * tell it again) and yields to the partner, again and again. After
 * PAIR_UPCALLS upcalls, or once the partner has ended (the yield is
 * refused), it reports (pair_done, on the interrupted code's stack,
 * which it leaves for good).
 */
__asm__(".pushsection .text.pair_entry, \"ax\"\n"
	".balign 4\n"
	".globl pair_slice_end\n"
	"pair_slice_end:\n"
	"	lla	t0, pair_upcalls\n"
	"	ld	t1, 0(t0)\n"
	"	addi	t1, t1, 1\n"
	"	sd	t1, 0(t0)\n"
	"	li	t0, 40\n" /* PAIR_UPCALLS */
	"	bgeu	t1, t0, 3f\n"
	"1:	lla	gp, pair_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	sd	zero, 0(gp)\n" /* in_upcall */
	"	lla	a0, pair_partner\n"
	"	ld	a0, 0(a0)\n"
	"	li	a7, 26\n" /* SYS_yield_cap */
	"	ecall\n"
	"	beqz	a0, 1b\n" /* refused: the partner ended */
	"3:	lla	gp, pair_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	sd	zero, 0(gp)\n" /* in_upcall */
	"	call	pair_done\n"
	".popsection\n");

/*
 * The same through a handoff channel (t_hpair_a, t_hpair_b): the loop
 * is notify_wait on the channel (wake the partner, sleep until it
 * answers), which hands the CPU to the partner it wakes; the roles run
 * it from the start, and each slice-end upcall (hpair_upcall) leaves the
 * upcall and goes back to it.
 */
uint64_t hpair_slot, hpair_mask;

__asm__(".pushsection .text.pair_entry, \"ax\"\n"
	".balign 4\n"
	".globl hpair_slice_end\n"
	"hpair_slice_end:\n"
	"	call	hpair_upcall\n"
	".globl hpair_loop\n"
	"hpair_loop:\n"
	"	lla	gp, pair_upcall_va\n"
	"	ld	gp, 0(gp)\n"
	"	sd	zero, 0(gp)\n" /* in_upcall */
	"	lla	a0, hpair_slot\n"
	"	ld	a0, 0(a0)\n"
	"	li	a1, 0\n" /* the badge */
	"	lla	a2, hpair_mask\n"
	"	ld	a2, 0(a2)\n"
	"	li	a7, 27\n" /* SYS_notify_wait */
	"	ecall\n"
	"	beqz	a0, hpair_loop\n"
	"	call	pair_done\n" /* refused: the partner ended */
	".popsection\n");

extern char pair_slice_end[], hpair_slice_end[];
__attribute__((noreturn)) void hpair_loop(void);
void hpair_upcall(void);

static long victim_id;

/* Reached from the entry only; the role's main loop is left behind. */
void pair_done(void)
{
	uint32_t state = rivet_domain_state(victim_id);

	static const char *const name[] = { "pair_a_lets_the_victim_run",
					    "pair_b_lets_the_victim_run",
					    "hpair_a_lets_the_victim_run",
					    "hpair_b_lets_the_victim_run" };
	const char *me = rivet_info()->name;

	report(name[(me[2] == 'h') * 2 + (me[me[2] == 'h' ? 8 : 7] == 'b')],
	       state == RIVET_DOMAIN_EXITED || state == RIVET_DOMAIN_ENDING,
	       "victim state %ld after %ld upcalls", (long)state,
	       (long)pair_upcalls);
	rivet_exit(0);
}

static void pair(const char *partner)
{
	_Static_assert(SYS_yield_cap == 26 && UPCALL_IN_UPCALL == 0 &&
			       PAIR_UPCALLS == 40,
		       "pair_slice_end's constants");

	victim_id = rivet_domain_lookup("t_pair_victim");
	pair_partner = (uint64_t)rivet_notify_slot(partner);
	EXPECT_EQ("pair_entry_set",
		  sys_upcall_set((unsigned long)rivet_exc_entry,
				 (unsigned long)pair_slice_end,
				 (unsigned long)rivet_upcall_resume,
				 (unsigned long)rivet_upcall_resume_end),
		  0);
	/* Both entries in place before either computes: a yields to b,
	 * which sets its own and yields back (the victim still queued). */
	sys_yield_cap(pair_partner);
	for (;;) /* until the first slice-end upcall, never to return */
		;
}

static uint64_t hpair_until; /* rivet_now() at which the pair may stop */

/* A slice-end upcall taken: enough of them, and the victim has long
 * been runnable (it sleeps 5 ms first)? Then report. */
void hpair_upcall(void)
{
	if (++pair_upcalls >= PAIR_UPCALLS && rivet_now() >= hpair_until)
		pair_done();
}

/* b sleeps first, so that a's first notify_wait hands off, and from
 * then on each one: the partner always waits, the caller's bit is
 * always taken. */
static void hpair(void)
{
	_Static_assert(SYS_notify_wait == 27, "hpair_loop's a7");

	victim_id = rivet_domain_lookup("t_hpair_victim");
	hpair_until = rivet_now() + rivet_info()->timebase_hz / 50; /* 20 ms */
	hpair_slot = rivet_info()->channels[0].notify_slot;
	hpair_mask = 1UL << rivet_info()->channels[0].bit | RIVET_EVENT_CHANNEL;
	EXPECT_EQ("hpair_hands_off", rivet_info()->channels[0].handoff, 1);
	EXPECT_EQ("hpair_entry_set",
		  sys_upcall_set((unsigned long)rivet_exc_entry,
				 (unsigned long)hpair_slice_end,
				 (unsigned long)rivet_upcall_resume,
				 (unsigned long)rivet_upcall_resume_end),
		  0);
	if (rivet_info()->name[8] == 'b')
		sys_wait(hpair_mask);
	hpair_loop();
}

/* Comes in behind the pair, once its handoffs have begun. */
static void role_hpair_victim(void)
{
	rivet_sleep_us(5000);
	report("hpair_victim_ran", 1, "", 0, 0);
}

static void role_pair_a(void)
{
	pair("t_pair_b");
}

static void role_pair_b(void)
{
	pair("t_pair_a");
}

/* Queued behind the pair: runs once, and ends. */
static void role_pair_victim(void)
{
	report("pair_victim_ran", 1, "", 0, 0);
}

const struct role pair_starve_roles[] = {
	{ "t_pair_a", role_pair_a },
	{ "t_pair_b", role_pair_b },
	{ "t_pair_victim", role_pair_victim },
	{ "t_hpair_a", hpair },
	{ "t_hpair_b", hpair },
	{ "t_hpair_victim", role_hpair_victim },
	{ 0 },
};
