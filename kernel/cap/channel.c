// SPDX-License-Identifier: MIT
/*
 * Configured channels (kernel/cap/channel.h). The frames are an ordinary
 * frame capability: allocated for end A, charged to A's quota, mapped
 * into A, and derived by the kernel into B's space and mapped there, so
 * revoking or deleting A's original (A ending) unmaps them from B as it
 * would any copy. Each end gets an original notification capability for
 * the other, whose badge is the bit the channel has in the peer's info.
 */
#include "kernel/cap/channel.h"

#include "kernel/arch.h"
#include "kernel/boot/bootconf.h"
#include "kernel/cap/cap_syscall.h"
#include "kernel/cap/frame_cap.h"
#include "kernel/cap/notify_cap.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/sched/domain.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall.h"
#include <rivet/abi.h>
#include <rivet/errno.h>

_Static_assert(sizeof(struct rivet_info) <= PAGE_SIZE, "info page");
_Static_assert(BOOTCONF_CHAN_PER_DOMAIN == RIVET_CHAN_MAX &&
		       BOOTCONF_CHAN_SIZE_MAX == RIVET_CHAN_SIZE_MAX &&
		       RIVET_CHAN_SIZE_MAX < RIVET_CHAN_STRIDE &&
		       RIVET_CHAN_BIT0 + RIVET_CHAN_MAX <= 56,
	       "channel layout");

/* One configured channel: its ends and its index in each end's info. */
struct kchan {
	struct domain *end[2];
	uint32_t gen[2];
	uint8_t index[2];
	bool up;
};

static struct kchan kchans[BOOTCONF_MAX_CHANNELS];
static unsigned nkchans;

/* The info-page entry for the channel at end k. */
#define ENTRY(kc, k) ((kc)->end[k]->info->channels[(kc)->index[k]])

/* Takes the next info-page entry of d for a channel to peer. */
static void claim_entry(struct kchan *kc, unsigned k, struct domain *d,
			const char *peer, const struct bootconf_channel *ch)
{
	static const uint8_t dir[3][2] = {
		[BOOTCONF_CHAN_BOTH] = { RIVET_CHAN_BOTH, RIVET_CHAN_BOTH },
		[BOOTCONF_CHAN_A_TO_B] = { RIVET_CHAN_SEND, RIVET_CHAN_RECV },
		[BOOTCONF_CHAN_B_TO_A] = { RIVET_CHAN_RECV, RIVET_CHAN_SEND },
	};
	struct rivet_info *in = d->info;
	unsigned i = in->nchannels++;

	kc->end[k] = d;
	kc->gen[k] = d->gen;
	kc->index[k] = (uint8_t)i;
	strlcpy(in->channels[i].peer, peer, sizeof(in->channels[i].peer));
	in->channels[i].va = RIVET_CHAN_VA + i * RIVET_CHAN_STRIDE;
	in->channels[i].size = (uint32_t)ch->size;
	in->channels[i].msg = ch->msg;
	in->channels[i].bit = (uint8_t)(RIVET_CHAN_BIT0 + i);
	in->channels[i].dir = dir[ch->direction][k];
	in->channels[i].owner = k == 0;
	in->channels[i].handoff = (ch->handoff >> k) & 1;
	in->channels[i].state = RIVET_CHAN_FAILED;
}

/* Frames for A, copied into B. Each slot goes into the info page as soon
 * as it exists, for undo(). Nothing is mapped yet (map_frames). */
static int share_frames(struct kchan *kc, uint64_t size)
{
	struct domain *a = kc->end[0], *b = kc->end[1];
	uint32_t fa, fb;
	int rc;

	/* A run is zeroed in pieces, as for a system call (SYSCALL_RESTART:
	 * the same call again goes on where the last piece stopped); here
	 * at boot nobody waits, so all of them now. A 1 MiB channel took
	 * several, and failed with the first. */
	do
		rc = frame_cap_alloc(a, RIVET_FRAME_ANY, size / PAGE_SIZE, 1,
				     &fa);
	while (rc == SYSCALL_RESTART);
	if (rc)
		return rc;
	ENTRY(kc, 0).frame_slot = fa;
	rc = cap_derive_kernel(&domain_caps, &a->cs, fa, &b->cs, CAP_R | CAP_W,
			       0, &fb);
	if (rc)
		return rc;
	ENTRY(kc, 1).frame_slot = fb;
	return 0;
}

/* The region into both ends, once every capability exists: a mapping
 * builds page tables that stay (charged to the end) after an unmap, so a
 * channel that fails for want of a slot must fail before it. */
static int map_frames(struct kchan *kc)
{
	int rc;

	rc = frame_cap_map(kc->end[0], ENTRY(kc, 0).frame_slot, ENTRY(kc, 0).va,
			   CAP_R | CAP_W);
	if (rc)
		return rc;
	return frame_cap_map(kc->end[1], ENTRY(kc, 1).frame_slot,
			     ENTRY(kc, 1).va, CAP_R | CAP_W);
}

/* A notification capability at end k for the other end. */
static int give_notify(struct kchan *kc, unsigned k)
{
	struct domain *peer = kc->end[!k];
	uint32_t slot;
	int rc;

	rc = notify_cap_create(kc->end[k], peer, 1UL << ENTRY(kc, !k).bit,
			       ENTRY(kc, k).handoff ? CAPF_NOTIFY_HANDOFF : 0,
			       &slot);
	if (!rc)
		ENTRY(kc, k).notify_slot = slot;
	return rc;
}

/*
 * Takes back what share_frames, give_notify and map_frames made for a
 * channel that cannot be completed, so that its failure costs neither end
 * a frame or a slot: B's copy first, with B as the actor (nobody is told
 * of a capability it never saw), then A's notification capability and
 * A's frames (deleting a frame capability unmaps it). B's notification
 * capability exists only if the mapping failed: it goes too. Slot 0 is
 * each domain's own capability, never one of these. A mapping that fails
 * (the region's addresses taken, no room for page tables) may leave page
 * tables behind; a missing slot or frame leaves nothing.
 */
static void undo(struct kchan *kc)
{
	struct domain *a = kc->end[0], *b = kc->end[1];

	if (ENTRY(kc, 1).frame_slot)
		cap_sys_delete_as(b, ENTRY(kc, 1).frame_slot, b);
	if (ENTRY(kc, 1).notify_slot)
		cap_sys_delete_as(b, ENTRY(kc, 1).notify_slot, b);
	if (ENTRY(kc, 0).notify_slot)
		cap_sys_delete_as(a, ENTRY(kc, 0).notify_slot, a);
	if (ENTRY(kc, 0).frame_slot)
		cap_sys_delete_as(a, ENTRY(kc, 0).frame_slot, a);
	ENTRY(kc, 0).frame_slot = ENTRY(kc, 0).notify_slot = 0;
	ENTRY(kc, 1).frame_slot = ENTRY(kc, 1).notify_slot = 0;
}

static void setup_one(const struct bootconf_channel *ch)
{
	struct kchan *kc = &kchans[nkchans++];
	struct domain *a = domain_by_name(ch->a, strlen(ch->a));
	struct domain *b = domain_by_name(ch->b, strlen(ch->b));
	int rc;

	if (domain_live(a))
		claim_entry(kc, 0, a, ch->b, ch);
	if (domain_live(b))
		claim_entry(kc, 1, b, ch->a, ch);
	if (!domain_live(a) || !domain_live(b)) {
		pr_err("launch: channel %s %s (line %u): %s is not running; "
		       "not set up\n",
		       ch->a, ch->b, ch->line, domain_live(a) ? ch->b : ch->a);
		return;
	}
	rc = share_frames(kc, ch->size);
	if (!rc)
		rc = give_notify(kc, 0);
	if (!rc)
		rc = give_notify(kc, 1);
	if (!rc)
		rc = map_frames(kc);
	if (rc) {
		undo(kc);
		pr_err("launch: channel %s %s (line %u): error %d%s; not set "
		       "up\n",
		       ch->a, ch->b, ch->line, rc,
		       rc == E_NOMEM ? " (quota or slots of an end)" : "");
		return;
	}
	ENTRY(kc, 0).state = RIVET_CHAN_UP;
	ENTRY(kc, 1).state = RIVET_CHAN_UP;
	kc->up = true;
	pr_info("launch: channel %s %s: %llu KiB at 0x%llx / 0x%llx, event bits "
		"%u / %u\n",
		ch->a, ch->b, (unsigned long long)(ch->size >> 10),
		(unsigned long long)ENTRY(kc, 0).va,
		(unsigned long long)ENTRY(kc, 1).va, ENTRY(kc, 0).bit,
		ENTRY(kc, 1).bit);
}

void channel_launch(const struct bootconf *conf)
{
	unsigned i;

	for (i = 0; i < conf->nchannels && nkchans < BOOTCONF_MAX_CHANNELS; i++)
		setup_one(&conf->channels[i]);
}

/* Is end k of kc still the domain (this incarnation) it was? */
static bool end_is(const struct kchan *kc, unsigned k, const struct domain *d)
{
	return kc->end[k] == d && kc->gen[k] == d->gen;
}

void channel_domain_gone(const struct domain *d)
{
	unsigned i, k;

	for (i = 0; i < nkchans; i++) {
		struct kchan *kc = &kchans[i];

		for (k = 0; k < 2; k++) {
			struct domain *peer = kc->end[!k];

			if (!kc->up || !end_is(kc, k, d))
				continue;
			kc->up = false;
			if (!domain_live(peer) || peer->gen != kc->gen[!k])
				continue;
			ENTRY(kc, !k).state = RIVET_CHAN_PEER_DEAD;
			sched_notify(peer, RIVET_EVENT_CHANNEL);
		}
	}
}
