/* SPDX-License-Identifier: MIT */
/*
 * Remote TLB fences and hart masks (docs/smp.md, "TLB shootdown";
 * tests/qemu/test_smp_mask.py).
 *
 * t_smpm_rev, on one hart, grants a frame to each of its peers
 * (t_smpm_r-X, one channel each, on other harts); each maps it and reads
 * it, so its hart's TLB holds the entry, and says so in the channel page.
 * Then one revoke removes every copy, and the kernel's counts of remote
 * fences (KSTAT_REMOTE_FENCES, KSTAT_REMOTE_FENCE_HARTS) say how many SBI
 * calls it made and how many harts they named: a line per round,
 * "smpm: round N calls C harts H", which the test checks (one call for
 * all the readers' harts; with rivet.test=hart-stray-bit the first round
 * also names the stray hart and the later ones do not). After the revoke
 * returned, each reader's next read must fault.
 *
 * t_smpm_churn-X spawns and ends children (t_smpm_kid-X) on its hart,
 * args times, while another churn does so on another hart, so ASIDs
 * freed on one hart are reused on the other. Each child must find
 * nothing mapped at SMPM_KID_VA (a read that succeeds sees a stale
 * translation of an earlier domain with its ASID), then maps a frame
 * there and reads back its own pattern.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "child_quota.h"
#include "tests.h"

#define SMPM_ROUNDS 8
#define SMPM_VA	    0x40000000UL
#define SMPM_VALUE  0x3a5cUL
#define SMPM_KID_VA 0x40200000UL
/* A kid maps a frame of its own: its tables (child_quota.h). */
#define SMPM_KID_FRAMES child_frames(8)
#define SMPM_KID_SLOTS	16
#define SMPM_PEERS_MAX	8

/* One channel page per reader. */
struct smpm_ctl {
	uint64_t round;	 /* revoker: a grant for this round is in slot */
	uint64_t slot;	 /* the reader's slot of the grant */
	uint64_t ready;	 /* reader: mapped and read in this round */
	uint64_t seq;	 /* revoker: the round whose revoke returned */
	uint64_t done;	 /* reader: the round it finished */
	uint64_t faults; /* reader: reads after the revoke that faulted */
};

static struct smpm_ctl *ctl_of(unsigned i)
{
	return (struct smpm_ctl *)rivet_info()->channels[i].va;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static volatile int smpm_faulted;
static volatile uint64_t smpm_fault_va;

/* A fault at the address watched: the load is skipped. */
static int smpm_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	if (u->tval == smpm_fault_va)
		smpm_faulted = 1;
	u->epc += insn_len(u->epc);
	return 0;
}

/* Reads va; true if the read faulted. */
static int read_faults(uint64_t va, uint64_t *v)
{
	smpm_faulted = 0;
	smpm_fault_va = va;
	*v = *(volatile uint64_t *)va;
	return smpm_faulted;
}

static void role_smpm_reader(void)
{
	struct smpm_ctl *c = ctl_of(0);
	uint64_t round, v;
	long maps = 0, good = 0;

	rivet_exc_register(13, smpm_fault, 0);
	for (round = 1; round <= SMPM_ROUNDS; round++) {
		while (load(&c->round) != round)
			;
		maps += sys_map(load(&c->slot), SMPM_VA, 1) == 0;
		good += !read_faults(SMPM_VA, &v) && v == SMPM_VALUE;
		store(&c->ready, round);
		while (load(&c->seq) != round)
			;
		if (read_faults(SMPM_VA, &v))
			c->faults++;
		store(&c->done, round);
	}
	report("smp_mask_reader_mapped_and_read",
	       maps == SMPM_ROUNDS && good == SMPM_ROUNDS,
	       "%ld maps, %ld reads", maps, good);
}

static uint64_t kstat(unsigned what)
{
	return sys2_kstat(what).val;
}

static void role_smpm_rev(void)
{
	unsigned n = rivet_info()->nchannels, i;
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1), r;
	uint64_t round, calls, harts;
	long revoked = 0, faults = 0;

	if (n > SMPM_PEERS_MAX)
		n = SMPM_PEERS_MAX;
	sys_map(f.val, SMPM_VA, 3);
	*(volatile uint64_t *)SMPM_VA = SMPM_VALUE;
	for (round = 1; round <= SMPM_ROUNDS; round++) {
		for (i = 0; i < n; i++) {
			r = sys2_cap_derive(f.val, RIVET_SLOT_PEER0 + i,
					    RIVET_CAP_R, 0);
			store(&ctl_of(i)->slot, r.val);
			store(&ctl_of(i)->round, round);
		}
		for (i = 0; i < n; i++)
			while (load(&ctl_of(i)->ready) != round)
				;
		calls = kstat(KSTAT_REMOTE_FENCES);
		harts = kstat(KSTAT_REMOTE_FENCE_HARTS);
		r = sys2_cap_revoke(f.val);
		calls = kstat(KSTAT_REMOTE_FENCES) - calls;
		harts = kstat(KSTAT_REMOTE_FENCE_HARTS) - harts;
		revoked += r.rc == 0 && r.val == n;
		printf("smpm: round %lu calls %lu harts %lu\n",
		       (unsigned long)round, (unsigned long)calls,
		       (unsigned long)harts);
		for (i = 0; i < n; i++)
			store(&ctl_of(i)->seq, round);
		for (i = 0; i < n; i++)
			while (load(&ctl_of(i)->done) != round)
				;
	}
	for (i = 0; i < n; i++)
		faults += (long)ctl_of(i)->faults;
	report("smp_mask_revokes", revoked == SMPM_ROUNDS, "%ld of %ld",
	       revoked, SMPM_ROUNDS);
	report("smp_mask_reads_fault_after_revoke",
	       faults == (long)n * SMPM_ROUNDS, "%ld of %ld", faults,
	       (long)n * SMPM_ROUNDS);
}

/* A child of a churn: nothing at SMPM_KID_VA, then its own page there. */
static void role_smpm_kid(void)
{
	uint64_t mine = 0x6b00000000UL | (uint64_t)rivet_info()->domain_id, v;
	struct rivet_ret f;

	rivet_exc_register(13, smpm_fault, 0);
	if (!read_faults(SMPM_KID_VA, &v))
		printf("TEST smp_mask_kid_stale: FAIL %s read %lx at %lx\n",
		       rivet_info()->name, (unsigned long)v, SMPM_KID_VA);
	f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	if (!f.rc)
		f.rc = sys_map(f.val, SMPM_KID_VA, 3);
	if (f.rc) {
		printf("TEST smp_mask_kid_map: FAIL %ld\n", f.rc);
		return;
	}
	*(volatile uint64_t *)SMPM_KID_VA = mine;
	if (read_faults(SMPM_KID_VA, &v) || v != mine)
		printf("TEST smp_mask_kid_own: FAIL %lx, want %lx\n",
		       (unsigned long)v, (unsigned long)mine);
}

/* Lets the child whose domain capability is slot end by itself. */
static int wait_ended(unsigned long slot)
{
	long id = (long)RIVET_DOMAIN_OBJECT_ID(
		sys2_cap_info(slot, RIVET_CAPINFO_OBJECT).val);
	long i;

	for (i = 0; i < 100000; i++) {
		uint32_t s = rivet_domain_state(id);

		if (s == RIVET_DOMAIN_EXITED || s == RIVET_DOMAIN_KILLED)
			return 1;
		sys_yield_cap(RIVET_YIELD_ANY);
	}
	return 0;
}

static void role_smpm_churn(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0), rc;
	unsigned long n = strtoul(rivet_info()->args, 0, 10), i, slot = 0;
	const char *suffix = strchr(rivet_info()->name, '-');
	char child[32];

	if (sp <= 0 || !n || !suffix) {
		printf("TEST smp_mask_churn: FAIL spawn slot %ld, args '%s'\n",
		       sp, rivet_info()->args);
		return;
	}
	snprintf(child, sizeof(child), "t_smpm_kid%s", suffix);
	for (i = 0; i < n; i++) {
		rc = spawn_child(sp, child, SMPM_KID_FRAMES, SMPM_KID_SLOTS, 0,
				 0, &slot);
		if (!rc && !wait_ended(slot))
			rc = E_BUSY;
		if (rc) {
			report("smp_mask_churn", 0, "cycle %ld: %ld", (long)i,
			       rc);
			return;
		}
		sys_cap_delete(slot);
	}
	report("smp_mask_churn", 1, "%ld cycles", (long)n, 0);
}

/* A child that maps SMPM_MAPPED pages of its own, touches them, ends. */
#define SMPM_MAPPED 4
static void role_smpm_mapper(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, SMPM_MAPPED, 1);
	long rc = f.rc ? f.rc : sys_map(f.val, SMPM_KID_VA, 3);
	unsigned i;

	if (rc) {
		printf("TEST smp_mask_mapper: FAIL %ld\n", rc);
		return;
	}
	for (i = 0; i < SMPM_MAPPED; i++)
		((volatile uint64_t *)SMPM_KID_VA)[i * 512] = i;
}

/*
 * Spawns t_smpm_mapper (on this hart) and counts the remote fences from
 * its start to the end of its teardown: "smpm: teardown calls C harts H".
 * With rivet.test=hart-stray-bit its space names a second hart: its
 * teardown fences that hart once, at the end (uvm_fence_everywhere), and
 * not at each unmap before.
 */
static void role_smpm_spawner(void)
{
	long sp = rivet_cap_find(RIVET_CAP_SPAWN, 0), rc;
	uint64_t calls = kstat(KSTAT_REMOTE_FENCES),
		 harts = kstat(KSTAT_REMOTE_FENCE_HARTS);
	unsigned long slot = 0;

	rc = spawn_child(sp, "t_smpm_mapper", SMPM_KID_FRAMES + SMPM_MAPPED,
			 SMPM_KID_SLOTS, 0, 0, &slot);
	if (!rc && !wait_ended(slot))
		rc = E_BUSY;
	printf("smpm: teardown calls %lu harts %lu\n",
	       (unsigned long)(kstat(KSTAT_REMOTE_FENCES) - calls),
	       (unsigned long)(kstat(KSTAT_REMOTE_FENCE_HARTS) - harts));
	report("smp_mask_mapper_ended", rc == 0, "%ld", rc, 0);
}

const struct role smp_mask_roles[] = {
	{ "t_smpm_sp", role_smpm_spawner },
	{ "t_smpm_mapper", role_smpm_mapper },
	{ "t_smpm_rev", role_smpm_rev },
	{ "t_smpm_r", role_smpm_reader },
	{ "t_smpm_kid", role_smpm_kid },
	{ "t_smpm_churn", role_smpm_churn },
	{ 0 },
};
