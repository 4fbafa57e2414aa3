/* SPDX-License-Identifier: MIT */
/*
 * pingpong: two domains doing request/response round trips over two
 * channel rings (<rivet/channel.h>) in one frame. The domain named "ping"
 * allocates the frame, sets up the request ring it produces into, grants
 * the frame to its first peer ("pong", which must `accept = ping 1`) and
 * sends PINGPONG_ROUNDS requests, checking each answer and summing them;
 * "pong" finds the frame by its badge, sets up the answer ring and
 * answers until the last request. Both sleep through the channel's
 * blocking layer, so on one hart every message is a wait and a notify.
 *
 * Output (tests/qemu/test_pingpong.py): "pingpong: N round trips,
 * checksum 0x..., ok" from ping, or a line saying what went wrong.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/channel.h>
#include <rivet/libos.h>

#define PAGE_SIZE 4096UL
#define RING_VA	  0x20200000UL /* where both map the frame */
#define BADGE	  0x676e6970UL /* "ping" */
#define EV_CHAN	  (1UL << 20)  /* the channel's event bit */
#define MAX_SLOTS 1024
#define ROUNDS	  100000

/* The two rings: requests (ping -> pong) then answers (pong -> ping). */
#define REQ_VA RING_VA
#define RSP_VA (RING_VA + PAGE_SIZE / 2)

/* A message: the round and the value; the answer is answer(value). */
struct msg {
	uint64_t round;
	uint64_t value;
};

static uint64_t answer(uint64_t v)
{
	return v * 0x9e3779b97f4a7c15ULL + 1;
}

static int ping(void)
{
	struct chan_spsc req, rsp;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	struct rivet_ret r;
	struct msg m, a;
	uint64_t sum = 0, expect = 0;
	long frame, peer_id, rc;

	r = sys2_frame_alloc(RIVET_FRAME_ANY, 1, 1);
	if (r.rc) {
		printf("pingpong: no frame (%ld)\n", r.rc);
		return 1;
	}
	frame = (long)r.val;
	rc = sys_map(frame, RING_VA, RIVET_CAP_R | RIVET_CAP_W);
	r = sys2_cap_info(RIVET_SLOT_PEER0, RIVET_CAPINFO_OBJECT);
	if (rc || r.rc) {
		printf("pingpong: cannot map the frame or find pong (%ld, %ld)\n",
		       rc, r.rc);
		return 1;
	}
	peer_id = (long)r.val;
	/* Both rings are reset here, before pong can see them: a reset
	 * while the other side runs could erase its waiting flag. The
	 * consumer's handle may reset too (CHAN_RESET zeroes the page's
	 * counters and flags whichever end asks). */
	if (chan_spsc_init(&req, (void *)REQ_VA, PAGE_SIZE / 2, sizeof(m),
			   CHAN_RESET | CHAN_PRODUCER) ||
	    chan_spsc_init(&rsp, (void *)RSP_VA, PAGE_SIZE / 2, sizeof(m),
			   CHAN_RESET | CHAN_CONSUMER))
		return 1;
	rc = sys_cap_derive(frame, RIVET_SLOT_PEER0, RIVET_CAP_R | RIVET_CAP_W,
			    BADGE);
	if (rc) {
		printf("pingpong: cannot grant the frame to pong (%ld)\n", rc);
		return 1;
	}
	chan_hooks_rivet(&h, &p, peer_id, EV_CHAN, 0);
	sys_notify(peer_id, EV_CHAN); /* the frame is there */
	for (uint64_t i = 0; i < ROUNDS; i++) {
		m.round = i;
		m.value = i ^ 0x5555;
		rc = chan_spsc_push(&req, &h, &m);
		if (!rc)
			rc = chan_spsc_pop(&rsp, &h, &a);
		if (rc || a.round != i || a.value != answer(m.value)) {
			printf("pingpong: round %llu failed (%ld)\n",
			       (unsigned long long)i, rc);
			return 1;
		}
		sum += a.value;
		expect += answer(i ^ 0x5555);
	}
	printf("pingpong: %d round trips, checksum 0x%016llx, %s\n", ROUNDS,
	       (unsigned long long)sum, sum == expect ? "ok" : "MISMATCH");
	return sum != expect;
}

/* The slot of ping's badged frame, or E_NOENT. */
static long find_frame(void)
{
	struct rivet_ret r;

	for (long slot = 0; slot < MAX_SLOTS; slot++) {
		r = sys2_cap_info(slot, RIVET_CAPINFO_TYPE);
		if (r.rc == E_INVAL)
			break; /* past the last slot */
		if (r.rc || (r.val & 0xff) != RIVET_CAP_FRAME)
			continue;
		r = sys2_cap_info(slot, RIVET_CAPINFO_BADGE);
		if (!r.rc && r.val == BADGE)
			return slot;
	}
	return E_NOENT;
}

static int pong(void)
{
	struct chan_spsc req, rsp;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	struct msg m;
	long slot, peer_id = rivet_domain_lookup("ping"), rc;

	if (peer_id < 0) {
		printf("pingpong: no domain named ping\n");
		return 1;
	}
	while ((slot = find_frame()) < 0) {
		if (!rivet_domain_alive(peer_id))
			return 1;
		sys2_wait(EV_CHAN | RIVET_EVENT_PEER_EXIT);
	}
	rc = sys_map(slot, RING_VA, RIVET_CAP_R | RIVET_CAP_W);
	if (rc ||
	    chan_spsc_init(&req, (void *)REQ_VA, PAGE_SIZE / 2, sizeof(m),
			   CHAN_CONSUMER) ||
	    chan_spsc_init(&rsp, (void *)RSP_VA, PAGE_SIZE / 2, sizeof(m),
			   CHAN_PRODUCER)) {
		printf("pingpong: cannot map ping's frame (%ld)\n", rc);
		return 1;
	}
	chan_hooks_rivet(&h, &p, peer_id, EV_CHAN, RING_VA);
	/* Values come from another domain: answered, never trusted. */
	do {
		rc = chan_spsc_pop(&req, &h, &m);
		if (rc)
			break;
		m.value = answer(m.value);
		rc = chan_spsc_push(&rsp, &h, &m);
	} while (!rc && m.round + 1 < ROUNDS);
	if (rc)
		printf("pingpong: pong stops (%ld)\n", rc);
	return rc != 0;
}

int main(void)
{
	const char *name = rivet_info()->name;

	if (!strcmp(name, "ping"))
		return ping();
	if (!strcmp(name, "pong"))
		return pong();
	printf("pingpong: name the domains ping and pong, not %s\n", name);
	return 1;
}
