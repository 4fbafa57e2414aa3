/* SPDX-License-Identifier: MIT */
/*
 * Revoke under use (docs/smp.md, "TLB shootdown";
 * tests/qemu/test_smp_revoke.py). t_smpr_granter, on one hart, grants a
 * frame to t_smpr_reader, on another; the reader maps it and reads it in
 * a tight loop, so its hart's TLB holds the entry. The granter revokes
 * and then publishes, in their channel's page (shared all along), that
 * the revoke has returned: ctl->seq odd. The reader loads seq (acquire)
 * before each read of the frame, so a read that succeeds after it saw
 * seq odd is a read after the revoke returned: the stale TLB entry the
 * remote fence must have dropped. 1,000 rounds; every one must end in a
 * fault and none may see such a read. With CONFIG_DEBUG_NO_REMOTE_FENCE
 * the reader keeps reading (QEMU's TCG keeps a TLB per vCPU): it gives
 * up after SMPR_STALE_MAX stale reads and the check fails.
 */
#include <stdint.h>

#include <rivet/libos.h>

#include "tests.h"

#define SMPR_ROUNDS	 1000
#define SMPR_VA		 0x40000000UL
#define SMPR_WARM	 64   /* reads before the granter revokes */
#define SMPR_STALE_MAX	 1000 /* stale reads before the reader gives up */
#define SMPR_FRAME_VALUE 0x5eedUL
#define SMPR_GIVE_UP	 (~0UL) /* ctl->round: the granter stopped early */

/* The channel page both map for the whole run. */
struct smpr_ctl {
	uint64_t round;	 /* granter: a grant for this round is in slot */
	uint64_t slot;	 /* the reader's slot of the grant */
	uint64_t reads;	 /* reader: successful reads this round */
	uint64_t seq;	 /* granter: 2 * round + 1 once the revoke returned */
	uint64_t done;	 /* reader: the round it finished */
	uint64_t stale;	 /* reader: reads seen after a revoke returned */
	uint64_t faults; /* reader: rounds ended by a fault at SMPR_VA */
};

static struct smpr_ctl *ctl(void)
{
	return (struct smpr_ctl *)rivet_info()->channels[0].va;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static volatile int smpr_faulted;

/* The first fault of a round at the frame ends the round; the load is
 * skipped. */
static int smpr_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	if (u->tval == SMPR_VA)
		smpr_faulted = 1;
	u->epc += insn_len(u->epc);
	return 0;
}

/* Reads the frame until a read faults, or until SMPR_STALE_MAX reads
 * succeeded after the granter said the revoke returned. */
static void smpr_read_round(struct smpr_ctl *c, uint64_t round)
{
	uint64_t stale = 0, reads = 0;

	smpr_faulted = 0;
	while (stale < SMPR_STALE_MAX) {
		uint64_t seq = load(&c->seq);
		uint64_t v = *(volatile uint64_t *)SMPR_VA;

		if (smpr_faulted)
			break;
		if (v != SMPR_FRAME_VALUE)
			c->stale += 1 << 20; /* wrong data: a failure too */
		stale += seq == 2 * round + 1;
		store(&c->reads, ++reads);
	}
	c->stale += stale;
	c->faults += smpr_faulted;
	store(&c->done, round);
}

static void role_smpr_reader(void)
{
	struct smpr_ctl *c = ctl();
	uint64_t round;
	long maps = 0;

	rivet_exc_register(13, smpr_fault, 0);
	for (round = 1; round <= SMPR_ROUNDS; round++) {
		while (load(&c->round) != round &&
		       load(&c->round) != SMPR_GIVE_UP)
			;
		if (load(&c->round) == SMPR_GIVE_UP)
			break;
		maps += sys_map(load(&c->slot), SMPR_VA, 1) == 0;
		smpr_read_round(c, round);
	}
	report("smp_revoke_reader_mapped_every_grant", maps == SMPR_ROUNDS,
	       "%ld of %ld", maps, SMPR_ROUNDS);
}

static void role_smpr_granter(void)
{
	struct smpr_ctl *c = ctl();
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1), r;
	uint64_t round;
	long revoked = 0, rc = 0;

	sys_map(f.val, SMPR_VA, 3);
	*(volatile uint64_t *)SMPR_VA = SMPR_FRAME_VALUE;
	for (round = 1; round <= SMPR_ROUNDS; round++) {
		r = sys2_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
		if (r.rc) {
			rc = r.rc;
			store(&c->round, SMPR_GIVE_UP);
			break;
		}
		store(&c->reads, 0);
		store(&c->slot, r.val);
		store(&c->round, round);
		while (load(&c->reads) < SMPR_WARM && load(&c->done) != round)
			;
		r = sys2_cap_revoke(f.val);
		revoked += r.rc == 0 && r.val == 1;
		store(&c->seq, 2 * round + 1); /* the revoke has returned */
		while (load(&c->done) != round)
			;
	}
	report("smp_revoke_rounds", revoked == SMPR_ROUNDS,
	       "%ld revoked, grant rc %ld", revoked, rc);
	report("smp_revoke_every_round_faulted", c->faults == SMPR_ROUNDS,
	       "%ld of %ld", (long)c->faults, SMPR_ROUNDS);
	report("smp_revoke_no_read_after_return", c->stale == 0,
	       "%ld stale reads", (long)c->stale, 0);
}

const struct role smp_revoke_roles[] = {
	{ "t_smpr_reader", role_smpr_reader },
	{ "t_smpr_granter", role_smpr_granter },
	{ 0 },
};
