/* SPDX-License-Identifier: MIT */
/*
 * pingpong: two domains doing request/response round trips over two
 * channel rings (<rivet/channel.h>) in the region of a channel the boot
 * configuration declares ([channel ping pong]). The kernel allocated the
 * frames (zeroed: both rings start empty), mapped them into both domains
 * and gave each a notification capability for the other; each finds all
 * of it in its info page. "ping" sends PINGPONG_ROUNDS requests on the
 * first ring, checking each answer and summing them; "pong" answers on
 * the second until the last request. Both wait through the channel's
 * blocking layer: on one hart every message is a wait and a notify
 * (with handoff = yes, the notify runs the waiting peer at once); with
 * each on a hart of its own (`hart =`) each spins for the other's
 * answer instead (docs/channels.md, "Spinning").
 *
 * Output (tests/qemu/test_pingpong.py): "pingpong: N round trips,
 * checksum 0x..., ok" from ping, or a line saying what went wrong, and
 * "pingpong <name>: K kernel entries, W of them waits" from each (the
 * calls of its channel hooks).
 */
#include <stdio.h>
#include <string.h>

#include <rivet/channel.h>
#include <rivet/libos.h>

#define ROUNDS 100000

/* A message: the round and the value; the answer is answer(value). */
struct msg {
	uint64_t round;
	uint64_t value;
};

static uint64_t answer(uint64_t v)
{
	return v * 0x9e3779b97f4a7c15ULL + 1;
}

/*
 * Attaches to the configured channel: requests (ping -> pong) in the
 * first half of the region, answers (pong -> ping) in the second. No
 * reset: the kernel hands the region over zeroed, before either runs.
 */
/* This domain's wait and notify calls: its kernel entries. */
static struct chan_count count;

static void report(const char *name)
{
	printf("pingpong %s: %lu kernel entries, %lu of them waits\n", name,
	       count.waits + count.notifies, count.waits);
}

static int attach(bool is_ping, struct chan_spsc *req, struct chan_spsc *rsp,
		  struct chan_hooks *h, struct chan_rivet_peer *p)
{
	const struct rivet_info *in = rivet_info();
	uint8_t *va;
	size_t half;

	if (chan_hooks_rivet_conf(h, p, 0)) {
		printf("pingpong: no channel in the configuration\n");
		return 1;
	}
	chan_hooks_count(h, &count);
	va = (uint8_t *)(uintptr_t)in->channels[0].va;
	half = in->channels[0].size / 2;
	return chan_spsc_init(req, va, half, sizeof(struct msg),
			      is_ping ? CHAN_PRODUCER : CHAN_CONSUMER) ||
	       chan_spsc_init(rsp, va + half, half, sizeof(struct msg),
			      is_ping ? CHAN_CONSUMER : CHAN_PRODUCER);
}

static int ping(void)
{
	struct chan_spsc req, rsp;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	struct msg m, a;
	uint64_t sum = 0, expect = 0;
	long rc;

	if (attach(true, &req, &rsp, &h, &p))
		return 1;
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
	report("ping");
	return sum != expect;
}

static int pong(void)
{
	struct chan_spsc req, rsp;
	struct chan_rivet_peer p;
	struct chan_hooks h;
	struct msg m;
	long rc;

	if (attach(false, &req, &rsp, &h, &p))
		return 1;
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
	report("pong");
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
