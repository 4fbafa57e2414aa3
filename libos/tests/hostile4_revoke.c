/* SPDX-License-Identifier: MIT */
/*
 * A holder that maps again while its capability is being revoked
 * (tests/qemu/test_hostile4.py). t_h4_revoker, on one hart, grants a
 * frame capability to t_h4_holder, on another, which maps it; the revoker
 * then revokes it, a call that removes the holder's pages in bounded
 * pieces (kernel/cap/cap_syscall.c) and lets the lock go between them.
 * Meanwhile the holder maps the same capability again and again, at the
 * addresses the revoke is emptying. A map that succeeds after the revoke
 * began gives the holder back pages the revoke had already taken: with
 * the holder faster than the revoke the revoke never ends. The kernel
 * must refuse those maps (E_BUSY, as it refuses a copy of a capability
 * under revoke), so the count of maps that succeeded during the revoke
 * is 0, and the holder's pages fault once the revoke returns.
 *
 * args: "big" grants one capability of H4_BIG_PAGES pages and the holder
 * maps it with map (restarted in pieces); "ring" grants a one-page
 * capability that the holder maps at H4_RING_N addresses through its
 * submission ring (map_batch's one-page path).
 *
 * "own": the other way round, what the check must not refuse. The holder
 * derives H4_OWN_COPIES copies of its grant into its own space and
 * revokes its grant's subtree (many pieces); meanwhile the granter maps
 * and unmaps its original, and copies it, which is not below the
 * capability revoked: no map or copy of it may be refused, or any
 * grantee could keep its granter from mapping or granting its own frames
 * for as long as its revoke runs (or, in its slice-end upcall yielding
 * for ever, for good).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/errno.h>
#include <rivet/libos.h>
#include <rivet/ring.h>

#include "hostile4.h"
#include "tests.h"
#include "testmem.h"

#define H4_VA	      0x40001000UL /* not 2 MiB aligned: page leaves only */
#define H4_BIG_PAGES  2048
#define H4_RING_N     256
#define H4_REGAIN_MAX 200 /* the holder gives up after this many */
#define H4_OWN_COPIES 3000

enum {
	H4_INIT,
	H4_GRANTED,
	H4_MAPPED,
	H4_REVOKING,
	H4_REVOKED
};

/* The channel page both map for the whole run. */
struct h4_ctl {
	uint64_t phase;	   /* enum above */
	uint64_t slot;	   /* the holder's slot of the grant */
	uint64_t regained; /* holder: maps that succeeded during the revoke */
	uint64_t tries;	   /* holder: maps tried during the revoke */
	uint64_t faults;   /* holder: pages that faulted after it */
	uint64_t done;	   /* holder: finished */
};

static struct h4_ctl *ctl(void)
{
	return (struct h4_ctl *)rivet_info()->channels[0].va;
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static int ring_mode(void)
{
	return !strcmp(rivet_info()->args, "ring");
}

static int own_mode(void)
{
	return !strcmp(rivet_info()->args, "own");
}

/* "own", the holder: copies of its grant, then their revoke while the
 * granter maps its original. */
static void own_holder(struct h4_ctl *c)
{
	uint64_t slot, i, made = 0;
	struct rivet_ret r;

	while (load(&c->phase) != H4_GRANTED)
		;
	slot = load(&c->slot);
	for (i = 0; i < H4_OWN_COPIES; i++)
		made += sys2_cap_derive(slot, 0, RIVET_CAP_R, 0).rc == 0;
	store(&c->phase, H4_MAPPED);
	while (!load(&c->tries))
		; /* the granter maps */
	store(&c->phase, H4_REVOKING);
	r = sys2_cap_revoke(slot);
	store(&c->phase, H4_REVOKED);
	report("h4_own_copies_revoked",
	       made == H4_OWN_COPIES && !r.rc && r.val == H4_OWN_COPIES,
	       "%ld made, %ld revoked", (long)made, r.rc ? r.rc : (long)r.val);
	store(&c->done, 1);
}

/* "own", the granter: its original mapped and unmapped until the
 * holder's revoke is over; none refused. */
static void own_granter(struct h4_ctl *c, uint64_t f)
{
	uint64_t ok = 0, busy = 0, during = 0, phase;
	long rc, first = 0;

	while (load(&c->phase) != H4_MAPPED)
		;
	do {
		phase = load(&c->phase);
		struct rivet_ret d = sys2_cap_derive(f, 0, RIVET_CAP_R, 0);

		rc = d.rc ? d.rc : sys_cap_delete(d.val);
		if (!rc)
			rc = sys_map(f, H4_VA, RIVET_CAP_R);
		if (!rc)
			rc = sys_unmap(f, H4_VA);
		ok += rc == 0;
		busy += rc != 0;
		if (rc && !first)
			first = rc;
		during += phase == H4_REVOKING && rc == 0;
		store(&c->tries, ok + busy);
	} while (phase != H4_REVOKED);
	while (!load(&c->done))
		;
	report("h4_own_granter_maps_and_copies_its_original",
	       busy == 0 && ok > 0, "%ld refused, first %ld", (long)busy,
	       first);
	printf("h4: granter mapped %ld times, %ld during the holder's "
	       "revoke\n",
	       (long)ok, (long)during);
}

/* ---- the holder ------------------------------------------------------ */

/* The holder's ring in ring mode, in frames of its own (ring_make). */
static struct rivet_ring_head *rh;
static struct rivet_ring_entry *rent;
static struct rivet_ring_done *rcq;

/* Takes and names the ring: 0, or what failed (reported by testmem). */
static long ring_make(void)
{
	unsigned char *mem =
		testmem_alloc("h4_holder_ring", RIVET_RING_BYTES(H4_RING_N));

	if (!mem)
		return E_NOMEM;
	rh = (struct rivet_ring_head *)mem;
	rent = (struct rivet_ring_entry *)(mem + RIVET_RING_ENTRIES_OFF);
	rcq = (struct rivet_ring_done *)(mem + RIVET_RING_DONE_OFF(H4_RING_N));
	return sys_ring_setup(rh, H4_RING_N);
}

/* Maps slot at the H4_RING_N addresses through the ring: how many of the
 * maps succeeded (-1: the submit itself failed). */
static long ring_map_all(uint64_t slot)
{
	struct rivet_ret r;
	long ok = 0;
	unsigned i;

	for (i = 0; i < H4_RING_N; i++) {
		struct rivet_ring_entry *e = &rent[rh->sq_tail % H4_RING_N];

		e->nr = SYS_map;
		e->args[0] = slot;
		e->args[1] = H4_VA + i * 4096UL;
		e->args[2] = RIVET_CAP_R;
		e->args[3] = 0;
		rcq[rh->sq_tail % H4_RING_N].rc = 12345;
		rh->sq_tail++;
	}
	r = sys2_ring_submit(H4_RING_N);
	if (r.rc || r.val != H4_RING_N)
		return -1;
	for (i = 0; i < H4_RING_N; i++)
		ok += rcq[i].rc == 0;
	return ok;
}

/* One more try to map while the revoke may run: pages regained. */
static long map_again(uint64_t slot)
{
	if (ring_mode())
		return ring_map_all(slot);
	return sys_map(slot, H4_VA, RIVET_CAP_R) == 0;
}

static volatile uint64_t h4_faults;

static int h4_fault(struct rivet_upcall *u, void *arg)
{
	(void)arg;
	h4_faults++;
	u->epc += insn_len(u->epc);
	return 0;
}

/* Reads the first and last page of what was mapped: each must fault. */
static uint64_t probe_faults(void)
{
	uint64_t last = ring_mode() ? H4_RING_N - 1 : H4_BIG_PAGES - 1;

	h4_faults = 0;
	(void)*(volatile uint64_t *)H4_VA;
	(void)*(volatile uint64_t *)(H4_VA + last * 4096UL);
	return h4_faults;
}

void role_h4_holder(void)
{
	struct h4_ctl *c = ctl();
	uint64_t slot, regained = 0, tries = 0;
	long first;

	if (own_mode()) {
		own_holder(c);
		return;
	}
	rivet_exc_register(13, h4_fault, 0);
	if (ring_mode() && ring_make()) {
		store(&c->done, 1);
		return;
	}
	while (load(&c->phase) != H4_GRANTED)
		;
	slot = load(&c->slot);
	first = ring_mode() ? ring_map_all(slot)
			    : sys_map(slot, H4_VA, RIVET_CAP_R) == 0;
	report("h4_holder_mapped", first == (ring_mode() ? H4_RING_N : 1),
	       "%ld maps succeeded", first, 0);
	store(&c->phase, H4_MAPPED);
	while (load(&c->phase) != H4_REVOKING)
		;
	while (load(&c->phase) == H4_REVOKING && regained < H4_REGAIN_MAX) {
		long n = map_again(slot);

		tries++;
		regained += n > 0 ? (uint64_t)n : 0;
	}
	store(&c->regained, regained);
	store(&c->tries, tries);
	while (load(&c->phase) != H4_REVOKED)
		;
	store(&c->faults, probe_faults());
	store(&c->done, 1);
}

/* ---- the revoker ----------------------------------------------------- */

void role_h4_revoker(void)
{
	struct h4_ctl *c = ctl();
	uint64_t pages = ring_mode() ? 1 : H4_BIG_PAGES, t0, t1;
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, pages, 1), d, r;

	if (f.rc) {
		report("h4_revoker_alloc", 0, "rc %ld", f.rc, 0);
		return;
	}
	d = sys2_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0);
	if (d.rc) {
		report("h4_revoker_grant", 0, "rc %ld", d.rc, 0);
		return;
	}
	store(&c->slot, d.val);
	store(&c->phase, H4_GRANTED);
	if (own_mode()) {
		own_granter(c, f.val);
		return;
	}
	while (load(&c->phase) != H4_MAPPED)
		;
	store(&c->phase, H4_REVOKING);
	t0 = rivet_now();
	r = sys2_cap_revoke(f.val);
	t1 = rivet_now();
	store(&c->phase, H4_REVOKED);
	while (!load(&c->done))
		;
	EXPECT_EQ("h4_revoke_ok", r.rc, 0);
	EXPECT_EQ("h4_revoke_deleted_the_copy", r.val, 1);
	report("h4_no_map_during_revoke", load(&c->regained) == 0,
	       "%ld pages mapped again in %ld tries while the revoke ran",
	       (long)load(&c->regained), (long)load(&c->tries));
	EXPECT_EQ("h4_holder_pages_fault_after_revoke", load(&c->faults), 2);
	printf("h4: revoke took %ld ticks, holder tried %ld maps\n",
	       (long)(t1 - t0), (long)load(&c->tries));
}
