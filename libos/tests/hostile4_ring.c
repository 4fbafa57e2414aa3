/* SPDX-License-Identifier: MIT */
/*
 * A submission ring rewritten by another hart while the kernel runs it
 * (tests/qemu/test_hostile4.py). t_h4_ringown puts its ring in the page
 * of a channel it shares with t_h4_scribbler, on another hart, and
 * submits again and again; the scribbler meanwhile writes the ring's
 * words at random: the tail (near the kernel's head, or anything), the
 * head, and entries (calls the ring runs, calls it refuses, numbers that
 * are no call, any arguments). The kernel reads each word once
 * (kernel/cap/ring_consume.c), so whatever it reads, every submit must
 * return 0 with at most max entries or E_RANGE, nothing may crash, and
 * once the scribbler stops, the kernel's head must be the sum of the
 * submits' a1 (none consumed an entry it did not count), and the ring
 * must work again from the head the kernel writes back: eight null
 * calls, eight completions of 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/ring.h>
#include <rivet/syscall.h>

#include "hostile4.h"
#include "tests.h"

#define RN	     64
#define SUBMITS	     3000
#define SCRIBBLE_VA  0x70000000UL /* where the scribbled maps may land */
#define CTL_OFF	     3840	  /* after RIVET_RING_BYTES(RN) */
#define SCRIBBLE_MIN 100000	  /* writes the run must have raced */
#define RAN_MIN	     1000	  /* entries it must have run meanwhile */
#define SUBMITS_MAX  1000000

struct ring_ctl {
	uint64_t go, stop, stopped, writes;
	uint64_t head; /* the owner: entries the kernel consumed so far */
};

_Static_assert(RIVET_RING_BYTES(RN) <= CTL_OFF, "control after the ring");

static unsigned char *chan(void)
{
	return (unsigned char *)rivet_info()->channels[0].va;
}

static struct ring_ctl *rctl(void)
{
	return (struct ring_ctl *)(chan() + CTL_OFF);
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A call number: ones the ring runs, ones it refuses, none at all. */
static uint64_t scribble_nr(uint64_t r)
{
	static const uint64_t nrs[] = { SYS_null,
					SYS_kstat,
					SYS_cap_info,
					4, /* retired: notify by id */
					SYS_map,
					SYS_yield_cap,
					SYS_ring_submit,
					SYS_ring_setup,
					SYS_exit,
					63,
					64,
					~0UL };

	return nrs[r % (sizeof(nrs) / sizeof(nrs[0]))];
}

static void scribble_entry(struct rivet_ring_entry *e, uint64_t *s)
{
	uint64_t r = rnd(s);

	e->nr = scribble_nr(r);
	e->args[0] = r >> 60; /* a small slot, a domain id, a counter */
	e->args[1] =
		e->nr == SYS_map ? SCRIBBLE_VA + (rnd(s) & 0xff000) : rnd(s);
	e->args[2] = e->nr == SYS_map ? RIVET_CAP_R : rnd(s);
	e->args[3] = rnd(s);
}

void role_h4_scribbler(void)
{
	struct rivet_ring_head *h = (struct rivet_ring_head *)chan();
	struct rivet_ring_entry *ent =
		(struct rivet_ring_entry *)(chan() + RIVET_RING_ENTRIES_OFF);
	struct ring_ctl *c = rctl();
	uint64_t s = 0x9e3779b97f4a7c15UL, n = 0, r;

	while (!load(&c->go))
		;
	while (!load(&c->stop)) {
		r = rnd(&s);
		switch (r % 8) {
		case 0: /* a tail the kernel may accept */
		case 2:
			h->sq_tail = load(&c->head) + (r >> 8) % (RN + 1);
			break;
		case 1: /* any tail, any head */
			h->sq_tail = rnd(&s);
			h->sq_head = rnd(&s);
			break;
		default:
			scribble_entry(&ent[(r >> 8) % RN], &s);
		}
		if (!(++n & 1023))
			store(&c->writes, n);
	}
	store(&c->writes, n);
	store(&c->stopped, 1);
}

void role_h4_ringown(void)
{
	struct rivet_ring_head *h = (struct rivet_ring_head *)chan();
	struct rivet_ring_entry *ent =
		(struct rivet_ring_entry *)(chan() + RIVET_RING_ENTRIES_OFF);
	struct rivet_ring_done *cq =
		(struct rivet_ring_done *)(chan() + RIVET_RING_DONE_OFF(RN));
	struct ring_ctl *c = rctl();
	uint64_t slots = sys2_kstat(KSTAT_MY_SLOTS).val, i, head;
	long bad = 0, ran = 0, ranges = 0, first_bad = 0, ok = 0;
	struct rivet_ret r;

	if (sys_ring_setup(h, RN)) {
		report("h4_ring_setup", 0, "", 0, 0);
		store(&c->stop, 1);
		return;
	}
	store(&c->go, 1);
	/* At least SUBMITS, and on until the scribbler's hart has run
	 * (a loaded host runs each vCPU in turns). */
	for (i = 0; i < SUBMITS_MAX && (i < SUBMITS || ran < RAN_MIN ||
					load(&c->writes) < SCRIBBLE_MIN);
	     i++) {
		uint64_t max = i % (RN + 6) + 1;

		r = sys2_ring_submit(max);
		if (r.rc == E_RANGE) {
			ranges++;
		} else if (r.rc || r.val > max) {
			if (!bad++)
				first_bad = r.rc ? r.rc : (long)r.val;
		} else {
			ran += (long)r.val;
		}
		store(&c->head, (uint64_t)ran);
	}
	store(&c->stop, 1);
	while (!load(&c->stopped))
		;
	/* The kernel writes its head back on every submit, whatever the
	 * tail says. */
	h->sq_tail = ~0UL;
	sys2_ring_submit(1);
	head = h->sq_head;
	for (i = 0; i < 8; i++) {
		ent[(head + i) % RN] =
			(struct rivet_ring_entry){ SYS_null, { 0, 0, 0, 0 } };
		cq[(head + i) % RN] = (struct rivet_ring_done){ 777, 777 };
	}
	h->sq_tail = head + 8;
	r = sys2_ring_submit(8);
	for (i = 0; i < 8; i++)
		ok += cq[(head + i) % RN].rc == 0 &&
		      cq[(head + i) % RN].val == 0;
	printf("h4_ring: %ld entries run, %ld submits refused (E_RANGE), "
	       "%ld scribbled words\n",
	       ran, ranges, (long)load(&c->writes));
	report("h4_ring_every_submit_sane", bad == 0, "%ld bad, first %ld", bad,
	       first_bad);
	report("h4_ring_raced",
	       load(&c->writes) >= SCRIBBLE_MIN && ran >= RAN_MIN,
	       "%ld writes, %ld entries run", (long)load(&c->writes), ran);
	/* Every entry the kernel consumed was counted in some submit's a1:
	 * none ran under an E_RANGE (a piece restarted after the scribbler
	 * moved the tail out of range once lost the pieces before it). */
	report("h4_ring_a1_counts_every_entry", head == (uint64_t)ran,
	       "head %ld, a1s %ld", (long)head, ran);
	report("h4_ring_works_after", r.rc == 0 && r.val == 8 && ok == 8,
	       "rc %ld, %ld completions of 0", r.rc ? r.rc : (long)r.val, ok);
	EXPECT_EQ("h4_ring_no_slot_taken", sys2_kstat(KSTAT_MY_SLOTS).val,
		  slots);
}
