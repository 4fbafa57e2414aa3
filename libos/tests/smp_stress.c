/* SPDX-License-Identifier: MIT */
/*
 * Concurrent capability stress (docs/smp.md; tests/qemu/test_smp_stress.py).
 * SMPS_DOMAINS domains t_smps-a, -b, ... on as many harts each make
 * SMPS_OPS capability calls in a random order: allocate a frame, derive
 * from a capability they hold, grant one into a peer's space, revoke or
 * delete one. Every call may fail (a slot a peer's revoke emptied, a full
 * accept budget): only its error code is checked (a negative code the
 * errors header has). Then each deletes what it holds; once all have
 * (barriers of notify bits), each one's slot and frame counts are what
 * they were before the stress, and so are the machine's (KSTAT_ALL_SLOTS,
 * KSTAT_FREE_FRAMES, read by t_smps-a after the others' last call).
 * 10^5 calls in all, as issue #12 asks: about 2 s on QEMU TCG with four
 * vCPUs on the two-core test host since the big kernel lock stopped
 * handing itself to descheduled vCPUs (kernel/sched/bkl.h; with the
 * ticket lock it was about 8 ms a call, so SMPS_OPS was 500).
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define SMPS_DOMAINS 4
#define SMPS_OPS     25000 /* each: 10^5 in all */
#define SMPS_HELD    32	   /* slots a domain tracks at once */
#define SMPS_BIT0    24	   /* barrier k, domain i: bit 24 + 4k + i */

static uint64_t smps_rand_state;

static uint64_t smps_rand(void)
{
	smps_rand_state =
		smps_rand_state * 6364136223846793005UL + 1442695040888963407UL;
	return smps_rand_state >> 33;
}

static unsigned smps_me(void)
{
	const char *n = rivet_info()->name;

	while (*n && *n != '-')
		n++;
	return *n ? (unsigned)(n[1] - 'a') : 0;
}

/* Waits until every domain has reached barrier k. */
static void smps_barrier(unsigned me, unsigned k)
{
	char name[] = "t_smps-a";
	uint64_t want = 0, got = 0;
	unsigned i;

	for (i = 0; i < SMPS_DOMAINS; i++) {
		uint64_t bit = 1UL << (SMPS_BIT0 + 4 * k + i);

		if (i == me)
			continue;
		want |= bit;
		name[7] = (char)('a' + i);
		rivet_notify_name(name, 1UL << (SMPS_BIT0 + 4 * k + me));
	}
	while (got != want)
		got |= (uint64_t)sys2_wait(want & ~got).val;
}

/* An error of a stress call: 0, or one of the codes the errors header
 * gives such calls. */
static int smps_expected(long rc)
{
	return rc >= 0 || rc == E_NOENT || rc == E_NOMEM || rc == E_PERM ||
	       rc == E_TOOBIG || rc == E_BUSY || rc == E_INVAL;
}

struct smps_held {
	unsigned long slot[SMPS_HELD];
	unsigned n;
};

static void smps_keep(struct smps_held *h, unsigned long slot)
{
	if (h->n < SMPS_HELD)
		h->slot[h->n++] = slot;
	else
		sys_cap_delete(slot);
}

/* Forgets entry i (its slot deleted, or emptied by a revoke). */
static void smps_drop(struct smps_held *h, unsigned i)
{
	h->slot[i] = h->slot[--h->n];
}

/* One random call; returns its code. */
static long smps_op(struct smps_held *h)
{
	unsigned op = smps_rand() % 8, i = h->n ? smps_rand() % h->n : 0;
	struct rivet_ret r;

	if (!h->n || op == 0) {
		r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
		if (!r.rc)
			smps_keep(h, r.val);
		return r.rc;
	}
	switch (op) {
	case 1:
	case 2:
		r = sys2_cap_derive(h->slot[i], -1UL,
				    RIVET_CAP_R | RIVET_CAP_GRANT, 0);
		if (!r.rc)
			smps_keep(h, r.val);
		return r.rc;
	case 3:
	case 4:
		/* peers: slots 1 .. SMPS_DOMAINS - 1 */
		return sys2_cap_derive(h->slot[i],
				       RIVET_SLOT_PEER0 +
					       smps_rand() % (SMPS_DOMAINS - 1),
				       RIVET_CAP_R, 0)
			.rc;
	case 5:
		return sys2_cap_revoke(h->slot[i]).rc;
	default:
		r.rc = sys_cap_delete(h->slot[i]);
		smps_drop(h, i);
		return r.rc;
	}
}

static void role_smps(void)
{
	unsigned me = smps_me(), i;
	struct smps_held h = { .n = 0 };
	uint64_t slots, frames, all_slots = 0, free_frames = 0;
	long bad = 0, bad_rc = 0, done = 0, rc;

	smps_rand_state = 0x9e3779b97f4a7c15UL * (me + 1);
	smps_barrier(me, 0);
	slots = sys2_kstat(KSTAT_MY_SLOTS).val;
	frames = sys2_kstat(KSTAT_MY_FRAMES).val;
	if (me == 0) {
		all_slots = sys2_kstat(KSTAT_ALL_SLOTS).val;
		free_frames = sys2_kstat(KSTAT_FREE_FRAMES).val;
	}
	smps_barrier(me, 1);
	for (i = 0; i < SMPS_OPS; i++) {
		rc = smps_op(&h);
		if (rc >= 0)
			done++;
		if (!smps_expected(rc)) {
			bad++;
			bad_rc = rc;
		}
	}
	while (h.n)
		sys_cap_delete(h.slot[--h.n]);
	smps_barrier(me, 2);
	report("smps_calls_gave_expected_codes", bad == 0, "%ld bad, last %ld",
	       bad, bad_rc);
	/* most calls succeed: the stress did work, not only errors */
	report("smps_calls_succeeded", done > SMPS_OPS / 2, "%ld of %d", done,
	       SMPS_OPS);
	rc = (long)sys2_kstat(KSTAT_MY_SLOTS).val;
	report("smps_slots_back", (uint64_t)rc == slots, "%ld, was %ld", rc,
	       (long)slots);
	rc = (long)sys2_kstat(KSTAT_MY_FRAMES).val;
	report("smps_frames_back", (uint64_t)rc == frames, "%ld, was %ld", rc,
	       (long)frames);
	if (me == 0) {
		rc = (long)sys2_kstat(KSTAT_ALL_SLOTS).val;
		report("smps_all_slots_back", (uint64_t)rc == all_slots,
		       "%ld, was %ld", rc, (long)all_slots);
		rc = (long)sys2_kstat(KSTAT_FREE_FRAMES).val;
		report("smps_free_frames_back", (uint64_t)rc == free_frames,
		       "%ld, was %ld", rc, (long)free_frames);
	}
	smps_barrier(me, 3);
}

const struct role smp_stress_roles[] = {
	{ "t_smps", role_smps },
	{ 0 },
};
