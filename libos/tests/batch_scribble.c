// SPDX-License-Identifier: MIT
/*
 * A map_batch array rewritten by another hart while the kernel reads it
 * in place (tests/qemu/test_batch_scribble.py). t_bs_owner puts its
 * array in the page of a channel it shares with t_bs_scribbler, on
 * another hart, and maps batch after batch of fresh frames; the
 * scribbler meanwhile writes the array's words at random: slots (another
 * entry's, small ones, huge ones), addresses (in the batch's window,
 * misaligned, anywhere) and rights (valid, refused, out of range). The
 * kernel reads each word once (kernel/cap/map_batch.c), so whatever it
 * reads, every batch must return map's result for the entry it stopped
 * at with a count within the batch, nothing may crash, and once the
 * scribbler stops a clean batch must map as asked. The roles are in
 * inplace.c's table.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

#define BN	     128 /* entries per batch: 3 KiB of the channel's page */
#define CTL_OFF	     3584
#define WINDOW	     0x300000000UL /* the batches' addresses, 1 MiB each */
#define BATCHES_MIN  300
#define BATCHES_MAX  100000
#define SCRIBBLE_MIN 100000 /* writes the run must have raced */

struct bs_ctl {
	uint64_t go, stop, stopped, writes;
	uint64_t window; /* the batch's addresses start here */
};

_Static_assert(BN * sizeof(struct rivet_map_entry) <= CTL_OFF,
	       "control after the array");

static unsigned char *chan(void)
{
	return (unsigned char *)rivet_info()->channels[0].va;
}

static struct bs_ctl *ctl(void)
{
	return (struct bs_ctl *)(chan() + CTL_OFF);
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

/* One word of entry i: what a confused or hostile writer might put. */
static void scribble(struct rivet_map_entry *e, uint64_t *s)
{
	static const unsigned long rights[] = { 0, 1, 2, 3, 4, 5, 6, 7, 0x103 };
	uint64_t r = rnd(s), i = (r >> 8) % BN, w = load(&ctl()->window);

	switch (r % 6) {
	case 0: /* another entry's slot: the same frame twice */
		e[i].slot = e[(r >> 20) % BN].slot;
		break;
	case 1: /* a small or a huge slot */
		e[i].slot = r & 32 ? (r >> 24) % 16 : rnd(s);
		break;
	case 2: /* an address in the window, maybe misaligned */
		e[i].vaddr =
			w + ((r >> 24) % (2 * BN)) * 4096 + (r & 64 ? 8 : 0);
		break;
	case 3: /* an address anywhere */
		e[i].vaddr = rnd(s);
		break;
	default:
		e[i].rights = rights[(r >> 24) % 9];
	}
}

void role_bs_scribbler(void)
{
	struct rivet_map_entry *e = (struct rivet_map_entry *)chan();
	struct bs_ctl *c = ctl();
	uint64_t s = 0x2545f4914f6cdd1dUL, n = 0;

	while (!load(&c->go))
		;
	while (!load(&c->stop)) {
		scribble(e, &s);
		if (!(++n & 1023))
			store(&c->writes, n);
	}
	store(&c->writes, n);
	store(&c->stopped, 1);
}

/* Is rc what map may say of one entry? */
static int map_error(long rc)
{
	return rc == 0 || rc == E_INVAL || rc == E_NOENT || rc == E_PERM ||
	       rc == E_RANGE || rc == E_EXIST || rc == E_BUSY || rc == E_NOMEM;
}

/* A batch of BN fresh frames at window, rights R+W; the frames deleted
 * afterwards (their mappings with them). The result's count, or -1. */
static long one_batch(struct rivet_map_entry *e, uint64_t window,
		      struct rivet_ret *r)
{
	unsigned long slots[BN];
	unsigned i;

	for (i = 0; i < BN; i++) {
		slots[i] = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1).val;
		e[i] = (struct rivet_map_entry){ slots[i], window + i * 4096,
						 RIVET_CAP_R | RIVET_CAP_W };
	}
	*r = sys2_map_batch(e, BN);
	for (i = 0; i < BN; i++)
		sys_cap_delete(slots[i]);
	return map_error(r->rc) && r->val <= BN ? (long)r->val : -1;
}

void role_bs_owner(void)
{
	struct rivet_map_entry *e = (struct rivet_map_entry *)chan();
	struct bs_ctl *c = ctl();
	uint64_t slots = sys2_kstat(KSTAT_MY_SLOTS).val, i, window = WINDOW;
	long bad = 0, first_bad = 0, mapped = 0, n;
	struct rivet_ret r;

	store(&c->window, window);
	store(&c->go, 1);
	for (i = 0; i < BATCHES_MAX &&
		    (i < BATCHES_MIN || load(&c->writes) < SCRIBBLE_MIN);
	     i++) {
		window = WINDOW + (i % 64) * 0x100000UL;
		store(&c->window, window);
		n = one_batch(e, window, &r);
		if (n < 0 && !bad++)
			first_bad = r.rc ? r.rc : (long)r.val;
		mapped += n > 0 ? n : 0;
	}
	store(&c->stop, 1);
	while (!load(&c->stopped))
		;
	window = WINDOW + 64 * 0x100000UL;
	n = one_batch(e, window, &r);
	printf("bs: %ld batches, %ld entries mapped, %ld scribbled words\n",
	       (long)i, mapped, (long)load(&c->writes));
	report("bs_every_batch_sane", bad == 0, "%ld bad, first %ld", bad,
	       first_bad);
	report("bs_raced", load(&c->writes) >= SCRIBBLE_MIN && mapped > 0,
	       "%ld writes, %ld mapped", (long)load(&c->writes), mapped);
	report("bs_clean_batch_after", r.rc == 0 && n == BN, "rc %ld n %ld",
	       r.rc, n);
	EXPECT_EQ("bs_no_slot_taken", sys2_kstat(KSTAT_MY_SLOTS).val, slots);
}
