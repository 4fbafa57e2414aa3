// SPDX-License-Identifier: MIT
/*
 * Grants need the receiver's consent, and quotas are reservations: the
 * roles behind tests/qemu/test_grants.py.
 *
 *  - t_victim accepts 4 grants from t_hostile and none from t_stranger.
 *    t_hostile grants as many copies as it can; the victim's own
 *    frame_alloc must still work and fill every other slot.
 *  - t_hog takes every frame it can; t_small, whose quota is reserved,
 *    then takes its whole quota.
 */
#include <stdint.h>
#include <stdio.h>

#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

#define BUDGET	      4		 /* accept = t_hostile 4 in the test config */
#define VICTIM_SLOTS  64	 /* slots = 64 */
#define EV_GRANTED    (1UL << 1) /* hostile -> victim: budget spent */
#define EV_DELETED    (1UL << 2) /* victim -> hostile: one grant deleted */
#define EV_REGRANTED  (1UL << 3) /* hostile -> victim: granted once more */
#define EV_HOG_DONE   (1UL << 4) /* hog -> small: took what it could */
#define EV_FILLED     (1UL << 5) /* victim -> hostile: checked its slots */
#define EV_SMALL_DONE (1UL << 6) /* small -> hog: took its quota */
#define SECRET	      0x5eed5eedu
#define VA_SHARED     0x41000000UL
#define VA_SEEN	      0x41100000UL

/* Slots holding a frame with read right only: the hostile's grants. */
static unsigned granted_slots(unsigned long *out, unsigned max)
{
	unsigned long s;
	unsigned n = 0;
	struct rivet_ret r;

	for (s = 0; s < VICTIM_SLOTS && n < max; s++) {
		r = sys2_cap_info(s, RIVET_CAPINFO_TYPE);
		if (!r.rc && (r.val & 0xff) == RIVET_CAP_FRAME &&
		    (r.val >> 8) == RIVET_CAP_R)
			out[n++] = s;
	}
	return n;
}

static void role_victim(void)
{
	unsigned long slots[VICTIM_SLOTS],
		base = sys2_kstat(KSTAT_MY_SLOTS).val;
	struct rivet_ret r;
	unsigned n, own = 0;

	sys2_wait(EV_GRANTED);
	n = granted_slots(slots, VICTIM_SLOTS);
	report("victim_holds_only_its_budget_of_grants",
	       n == BUDGET && sys2_kstat(KSTAT_MY_SLOTS).val == base + BUDGET,
	       "%ld grants, %ld slots used", (long)n,
	       (long)sys2_kstat(KSTAT_MY_SLOTS).val);
	EXPECT_EQ("grant_within_budget_maps", sys_map(slots[0], VA_SEEN, 1), 0);
	EXPECT_EQ("grant_within_budget_reads", *(volatile uint32_t *)VA_SEEN,
		  SECRET);
	/* Deleting a grant gives the granter its budget back. */
	EXPECT_EQ("receiver_deletes_a_grant", sys_cap_delete(slots[1]), 0);
	rivet_notify_name("t_hostile", EV_DELETED);
	sys2_wait(EV_REGRANTED);
	/* The victim's own allocations find every other slot free. */
	r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	EXPECT_EQ("victim_frame_alloc_after_hostile_grants", r.rc, 0);
	while (r.rc == 0) {
		own++;
		r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	}
	report("victim_fills_every_slot_but_the_budget",
	       r.rc == E_NOMEM && own == VICTIM_SLOTS - base - BUDGET &&
		       sys2_kstat(KSTAT_MY_SLOTS).val == VICTIM_SLOTS,
	       "%ld own frames, rc %ld", (long)own, r.rc);
	rivet_notify_name("t_hostile", EV_FILLED);
}

static void role_hostile(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1), r;
	unsigned n = 0;

	sys_map(f.val, VA_SHARED, RIVET_CAP_R | RIVET_CAP_W);
	*(volatile uint32_t *)VA_SHARED = SECRET;
	/* Try to fill the victim's space, as the old kernel allowed. */
	while ((r = sys2_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0))
			       .rc == 0 &&
	       n < 1000)
		n++;
	report("hostile_grants_stop_at_the_budget",
	       n == BUDGET && r.rc == E_NOMEM, "%ld grants, then rc %ld",
	       (long)n, r.rc);
	rivet_notify_name("t_victim", EV_GRANTED);
	sys2_wait(EV_DELETED);
	EXPECT_EQ("budget_returns_when_the_receiver_deletes",
		  sys2_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0).rc,
		  0);
	EXPECT_EQ("budget_spent_again",
		  sys2_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0).rc,
		  E_NOMEM);
	rivet_notify_name("t_victim", EV_REGRANTED);
	/* Alive until the victim is done: its grants go when it ends. */
	sys2_wait(EV_FILLED);
}

/* Holds a domain capability for the victim, but the victim never
 * accepted anything from it. */
static void role_stranger(void)
{
	struct rivet_ret f = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);

	EXPECT_EQ("grant_without_consent_is_perm",
		  sys2_cap_derive(f.val, RIVET_SLOT_PEER0, RIVET_CAP_R, 0).rc,
		  E_PERM);
	EXPECT_EQ("grant_into_itself_needs_no_consent",
		  sys2_cap_derive(f.val, RIVET_SLOT_SELF, RIVET_CAP_R, 0).rc,
		  0);
}

/* ------------------------------------------------------ reservations --- */

/* Takes every frame it can: 1 MiB runs, then single pages. */
static void role_hog(void)
{
	unsigned long frames = 0;
	long small = rivet_notify_slot("t_small");
	struct rivet_ret r;

	while ((r = sys2_frame_alloc(RIVET_FRAME_ANY, 256, 1)).rc == 0)
		frames += 256;
	while ((r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1)).rc == 0)
		frames++;
	report("hog_stops_with_nomem", r.rc == E_NOMEM && frames > 256,
	       "rc %ld after %ld frames", r.rc, (long)frames);
	printf("hog: took %lu KiB, %lu frames left free\n", frames * 4,
	       (unsigned long)sys2_kstat(KSTAT_FREE_FRAMES).val);
	if (small > 0) {
		sys_notify_cap((unsigned long)small, EV_HOG_DONE);
		/* Holds every frame until the small one is done. */
		sys2_wait(EV_SMALL_DONE);
	}
}

/* memory = 4M, reserved: every frame of it must come, hog or no hog. */
static void role_small(void)
{
	unsigned long quota = 4UL << 20 >> 12, used;
	long hog = rivet_domain_lookup("t_hog");
	struct rivet_ret r;

	if (hog > 0 && rivet_domain_alive(hog))
		sys2_wait(EV_HOG_DONE);
	while ((r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1)).rc == 0)
		;
	used = sys2_kstat(KSTAT_MY_FRAMES).val;
	report("small_domain_gets_its_whole_quota",
	       r.rc == E_NOMEM && used == quota, "%ld of %ld frames",
	       (long)used, (long)quota);
	if (hog > 0)
		rivet_notify_name("t_hog", EV_SMALL_DONE);
}

/* -------------------------------------------------------- device trust --- */

/* Lists the devices it was granted; the harness compares. */
static void role_devices(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned i;

	for (i = 0; i < in->ndevices; i++)
		printf("devices: granted %s (%s)\n", in->devices[i].name,
		       in->devices[i].compat);
	printf("devices: %u granted\n", (unsigned)in->ndevices);
}

const struct role grants_roles[] = {
	{ "t_victim", role_victim },
	{ "t_hostile", role_hostile },
	{ "t_stranger", role_stranger },
	{ "t_hog", role_hog },
	{ "t_small", role_small },
	{ "t_devices", role_devices },
	{ "t_devices_trusted", role_devices },
	{ 0 },
};
