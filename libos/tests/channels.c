// SPDX-License-Identifier: MIT
/*
 * Configured channels and notification capabilities: the roles behind
 * tests/qemu/test_channels.py. The configuration there:
 *
 *   [channel t_chan_a t_chan_b]  size 8K, handoff = t_chan_a
 *   [channel t_chan_c t_chan_d]  size 4K
 *   [channel t_chan_e t_chan_f]  size 4K: f scribbles e's ring, then ends
 *                                while e is blocked in a receive
 *   [channel t_chan_h t_chan_g]  size 4K, one ring g -> h, handoff = yes:
 *                                a full ring holds g back, nothing is lost;
 *                                h, which reads last, owns the frames
 *   [channel t_chan_y t_chan_z]  2 slots each: y has no room for its
 *                                notification capability, so the channel
 *                                is not set up and costs neither end
 *                                anything
 *   t_chan_x                     no channel, no notification capability
 *
 * One hart, file order: a runs first and waits until b says it is ready.
 * The words of the shared page a and b use are below (W_*).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rivet/channel.h>
#include <rivet/errno.h>
#include <rivet/libos.h>

#include "tests.h"

#define READY	0x52454459UL /* "REDY" */
#define REQUEST 0x1234UL

enum word {
	W_READY,   /* b: set up and waiting */
	W_REQUEST, /* a: the request */
	W_REPLY,   /* b: the reply (request + 1) */
	W_A_RAN,   /* a: ran after b's notify (no handoff: not before) */
	W_CMD,	   /* a: 0 count a ping, 1 exit */
	W_PINGS,   /* b: pings counted */
	W_PADDR,   /* a: the physical address of its frame capability */
	W_PADDR_B, /* b: the same, from its copy */
};

#define CMD_PING 0
#define CMD_EXIT 1

static volatile uint64_t *shared(unsigned i)
{
	return (volatile uint64_t *)(uintptr_t)rivet_info()->channels[i].va;
}

/* The event bit of channel i here (what the peer's notify sets). */
static unsigned long bit_of(unsigned i)
{
	return 1UL << rivet_info()->channels[i].bit;
}

static long cap_type(unsigned long slot)
{
	struct rivet_ret r = sys2_cap_info(slot, RIVET_CAPINFO_TYPE);

	return r.rc ? r.rc : (long)(r.val & 0xff);
}

/* The entry every configured end sees in its info page. */
static void check_entry(const char *peer, unsigned owner, unsigned size)
{
	const struct rivet_info *in = rivet_info();

	report("chan_info_has_one_channel", in->nchannels == 1, "%ld",
	       (long)in->nchannels, 0);
	report("chan_info_names_the_peer", !strcmp(in->channels[0].peer, peer),
	       "nchannels %ld", (long)in->nchannels, 0);
	EXPECT_EQ("chan_info_state_up", in->channels[0].state, RIVET_CHAN_UP);
	EXPECT_EQ("chan_info_va", in->channels[0].va, RIVET_CHAN_VA);
	EXPECT_EQ("chan_info_size", in->channels[0].size, size);
	EXPECT_EQ("chan_info_owner", in->channels[0].owner, owner);
	EXPECT_EQ("chan_info_bit", in->channels[0].bit, RIVET_CHAN_BIT0);
	EXPECT_EQ("chan_frame_slot_is_a_frame",
		  cap_type(in->channels[0].frame_slot), RIVET_CAP_FRAME);
	EXPECT_EQ("chan_notify_slot_is_a_notification",
		  cap_type(in->channels[0].notify_slot), RIVET_CAP_NOTIFY);
	report("chan_frames_mapped_rw", (rivet_pte(RIVET_CHAN_VA) & 0x7) == 0x7,
	       "pte 0x%lx", (long)rivet_pte(RIVET_CHAN_VA), 0);
}

/* Errors of notify_cap and yield_cap for slots that hold no right. */
static void bad_slots(void)
{
	const struct rivet_info *in = rivet_info();
	unsigned long ns = in->channels[0].notify_slot;

	EXPECT_EQ("notify_cap_slot_past_the_space",
		  sys_notify_cap(1UL << 40, 0), E_INVAL);
	EXPECT_EQ("notify_cap_empty_slot", sys_notify_cap(200, 0), E_NOENT);
	EXPECT_EQ("notify_cap_frame_slot",
		  sys_notify_cap(in->channels[0].frame_slot, 0), E_INVAL);
	EXPECT_EQ("notify_cap_domain_slot", sys_notify_cap(RIVET_SLOT_SELF, 0),
		  E_INVAL);
	EXPECT_EQ("yield_cap_frame_slot",
		  sys_yield_cap(in->channels[0].frame_slot), E_INVAL);
	EXPECT_EQ("notify_cap_bits_outside_the_badge",
		  sys_notify_cap(ns, bit_of(0) << 1), E_PERM);
	EXPECT_EQ("notify_cap_kernel_bits",
		  sys_notify_cap(ns, RIVET_EVENT_REVOKED), E_PERM);
	EXPECT_EQ("notify_wait_empty_mask", sys_notify_wait(ns, 0, 0), E_INVAL);
	EXPECT_EQ("notify_wait_empty_slot", sys_notify_wait(200, 0, 1),
		  E_NOENT);
	EXPECT_EQ("derive_notify_widening_the_badge_is_perm",
		  sys_cap_derive(ns, ~0UL, RIVET_CAP_W, 1), E_PERM);
}

/* A copy signals like the original until the original's holder revokes
 * it; then its slot is empty. */
static void revoke_stops_signals(unsigned long ns)
{
	volatile uint64_t *w = shared(0);
	struct rivet_ret r = sys2_cap_derive(ns, ~0UL, RIVET_CAP_W, 0);

	EXPECT_EQ("derive_notify_copy", r.rc, 0);
	w[W_CMD] = CMD_PING;
	EXPECT_EQ("notify_through_a_copy", sys_notify_cap(r.val, 0), 0);
	/* No handoff through a copy: b has not run yet. */
	EXPECT_EQ("copy_has_no_handoff", w[W_PINGS], 0);
	sys_yield_cap(RIVET_YIELD_ANY); /* b counts the ping, waits again */
	EXPECT_EQ("copy_signal_arrived", w[W_PINGS], 1);
	EXPECT_EQ("revoke_notify_original", sys_cap_revoke(ns), 0);
	EXPECT_EQ("notify_after_revoke_is_noent", sys_notify_cap(r.val, 0),
		  E_NOENT);
	EXPECT_EQ("yield_cap_after_revoke_is_noent", sys_yield_cap(r.val),
		  E_NOENT);
}

static void role_chan_a(void)
{
	const struct rivet_info *in = rivet_info();
	volatile uint64_t *w = shared(0);
	unsigned long ns = in->channels[0].notify_slot;

	check_entry("t_chan_b", 1, 8192);
	w[W_PADDR] =
		sys2_cap_info(in->channels[0].frame_slot, RIVET_CAPINFO_OBJECT)
			.val;
	bad_slots();
	while (w[W_READY] != READY)
		sys2_wait(bit_of(0));
	w[W_A_RAN] = 1;
	/* Handoff: b waits, so it runs before this notify returns. */
	w[W_REQUEST] = REQUEST;
	EXPECT_EQ("notify_cap_handoff", sys_notify_cap(ns, 0), 0);
	EXPECT_EQ("handoff_ran_the_peer_at_once", w[W_REPLY], REQUEST + 1);
	EXPECT_EQ("yield_cap_to_a_waiting_peer_is_busy", sys_yield_cap(ns),
		  E_BUSY);
	revoke_stops_signals(ns);
	/* b ends in the handoff; its end of the channel goes with it. */
	w[W_CMD] = CMD_EXIT;
	EXPECT_EQ("notify_cap_exit_command", sys_notify_cap(ns, 0), 0);
	EXPECT_EQ("peer_death_event", sys2_wait(RIVET_EVENT_CHANNEL).val,
		  RIVET_EVENT_CHANNEL);
	EXPECT_EQ("peer_death_state", in->channels[0].state,
		  RIVET_CHAN_PEER_DEAD);
	EXPECT_EQ("notify_cap_dead_peer_is_noent", sys_notify_cap(ns, 0),
		  E_NOENT);
	EXPECT_EQ("yield_cap_dead_peer_is_noent", sys_yield_cap(ns), E_NOENT);
	EXPECT_EQ("owner_frames_outlive_the_peer", w[W_REPLY], REQUEST + 1);
	EXPECT_EQ("both_ends_map_the_same_frames", w[W_PADDR_B], w[W_PADDR]);
}

static void role_chan_b(void)
{
	const struct rivet_info *in = rivet_info();
	volatile uint64_t *w = shared(0);
	unsigned long ns = in->channels[0].notify_slot;

	check_entry("t_chan_a", 0, 8192);
	w[W_PADDR_B] =
		sys2_cap_info(in->channels[0].frame_slot, RIVET_CAPINFO_OBJECT)
			.val;
	w[W_READY] = READY;
	EXPECT_EQ("notify_cap_wakes_the_peer", sys_notify_cap(ns, 0), 0);
	/* b's end has no handoff: a woke but has not run. */
	EXPECT_EQ("no_handoff_without_the_flag", w[W_A_RAN], 0);
	EXPECT_EQ("wait_gets_the_channel_bit", sys2_wait(bit_of(0)).val,
		  bit_of(0));
	EXPECT_EQ("request_seen", w[W_REQUEST], REQUEST);
	w[W_REPLY] = w[W_REQUEST] + 1;
	for (;;) {
		sys2_wait(bit_of(0));
		if (w[W_CMD] == CMD_EXIT)
			return;
		w[W_PINGS]++;
	}
}

/* c owns its channel's frames and ends while d waits on the channel. */
static void role_chan_c(void)
{
	volatile uint64_t *w = shared(0);

	while (w[W_READY] != READY)
		sys2_wait(bit_of(0));
}

static void role_chan_d(void)
{
	const struct rivet_info *in = rivet_info();
	volatile uint64_t *w = shared(0);
	uint64_t revoked = in->revoked_count;
	struct rivet_ret r;

	check_entry("t_chan_c", 0, 4096);
	w[W_READY] = READY;
	sys_notify_cap(in->channels[0].notify_slot, 0);
	r = sys2_wait(bit_of(0) | RIVET_EVENT_CHANNEL);
	EXPECT_EQ("waiting_end_woken_by_peer_death",
		  r.val & RIVET_EVENT_CHANNEL, RIVET_EVENT_CHANNEL);
	EXPECT_EQ("peer_death_state_at_the_waiter", in->channels[0].state,
		  RIVET_CHAN_PEER_DEAD);
	EXPECT_EQ("owner_death_unmaps_the_frames", rivet_pte(RIVET_CHAN_VA), 0);
	EXPECT_EQ("owner_death_revokes_the_copy", in->revoked_count,
		  revoked + 1);
	EXPECT_EQ("frame_slot_empty_after_owner_death",
		  cap_type(in->channels[0].frame_slot), E_NOENT);
	EXPECT_EQ("notify_cap_after_owner_death_is_noent",
		  sys_notify_cap(in->channels[0].notify_slot, 0), E_NOENT);
}

/* A domain with no channel holds no notification capability: every slot
 * it could name is refused, and nothing is mapped where a channel goes. */
static void role_chan_x(void)
{
	unsigned long s;
	long worst = 0;

	EXPECT_EQ("stranger_has_no_channel", rivet_info()->nchannels, 0);
	EXPECT_EQ("stranger_has_nothing_mapped", rivet_pte(RIVET_CHAN_VA), 0);
	for (s = 0; s < 64; s++) {
		long rc = sys_notify_cap(s, 1UL << RIVET_CHAN_BIT0);

		if (rc != E_INVAL && rc != E_NOENT)
			worst = rc ? rc : 1;
	}
	EXPECT_EQ("stranger_cannot_notify_through_any_slot", worst, 0);
	EXPECT_EQ("stranger_cannot_yield_cap", sys_yield_cap(RIVET_SLOT_SELF),
		  E_INVAL);
}

/*
 * e receives through the blocking layer on its configured channel; f is a
 * hostile producer. Its lie about the ring's head makes e's receive fail
 * cleanly (E_RANGE, the ring marked corrupt); then f ends while e is
 * blocked in a receive on a second ring, which returns E_NOENT instead of
 * hanging. e owns the frames: they stay mapped.
 */
static void role_chan_e(void)
{
	const struct rivet_info *in = rivet_info();
	uint8_t *va = (uint8_t *)(uintptr_t)in->channels[0].va;
	struct chan_spsc r1, r2;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	uint64_t m;

	EXPECT_EQ("chan_hooks_rivet_conf", chan_hooks_rivet_conf(&h, &p, 0), 0);
	EXPECT_EQ("chan_hooks_rivet_conf_no_such_channel",
		  chan_hooks_rivet_conf(&h, &p, 1), E_NOENT);
	chan_spsc_init(&r1, va, 2048, sizeof(m), CHAN_CONSUMER);
	chan_spsc_init(&r2, va + 2048, 2048, sizeof(m), CHAN_CONSUMER);
	EXPECT_EQ("scribbled_head_is_refused", chan_spsc_pop(&r1, &h, &m),
		  E_RANGE);
	EXPECT_EQ("scribbled_ring_stays_corrupt", chan_spsc_corrupt(&r1), 1);
	EXPECT_EQ("receive_when_the_peer_dies_is_noent",
		  chan_spsc_pop(&r2, &h, &m), E_NOENT);
	EXPECT_EQ("survivor_state_peer_dead", in->channels[0].state,
		  RIVET_CHAN_PEER_DEAD);
	report("survivor_keeps_its_frames", rivet_pte((uintptr_t)va) != 0,
	       "pte %ld", (long)rivet_pte((uintptr_t)va), 0);
}

static void role_chan_f(void)
{
	const struct rivet_info *in = rivet_info();
	volatile uint32_t *head =
		(volatile uint32_t *)(uintptr_t)in->channels[0].va;

	*head = 0x7fffffffu; /* far more than a ring of messages */
	EXPECT_EQ("hostile_notify",
		  sys_notify_cap(in->channels[0].notify_slot, 0), 0);
	/* e runs, finds the lie, and blocks on its second ring; then f
	 * ends, mid-call for e. */
	EXPECT_EQ("hostile_yield_cap",
		  sys_yield_cap(in->channels[0].notify_slot), 0);
}

#define BP_MESSAGES 20000

/* One ring over the whole region, g producing, h consuming. */
static int bp_attach(struct chan_spsc *c, struct chan_hooks *h,
		     struct chan_rivet_peer *p, unsigned flags)
{
	const struct rivet_info *in = rivet_info();

	return chan_hooks_rivet_conf(h, p, 0) ||
	       chan_spsc_init(c, (void *)(uintptr_t)in->channels[0].va,
			      in->channels[0].size, sizeof(uint64_t), flags);
}

static void role_chan_g(void)
{
	struct chan_spsc c;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	long fulls = 0, rc = 0;

	if (bp_attach(&c, &h, &p, CHAN_PRODUCER)) {
		report("backpressure_attach", 0, "%ld", 0, 0);
		return;
	}
	for (uint64_t i = 0; i < BP_MESSAGES && !rc; i++) {
		/* A send refused for want of room is the back-pressure;
		 * the blocking push then waits for the consumer. */
		if (chan_spsc_send(&c, &i) == E_BUSY) {
			fulls++;
			rc = chan_spsc_push(&c, &h, &i);
		}
		chan_wake(&h, &c.sh->cons_waiting);
	}
	EXPECT_EQ("backpressure_producer_done", rc, 0);
	report("backpressure_ring_was_full", fulls > 0, "full %ld times", fulls,
	       0);
}

static void role_chan_h(void)
{
	struct chan_spsc c;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	uint64_t want = 0, m;
	long rc = 0;

	if (bp_attach(&c, &h, &p, CHAN_CONSUMER)) {
		report("backpressure_attach", 0, "%ld", 0, 0);
		return;
	}
	/* Give g the CPU first so that it fills the ring. */
	sys_yield_cap(RIVET_YIELD_ANY);
	while (want < BP_MESSAGES && !rc) {
		rc = chan_spsc_pop(&c, &h, &m);
		if (!rc && m != want)
			break;
		want++;
	}
	report("backpressure_no_loss_in_order", !rc && want == BP_MESSAGES,
	       "stopped at %ld (rc %ld)", (long)want, rc);
}

/* A channel the kernel could not complete leaves nothing behind. */
static void chan_failed(const char *peer)
{
	const struct rivet_info *in = rivet_info();

	EXPECT_EQ("failed_channel_state", in->channels[0].state,
		  RIVET_CHAN_FAILED);
	report("failed_channel_names_the_peer",
	       !strcmp(in->channels[0].peer, peer), "nchannels %ld",
	       (long)in->nchannels, 0);
	EXPECT_EQ("failed_channel_nothing_mapped", rivet_pte(RIVET_CHAN_VA), 0);
	EXPECT_EQ("failed_channel_only_own_slot",
		  sys2_kstat(KSTAT_MY_SLOTS).val, 1);
	EXPECT_EQ("failed_channel_no_revocation_told", in->revoked_count, 0);
}

/* Both print their frame count: y's must equal z's (same image, memory
 * and slots), so y's channel frames went back (test_channels.py). */
static void role_chan_y(void)
{
	chan_failed("t_chan_z");
	printf("t_chan_y: frames %ld\n", (long)sys2_kstat(KSTAT_MY_FRAMES).val);
}

static void role_chan_z(void)
{
	chan_failed("t_chan_y");
	printf("t_chan_z: frames %ld\n", (long)sys2_kstat(KSTAT_MY_FRAMES).val);
}

const struct role channels_roles[] = {
	{ "t_chan_a", role_chan_a }, { "t_chan_b", role_chan_b },
	{ "t_chan_c", role_chan_c }, { "t_chan_d", role_chan_d },
	{ "t_chan_e", role_chan_e }, { "t_chan_f", role_chan_f },
	{ "t_chan_g", role_chan_g }, { "t_chan_h", role_chan_h },
	{ "t_chan_y", role_chan_y }, { "t_chan_z", role_chan_z },
	{ "t_chan_x", role_chan_x }, { 0 },
};
