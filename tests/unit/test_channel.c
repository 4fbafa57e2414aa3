// SPDX-License-Identifier: MIT
/*
 * Channel queues (libos/lib/channel.c), one thread: order, full and empty
 * edges, wrap-around, counters wrapping at 2^32, batched publish and
 * consume, peers that scribble on the counters (single cases, then long
 * random runs where a hostile peer writes random counters while the
 * guard bytes around the region must stay intact), and the blocking
 * layer's flag protocol with hooks that record what they are asked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/channel.h>

#define REGION 1024
#define GUARD  256

/* The shared region with guard bytes either side, so a stray access
 * shows (ASan would only see one outside the whole object). */
static struct {
	uint8_t before[GUARD];
	_Alignas(64) uint8_t region[REGION];
	uint8_t after[GUARD];
} mem;

static struct chan_spsc prod, cons;

/* 1024 - 128 header = 896 bytes: 64 slots of 8 bytes. */
static int setup(void **state)
{
	memset(&mem, 0xa5, sizeof(mem));
	assert_int_equal(chan_spsc_init(&prod, mem.region, REGION, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	assert_int_equal(
		chan_spsc_init(&cons, mem.region, REGION, 8, CHAN_CONSUMER), 0);
	return 0;
}

static void guards_intact(void)
{
	for (size_t i = 0; i < GUARD; i++) {
		assert_int_equal(mem.before[i], 0xa5);
		assert_int_equal(mem.after[i], 0xa5);
	}
}

static bool in_slots(const void *p, const struct chan_spsc *c)
{
	const uint8_t *b = p;

	return b >= c->sh->slots &&
	       b + c->slot_size <=
		       c->sh->slots + (size_t)c->nslots * c->slot_size &&
	       b + c->slot_size <= mem.region + REGION;
}

static void chan_spsc_init_takes_largest_power_of_two(void **state)
{
	struct chan_spsc c;

	assert_int_equal(prod.nslots, 64);
	assert_int_equal(chan_spsc_init(&c, mem.region, REGION, 16,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	assert_int_equal(c.nslots, 32);
	assert_int_equal(chan_spsc_init(&c, mem.region, REGION, 448,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	assert_int_equal(c.nslots, 2);
	assert_int_equal(chan_spsc_init(&c, mem.region, REGION, 456,
					CHAN_RESET | CHAN_PRODUCER),
			 E_INVAL); /* fewer than 2 slots */
	assert_int_equal(chan_spsc_init(&c, mem.region, REGION, 12,
					CHAN_RESET | CHAN_PRODUCER),
			 E_INVAL); /* not a multiple of 8 */
	assert_int_equal(chan_spsc_init(&c, mem.region, REGION, 0,
					CHAN_RESET | CHAN_PRODUCER),
			 E_INVAL);
	assert_int_equal(chan_spsc_init(&c, mem.region + 8, REGION - 8, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 E_INVAL); /* misaligned */
	assert_int_equal(
		chan_spsc_init(&c, NULL, REGION, 8, CHAN_RESET | CHAN_PRODUCER),
		E_INVAL);
	assert_int_equal(chan_spsc_init(&c, mem.region, 64, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 E_INVAL);
	guards_intact();
}

static void chan_spsc_head_and_tail_on_separate_cache_lines(void **state)
{
	assert_true(offsetof(struct chan_spsc_shared, tail) -
			    offsetof(struct chan_spsc_shared, head) >=
		    CHAN_CACHE_LINE);
	assert_int_equal(
		offsetof(struct chan_spsc_shared, slots) % CHAN_CACHE_LINE, 0);
	assert_true(offsetof(struct chan_spsc_shared, slots) -
			    offsetof(struct chan_spsc_shared, tail) >=
		    CHAN_CACHE_LINE);
}

static void chan_spsc_recv_returns_messages_in_order(void **state)
{
	uint64_t out;

	assert_int_equal(chan_spsc_recv(&cons, &out), E_BUSY); /* empty */
	for (uint64_t i = 1; i <= 3; i++)
		assert_int_equal(chan_spsc_send(&prod, &i), 0);
	for (uint64_t i = 1; i <= 3; i++) {
		assert_int_equal(chan_spsc_recv(&cons, &out), 0);
		assert_int_equal(out, i);
	}
	assert_int_equal(chan_spsc_recv(&cons, &out), E_BUSY);
	assert_false(chan_spsc_corrupt(&prod) || chan_spsc_corrupt(&cons));
}

static void chan_spsc_send_refuses_when_full_and_resumes(void **state)
{
	uint64_t v, out;

	for (v = 0; v < 64; v++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	assert_int_equal(chan_spsc_send(&prod, &v), E_BUSY);
	assert_null(chan_spsc_alloc(&prod));
	assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(chan_spsc_send(&prod, &v), 0); /* one slot back */
	assert_int_equal(chan_spsc_send(&prod, &v), E_BUSY);
	for (uint64_t i = 1; i <= 64; i++) {
		assert_int_equal(chan_spsc_recv(&cons, &out), 0);
		assert_int_equal(out, i);
	}
	assert_int_equal(chan_spsc_recv(&cons, &out), E_BUSY);
	assert_false(chan_spsc_corrupt(&prod) || chan_spsc_corrupt(&cons));
	guards_intact();
}

static void chan_spsc_wraps_around_the_end_of_the_slots(void **state)
{
	uint64_t out;

	for (uint64_t round = 0; round < 1000; round++) {
		for (uint64_t i = 0; i < 5; i++) {
			uint64_t v = round * 5 + i;
			assert_int_equal(chan_spsc_send(&prod, &v), 0);
		}
		for (uint64_t i = 0; i < 5; i++) {
			assert_int_equal(chan_spsc_recv(&cons, &out), 0);
			assert_int_equal(out, round * 5 + i);
		}
	}
	guards_intact();
}

static void chan_spsc_counters_wrap_at_2_32(void **state)
{
	uint64_t out;

	prod.mine = prod.peer = cons.mine = cons.peer = 0xfffffffe;
	prod.sh->head = prod.sh->tail = 0xfffffffe;
	for (uint64_t v = 0; v < 64; v++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	assert_int_equal(chan_spsc_send(&prod, &out), E_BUSY);
	assert_int_equal(prod.sh->head, 62);
	for (uint64_t v = 0; v < 64; v++) {
		assert_int_equal(chan_spsc_recv(&cons, &out), 0);
		assert_int_equal(out, v);
	}
	assert_int_equal(chan_spsc_recv(&cons, &out), E_BUSY);
	assert_false(chan_spsc_corrupt(&prod) || chan_spsc_corrupt(&cons));
}

static void chan_spsc_batch_is_invisible_until_published(void **state)
{
	uint64_t *slot;
	const uint64_t *in;

	for (uint64_t i = 0; i < 10; i++) {
		slot = chan_spsc_alloc(&prod);
		assert_non_null(slot);
		*slot = i;
	}
	assert_null(chan_spsc_next(&cons)); /* nothing published */
	assert_int_equal(prod.sh->head, 0);
	chan_spsc_publish(&prod);
	assert_int_equal(prod.sh->head, 10);
	for (uint64_t i = 0; i < 10; i++) {
		in = chan_spsc_next(&cons);
		assert_non_null(in);
		assert_int_equal(*in, i);
	}
	assert_null(chan_spsc_next(&cons));
	assert_int_equal(cons.sh->tail, 0); /* nothing handed back yet */
	chan_spsc_consume(&cons);
	assert_int_equal(cons.sh->tail, 10);
	chan_spsc_publish(&prod); /* nothing pending: no store */
	chan_spsc_consume(&cons);
	assert_int_equal(prod.sh->head, 10);
}

static void chan_spsc_batch_alloc_stops_at_capacity(void **state)
{
	int n = 0;

	while (chan_spsc_alloc(&prod))
		n++;
	assert_int_equal(n, 64);
	chan_spsc_publish(&prod);
	n = 0;
	while (chan_spsc_next(&cons))
		n++;
	assert_int_equal(n, 64);
	assert_null(chan_spsc_alloc(&prod)); /* not consumed yet */
	chan_spsc_consume(&cons);
	assert_non_null(chan_spsc_alloc(&prod));
	guards_intact();
}

static void chan_spsc_consumer_refuses_a_head_beyond_capacity(void **state)
{
	uint64_t v = 7, out;

	assert_int_equal(chan_spsc_send(&prod, &v), 0);
	prod.sh->head = 65; /* the producer scribbles: 65 > tail + 64 */
	assert_int_equal(chan_spsc_recv(&cons, &out), E_RANGE);
	assert_true(chan_spsc_corrupt(&cons));
	prod.sh->head = 1; /* sticky: a good value later does not undo it */
	assert_int_equal(chan_spsc_recv(&cons, &out), E_RANGE);
	assert_null(chan_spsc_next(&cons));
	guards_intact();
}

/* The inline alloc has no corrupt test of its own (channel.h says why):
 * once the producer caught a lie, a sane tail later changes nothing. */
static void chan_spsc_producer_stays_corrupt_in_the_inline_alloc(void **state)
{
	uint64_t v = 1;

	for (int i = 0; i < 64; i++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	cons.sh->tail = 0x12345;
	assert_null(chan_spsc_alloc(&prod));
	assert_true(chan_spsc_corrupt(&prod));
	cons.sh->tail = 64; /* everything consumed: room, were it honest */
	for (int i = 0; i < 4; i++)
		assert_null(chan_spsc_alloc(&prod));
	assert_int_equal(chan_spsc_send(&prod, &v), E_RANGE);
	guards_intact();
}

/* Slots must stay under 2 GiB (chan_spsc_slot's int32_t offset); the
 * check comes before the page is touched. */
static void chan_spsc_init_refuses_2_gib_of_slots(void **state)
{
	struct chan_spsc big;

	assert_int_equal(chan_spsc_init(&big, mem.region, (size_t)1 << 32, 8,
					CHAN_CONSUMER),
			 E_INVAL);
	assert_int_equal(chan_spsc_init(&big, mem.region, (size_t)3 << 30,
					1u << 20, CHAN_CONSUMER),
			 E_INVAL);
	guards_intact();
}

static void chan_spsc_consumer_refuses_a_head_that_goes_back(void **state)
{
	uint64_t v = 7;

	for (int i = 0; i < 4; i++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	assert_non_null(chan_spsc_next(&cons)); /* sees head 4 */
	prod.sh->head = 2;
	assert_non_null(chan_spsc_next(&cons)); /* cached: 3 more to go */
	assert_non_null(chan_spsc_next(&cons));
	assert_non_null(chan_spsc_next(&cons));
	assert_null(chan_spsc_next(&cons)); /* reload: 2 is behind 4 */
	assert_true(chan_spsc_corrupt(&cons));
}

static void chan_spsc_producer_refuses_a_tail_beyond_head(void **state)
{
	uint64_t v = 1;

	assert_int_equal(chan_spsc_send(&prod, &v), 0);
	for (int i = 0; i < 63; i++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	cons.sh->tail = 0x12345; /* the consumer scribbles */
	assert_int_equal(chan_spsc_send(&prod, &v), E_RANGE);
	assert_true(chan_spsc_corrupt(&prod));
	/* The producer never trusts the shared head: a scribbled head does
	 * not move where it writes. */
	assert_int_equal(chan_spsc_init(&prod, mem.region, REGION, 8,
					CHAN_RESET | CHAN_PRODUCER),
			 0);
	prod.sh->head = 999;
	v = 0x1122334455667788;
	assert_int_equal(chan_spsc_send(&prod, &v), 0);
	assert_memory_equal(&prod.sh->slots[0], &v, 8);
	assert_int_equal(prod.sh->head, 1);
	guards_intact();
}

static void chan_spsc_producer_attaches_where_the_ring_is(void **state)
{
	struct chan_spsc late;
	uint64_t v = 1, out;

	for (int i = 0; i < 60; i++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	/* A second producer handle (a restarted producer) attaching
	 * without reset must see the 60 unread messages, not overwrite
	 * them. */
	assert_int_equal(
		chan_spsc_init(&late, mem.region, REGION, 8, CHAN_PRODUCER), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(chan_spsc_send(&late, &v), 0);
	assert_int_equal(chan_spsc_send(&late, &v), E_BUSY);
	assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	assert_int_equal(chan_spsc_send(&late, &v), 0);
	assert_false(chan_spsc_corrupt(&late));
}

static void chan_spsc_consumer_attaches_where_the_ring_is(void **state)
{
	struct chan_spsc late;
	uint64_t v, out;

	for (v = 0; v < 10; v++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	for (v = 0; v < 4; v++)
		assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	assert_int_equal(
		chan_spsc_init(&late, mem.region, REGION, 8, CHAN_CONSUMER), 0);
	for (v = 4; v < 10; v++) {
		assert_int_equal(chan_spsc_recv(&late, &out), 0);
		assert_int_equal(out, v);
	}
	assert_int_equal(chan_spsc_recv(&late, &out), E_BUSY);
}

/*
 * A long random run, checked against a FIFO, while (in the second half
 * of each trial) the "peer" domain writes random values into the
 * counters and flags and random bytes into the slots. Whatever it does,
 * every slot pointer lies in the ring and the guards stay intact; while
 * it behaves, the messages come out exactly as sent.
 */
static void
chan_spsc_survives_a_hostile_peer_writing_random_counters(void **state)
{
	unsigned seed = 4242, caught = 0;

	for (int trial = 0; trial < 200; trial++) {
		uint64_t next_in = 0, next_out = 0, out;
		bool honest = true;
		void *w;
		const void *r;

		setup(NULL);
		for (int step = 0; step < 2000; step++) {
			seed = seed * 1103515245 + 12345;
			unsigned op = (seed >> 16) % 16;

			if (step > 1000 && op >= 13) {
				uint32_t val = (uint32_t)rand_r(&seed);
				uint32_t *words[] = { &prod.sh->head,
						      &prod.sh->tail,
						      &prod.sh->prod_waiting,
						      &prod.sh->cons_waiting };
				/* Near-miss values as well as wild ones. */
				if (val & 1)
					val = prod.mine + (val >> 1) % 130 - 65;
				*words[(seed >> 8) % 4] = val;
				honest = false;
			} else if (op < 4) {
				if (chan_spsc_send(&prod, &next_in) == 0)
					next_in++;
			} else if (op < 8) {
				if (chan_spsc_recv(&cons, &out) == 0) {
					if (honest)
						assert_int_equal(out, next_out);
					next_out++;
				}
			} else if (op < 10) {
				while ((w = chan_spsc_alloc(&prod))) {
					assert_true(in_slots(w, &prod));
					memcpy(w, &next_in, 8);
					next_in++;
					if (seed & 0x100)
						break;
				}
				chan_spsc_publish(&prod);
			} else {
				while ((r = chan_spsc_next(&cons))) {
					assert_true(in_slots(r, &cons));
					memcpy(&out, r, 8);
					if (honest)
						assert_int_equal(out, next_out);
					next_out++;
				}
				chan_spsc_consume(&cons);
			}
			if (honest) {
				assert_false(chan_spsc_corrupt(&prod));
				assert_false(chan_spsc_corrupt(&cons));
				assert_true(next_in - next_out <= 64);
			}
		}
		caught += chan_spsc_corrupt(&prod) || chan_spsc_corrupt(&cons);
		guards_intact();
	}
	assert_true(caught > 100); /* the checks did fire */
}

/* ------------------------------------------------------------- MPMC --- */

static struct chan_mpmc mq, mq2;

static int setup_mpmc(void **state)
{
	memset(&mem, 0xa5, sizeof(mem));
	assert_int_equal(chan_mpmc_init(&mq, mem.region, REGION, 8, CHAN_RESET),
			 0);
	assert_int_equal(chan_mpmc_init(&mq2, mem.region, REGION, 8, 0), 0);
	return 0;
}

static void chan_mpmc_init_checks_its_arguments(void **state)
{
	struct chan_mpmc q;

	/* (1024 - 128) / 16 = 56 cells: 32. */
	assert_int_equal(mq.nslots, 32);
	assert_int_equal(mq.stride, 16);
	assert_int_equal(chan_mpmc_init(&q, mem.region, REGION, 7, CHAN_RESET),
			 E_INVAL);
	assert_int_equal(
		chan_mpmc_init(&q, mem.region + 1, REGION, 8, CHAN_RESET),
		E_INVAL);
	assert_int_equal(chan_mpmc_init(&q, mem.region, 150, 8, CHAN_RESET),
			 E_INVAL);
	assert_int_equal(chan_mpmc_init(&q, NULL, REGION, 8, CHAN_RESET),
			 E_INVAL);
}

static void chan_mpmc_full_and_empty_edges_and_wrap(void **state)
{
	uint64_t v, out;

	assert_int_equal(chan_mpmc_recv(&mq2, &out), E_BUSY);
	for (uint64_t round = 0; round < 100; round++) {
		for (v = 0; v < 32; v++) {
			uint64_t m = round << 8 | v;
			assert_int_equal(chan_mpmc_send(&mq, &m), 0);
		}
		assert_int_equal(chan_mpmc_send(&mq, &v), E_BUSY);
		for (v = 0; v < 32; v++) {
			assert_int_equal(chan_mpmc_recv(&mq2, &out), 0);
			assert_int_equal(out, round << 8 | v);
		}
		assert_int_equal(chan_mpmc_recv(&mq2, &out), E_BUSY);
	}
	guards_intact();
}

static void chan_mpmc_positions_wrap_at_2_32(void **state)
{
	uint64_t out;

	/* Re-create the queue as if 2^32 - 5 messages had passed. */
	for (uint32_t i = 0; i < 32; i++) {
		uint32_t pos = 0xfffffffb + i;
		*(uint32_t *)&mq.sh->cells[(pos & 31) * 16] = pos;
	}
	mq.sh->enq = mq.sh->deq = 0xfffffffb;
	for (uint64_t v = 0; v < 32; v++)
		assert_int_equal(chan_mpmc_send(&mq, &v), 0);
	assert_int_equal(chan_mpmc_send(&mq, &out), E_BUSY);
	for (uint64_t v = 0; v < 32; v++) {
		assert_int_equal(chan_mpmc_recv(&mq2, &out), 0);
		assert_int_equal(out, v);
	}
	assert_int_equal(mq.sh->deq, 27);
}

/* As the SPSC test: random traffic, then random writes anywhere in the
 * queue's header and sequence words; the calls must return and the
 * guards stay intact. */
static void
chan_mpmc_survives_a_hostile_peer_writing_random_counters(void **state)
{
	unsigned seed = 777;

	for (int trial = 0; trial < 200; trial++) {
		uint64_t next_in = 0, next_out = 0, out;
		bool honest = true;

		setup_mpmc(NULL);
		for (int step = 0; step < 2000; step++) {
			seed = seed * 1103515245 + 12345;
			unsigned op = (seed >> 16) % 16;

			if (step > 1000 && op >= 13) {
				uint32_t val = (uint32_t)rand_r(&seed);
				uint32_t which = (seed >> 8) % 34;
				uint32_t *word =
					which == 32 ? &mq.sh->enq
					: which == 33
						? &mq.sh->deq
						: (uint32_t *)&mq.sh
							  ->cells[which * 16];
				if (val & 1)
					val = *word + (val >> 1) % 70 - 35;
				*word = val;
				honest = false;
			} else if (op < 7) {
				if (chan_mpmc_send(&mq, &next_in) == 0)
					next_in++;
			} else {
				if (chan_mpmc_recv(&mq2, &out) == 0) {
					if (honest)
						assert_int_equal(out, next_out);
					next_out++;
				}
			}
		}
		guards_intact();
	}
}

/* --------------------------------------------------------- blocking --- */

/* Hooks that record calls; the wait "lets the peer run" by calling
 * a scripted action. */
static struct {
	int waits, notifies, wait_rc;
	uint32_t flag_at_wait;
	void (*during_wait)(void);
} hk;

static int hk_wait(void *arg)
{
	hk.waits++;
	hk.flag_at_wait = cons.sh->cons_waiting | prod.sh->prod_waiting << 1;
	if (hk.during_wait)
		hk.during_wait();
	return hk.wait_rc;
}

static int hk_notify(void *arg)
{
	hk.notifies++;
	return 0;
}

static const struct chan_hooks hooks = { hk_wait, hk_notify, NULL, 3, NULL, 0 };

static void producer_sends_one(void)
{
	uint64_t v = 99;

	assert_int_equal(chan_spsc_send(&prod, &v), 0);
	assert_int_equal(chan_wake(&hooks, &prod.sh->cons_waiting), 0);
}

static void chan_spsc_pop_sets_the_flag_before_waiting(void **state)
{
	uint64_t out;

	memset(&hk, 0, sizeof(hk));
	hk.during_wait = producer_sends_one;
	assert_int_equal(chan_spsc_pop(&cons, &hooks, &out), 0);
	assert_int_equal(out, 99);
	assert_int_equal(hk.waits, 1);
	assert_int_equal(hk.flag_at_wait, 1); /* consumer's flag was set */
	assert_int_equal(hk.notifies, 1);     /* the producer saw it */
	assert_int_equal(cons.sh->cons_waiting, 0); /* cleared after */
}

static void chan_spsc_arm_sets_the_flag_only_while_empty(void **state)
{
	uint64_t v = 7;

	assert_false(chan_spsc_readable(&cons));
	assert_false(chan_spsc_arm(&cons)); /* empty: sleep */
	assert_int_equal(cons.sh->cons_waiting, 1);
	memset(&hk, 0, sizeof(hk));
	producer_sends_one(); /* the producer sees the flag */
	assert_int_equal(hk.notifies, 1);
	chan_spsc_disarm(&cons);
	assert_int_equal(cons.sh->cons_waiting, 0);
	assert_true(chan_spsc_readable(&cons));
	assert_true(chan_spsc_arm(&cons)); /* a message: do not sleep */
	assert_int_equal(cons.sh->cons_waiting, 0); /* and no flag left */
	assert_int_equal(chan_spsc_recv(&cons, &v), 0);
	assert_int_equal(v, 99);
	/* readable does not hand the message out: recv still gets it. */
	assert_false(chan_spsc_readable(&cons));
}

static void chan_spsc_arm_sees_a_corrupt_ring_as_ready(void **state)
{
	cons.sh->head = 1000; /* beyond tail + nslots */
	assert_true(chan_spsc_arm(&cons));
	assert_true(chan_spsc_corrupt(&cons));
	assert_int_equal(cons.sh->cons_waiting, 0);
}

static void chan_spsc_writable_until_full_then_cancel_takes_back(void **state)
{
	uint64_t v = 1, out;
	unsigned i;

	for (i = 0; i < prod.nslots; i++) {
		assert_true(chan_spsc_writable(&prod));
		assert_non_null(chan_spsc_alloc(&prod));
	}
	assert_false(chan_spsc_writable(&prod));
	assert_null(chan_spsc_alloc(&prod));
	chan_spsc_cancel(&prod); /* nothing was published */
	assert_int_equal(prod.sh->head, 0);
	assert_false(chan_spsc_readable(&cons));
	assert_true(chan_spsc_writable(&prod));
	assert_int_equal(chan_spsc_send(&prod, &v), 0);
	assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	assert_int_equal(out, 1);
	guards_intact();
}

static void chan_spsc_busy_traffic_makes_no_notify(void **state)
{
	uint64_t v = 5, out;

	memset(&hk, 0, sizeof(hk));
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(chan_spsc_push(&prod, &hooks, &v), 0);
		assert_int_equal(chan_spsc_pop(&cons, &hooks, &out), 0);
	}
	assert_int_equal(hk.waits, 0);
	assert_int_equal(hk.notifies, 0);
}

static void consumer_takes_one(void)
{
	uint64_t out;

	assert_int_equal(chan_spsc_recv(&cons, &out), 0);
	assert_int_equal(chan_wake(&hooks, &prod.sh->prod_waiting), 0);
}

static void chan_spsc_push_waits_for_room_when_full(void **state)
{
	uint64_t v = 1;

	for (int i = 0; i < 64; i++)
		assert_int_equal(chan_spsc_send(&prod, &v), 0);
	memset(&hk, 0, sizeof(hk));
	hk.during_wait = consumer_takes_one;
	assert_int_equal(chan_spsc_push(&prod, &hooks, &v), 0);
	assert_int_equal(hk.waits, 1);
	assert_int_equal(hk.flag_at_wait, 2); /* producer's flag was set */
	assert_int_equal(hk.notifies, 1);
	assert_int_equal(prod.sh->prod_waiting, 0);
}

static void chan_spsc_pop_returns_the_wait_error(void **state)
{
	uint64_t out;

	memset(&hk, 0, sizeof(hk));
	hk.wait_rc = E_NOENT; /* the peer died */
	assert_int_equal(chan_spsc_pop(&cons, &hooks, &out), E_NOENT);
	/* The page is not touched after the error: it may be gone. */
	assert_int_equal(cons.sh->cons_waiting, 1);
}

static void chan_spsc_pop_returns_corrupt_instead_of_sleeping(void **state)
{
	uint64_t out;

	memset(&hk, 0, sizeof(hk));
	prod.sh->head = 1000;
	assert_int_equal(chan_spsc_pop(&cons, &hooks, &out), E_RANGE);
	assert_int_equal(hk.waits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			chan_spsc_init_takes_largest_power_of_two, setup),
		cmocka_unit_test(
			chan_spsc_head_and_tail_on_separate_cache_lines),
		cmocka_unit_test_setup(chan_spsc_recv_returns_messages_in_order,
				       setup),
		cmocka_unit_test_setup(
			chan_spsc_send_refuses_when_full_and_resumes, setup),
		cmocka_unit_test_setup(
			chan_spsc_wraps_around_the_end_of_the_slots, setup),
		cmocka_unit_test_setup(chan_spsc_counters_wrap_at_2_32, setup),
		cmocka_unit_test_setup(
			chan_spsc_batch_is_invisible_until_published, setup),
		cmocka_unit_test_setup(chan_spsc_batch_alloc_stops_at_capacity,
				       setup),
		cmocka_unit_test_setup(
			chan_spsc_consumer_refuses_a_head_beyond_capacity,
			setup),
		cmocka_unit_test_setup(
			chan_spsc_consumer_refuses_a_head_that_goes_back,
			setup),
		cmocka_unit_test_setup(
			chan_spsc_producer_refuses_a_tail_beyond_head, setup),
		cmocka_unit_test_setup(
			chan_spsc_producer_attaches_where_the_ring_is, setup),
		cmocka_unit_test_setup(
			chan_spsc_consumer_attaches_where_the_ring_is, setup),
		cmocka_unit_test(
			chan_spsc_survives_a_hostile_peer_writing_random_counters),
		cmocka_unit_test_setup(
			chan_spsc_producer_stays_corrupt_in_the_inline_alloc,
			setup),
		cmocka_unit_test_setup(chan_spsc_init_refuses_2_gib_of_slots,
				       setup),
		cmocka_unit_test_setup(chan_mpmc_init_checks_its_arguments,
				       setup_mpmc),
		cmocka_unit_test_setup(chan_mpmc_full_and_empty_edges_and_wrap,
				       setup_mpmc),
		cmocka_unit_test_setup(chan_mpmc_positions_wrap_at_2_32,
				       setup_mpmc),
		cmocka_unit_test(
			chan_mpmc_survives_a_hostile_peer_writing_random_counters),
		cmocka_unit_test_setup(
			chan_spsc_pop_sets_the_flag_before_waiting, setup),
		cmocka_unit_test_setup(chan_spsc_busy_traffic_makes_no_notify,
				       setup),
		cmocka_unit_test_setup(
			chan_spsc_arm_sets_the_flag_only_while_empty, setup),
		cmocka_unit_test_setup(
			chan_spsc_arm_sees_a_corrupt_ring_as_ready, setup),
		cmocka_unit_test_setup(
			chan_spsc_writable_until_full_then_cancel_takes_back,
			setup),
		cmocka_unit_test_setup(chan_spsc_push_waits_for_room_when_full,
				       setup),
		cmocka_unit_test_setup(chan_spsc_pop_returns_the_wait_error,
				       setup),
		cmocka_unit_test_setup(
			chan_spsc_pop_returns_corrupt_instead_of_sleeping,
			setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
