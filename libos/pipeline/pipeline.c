/* SPDX-License-Identifier: MIT */
/*
 * pipeline: three domains streaming 64 MiB through two configured
 * channels (docs/channels.md), producer -> filter -> consumer, in 1 KiB
 * messages. The domain's name picks its stage:
 *
 *   producer  generates the stream (xorshift64 words) into the ring it
 *             shares with the filter;
 *   filter    xors every byte with 0x5a on its way to the consumer's
 *             ring ("args = corrupt" flips one byte of one message, so
 *             that tests/qemu/test_pipeline.py sees the check fail);
 *   consumer  hashes what arrives and compares it with the hash of the
 *             stream it computes itself from the same generator and
 *             transform.
 *
 * Without a filter (a configuration with only [channel consumer
 * producer]) the producer feeds the consumer directly, the stream is
 * checked untransformed, and the producer hashes what it sends as the
 * consumer hashes what it gets: two domains doing about the same work
 * per message, the steady stream docs/performance.md measures
 * (chan_syscalls_per_kmsg).
 *
 * Each ring fills its channel's whole region. The stages work on the
 * slots in place (chan_spsc_alloc / chan_spsc_next, no copy) and publish
 * or consume in batches; they wait through chan_spsc_wait only when a
 * ring is full or empty (spinning first if the peer runs on another
 * hart). Every kernel entry the channel layer makes is a call of its
 * wait or notify hook, so the stages count those calls: under steady
 * load on one hart one per batch, on separate harts almost none.
 *
 * Output: "pipeline <stage>: N messages, K kernel entries, W of them
 * waits" from each, "pipeline producer: sent hash 0x..." from a producer
 * without a filter, and "TEST pipeline_checksum: PASS" (or FAIL with
 * both hashes) from the consumer.
 */
#include <stdio.h>
#include <string.h>

#include <rivet/channel.h>
#include <rivet/libos.h>

#define MSG_BYTES    1024
#define MSG_WORDS    (MSG_BYTES / 8)
#define STREAM_BYTES (64UL << 20)
#define MESSAGES     (STREAM_BYTES / MSG_BYTES)
#define BATCH	     64 /* messages per publish / consume: half a 256 KiB ring */
#define SEED	     0x243f6a8885a308d3ULL
#define XOR_5A	     0x5a5a5a5a5a5a5a5aULL /* byte-wise x ^ 0x5a, a word at once */
#define FNV_BASIS    0xcbf29ce484222325ULL
#define FNV_PRIME    0x100000001b3ULL

/* One end of a ring, its hooks and how often they entered the kernel. */
struct end {
	struct chan_spsc ring;
	struct chan_hooks hooks;
	struct chan_rivet_peer peer;
	struct chan_count count; /* the hooks' calls: kernel entries */
	unsigned chan;		 /* index in rivet_info()->channels[] */
};

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t fnv_word(uint64_t h, uint64_t w)
{
	return (h ^ w) * FNV_PRIME;
}

/* Attaches to the configured channel shared with domain `peer`. */
static int attach(struct end *e, const char *peer, unsigned flags)
{
	const struct rivet_info *in = rivet_info();

	for (unsigned i = 0; i < in->nchannels; i++) {
		if (strcmp(in->channels[i].peer, peer))
			continue;
		if (chan_hooks_rivet_conf(&e->hooks, &e->peer, i))
			break;
		chan_hooks_count(&e->hooks, &e->count);
		e->chan = i;
		/* The kernel hands the region over zeroed: no reset. */
		if (chan_spsc_init(&e->ring,
				   (void *)(uintptr_t)in->channels[i].va,
				   in->channels[i].size, MSG_BYTES, flags))
			return -1;
		/* Say where we run before the first wait: the slowest
		 * stage never waits, yet its peers spin on its word. */
		chan_spsc_announce(&e->ring, &e->hooks);
		return 0;
	}
	printf("pipeline: no channel with %s in the configuration\n", peer);
	return -1;
}

/* The next free slot, publishing what is pending and sleeping if full. */
static uint64_t *slot_to_fill(struct end *e, long *rc)
{
	uint64_t *m = chan_spsc_alloc(&e->ring);

	if (m)
		return m;
	*rc = chan_spsc_publish_wake(&e->ring, &e->hooks);
	if (!*rc)
		*rc = chan_spsc_wait(&e->ring, &e->hooks);
	if (!*rc && !(m = chan_spsc_alloc(&e->ring)))
		*rc = E_RANGE; /* woken with room, yet none: a corrupt ring */
	return m;
}

/* The next message, giving back what was read and sleeping if empty. */
static const uint64_t *slot_to_read(struct end *e, long *rc)
{
	const uint64_t *m = chan_spsc_next(&e->ring);

	if (m)
		return m;
	*rc = chan_spsc_consume_wake(&e->ring, &e->hooks);
	if (!*rc)
		*rc = chan_spsc_wait(&e->ring, &e->hooks);
	if (!*rc && !(m = chan_spsc_next(&e->ring)))
		*rc = E_RANGE;
	return m;
}

/* Publishes (consumes) every BATCH messages, and after the last one. */
static long batch_done(struct end *e, unsigned long n, bool producer)
{
	if ((n + 1) % BATCH && n + 1 != MESSAGES)
		return 0;
	return producer ? chan_spsc_publish_wake(&e->ring, &e->hooks)
			: chan_spsc_consume_wake(&e->ring, &e->hooks);
}

/*
 * A reader owns its ring's frames (named first in its [channel]), and
 * they go when it ends; the writer may still be in its last wake-up
 * (loading the waiting flag) after the reader has taken the last message.
 * So the reader ends only once the kernel has marked the writer dead.
 * Not counted: the stream is over.
 */
static void outlive_writer(struct end *e)
{
	const volatile uint8_t *state = &rivet_info()->channels[e->chan].state;

	while (*state == RIVET_CHAN_UP &&
	       !e->count.inner.wait(e->count.inner.arg))
		;
}

/* Prints the stage's figures: its ends' kernel entries, and of them
 * the waits (the rest are notifies). b may be NULL. */
static int report(const char *stage, unsigned long n, long rc,
		  const struct end *a, const struct end *b)
{
	unsigned long waits = a->count.waits + (b ? b->count.waits : 0);
	unsigned long entries =
		waits + a->count.notifies + (b ? b->count.notifies : 0);

	if (rc)
		printf("pipeline %s: stops after %lu messages (%ld)\n", stage,
		       n, rc);
	printf("pipeline %s: %lu messages, %lu kernel entries, %lu of them "
	       "waits\n",
	       stage, n, entries, waits);
	return rc != 0;
}

/* Is there a filter stage (a channel with it in our configuration)? */
static bool has_filter(void)
{
	const struct rivet_info *in = rivet_info();

	for (unsigned i = 0; i < in->nchannels; i++)
		if (!strcmp(in->channels[i].peer, "filter"))
			return true;
	return false;
}

static int producer(void)
{
	bool direct = !has_filter();
	struct end out;
	uint64_t s = SEED, sent = FNV_BASIS;
	unsigned long n;
	long rc = 0;

	if (attach(&out, direct ? "consumer" : "filter", CHAN_PRODUCER))
		return 1;
	for (n = 0; n < MESSAGES && !rc; n++) {
		uint64_t *m = slot_to_fill(&out, &rc);

		if (!m)
			break;
		for (int w = 0; w < MSG_WORDS; w++) {
			m[w] = xorshift64(&s);
			/* The consumer's work, so that a direct stream has
			 * two ends of about equal speed. */
			if (direct)
				sent = fnv_word(sent, m[w]);
		}
		rc = batch_done(&out, n, true);
	}
	chan_spsc_leave(&out.ring); /* our reader spins on us no more */
	if (direct)
		printf("pipeline producer: sent hash 0x%016llx\n",
		       (unsigned long long)sent);
	return report("producer", n, rc, &out, NULL);
}

/* The filter's input is another domain's: copied through, never trusted
 * beyond the ring's own checks. */
static int filter(bool corrupt)
{
	struct end in, out;
	unsigned long n;
	long rc = 0;

	if (attach(&in, "producer", CHAN_CONSUMER) ||
	    attach(&out, "consumer", CHAN_PRODUCER))
		return 1;
	for (n = 0; n < MESSAGES && !rc; n++) {
		const uint64_t *a = slot_to_read(&in, &rc);
		uint64_t *b = a ? slot_to_fill(&out, &rc) : NULL;

		if (!b)
			break;
		for (int w = 0; w < MSG_WORDS; w++)
			b[w] = a[w] ^ XOR_5A;
		if (corrupt && n == MESSAGES / 2)
			((uint8_t *)b)[3] ^= 1;
		rc = batch_done(&in, n, false);
		if (!rc)
			rc = batch_done(&out, n, true);
	}
	chan_spsc_leave(&in.ring);
	chan_spsc_leave(&out.ring);
	outlive_writer(&in);
	return report("filter", n, rc, &in, &out);
}

static int consumer(void)
{
	bool direct = !has_filter();
	uint64_t transform = direct ? 0 : XOR_5A;
	struct end in;
	uint64_t s = SEED, got = FNV_BASIS, want = FNV_BASIS;
	unsigned long n;
	long rc = 0;

	if (attach(&in, direct ? "producer" : "filter", CHAN_CONSUMER))
		return 1;
	for (n = 0; n < MESSAGES && !rc; n++) {
		const uint64_t *m = slot_to_read(&in, &rc);

		if (!m)
			break;
		for (int w = 0; w < MSG_WORDS; w++) {
			got = fnv_word(got, m[w]);
			want = fnv_word(want, xorshift64(&s) ^ transform);
		}
		rc = batch_done(&in, n, false);
	}
	chan_spsc_leave(&in.ring);
	outlive_writer(&in);
	if (!rc && n == MESSAGES && got == want)
		printf("TEST pipeline_checksum: PASS\n");
	else
		printf("TEST pipeline_checksum: FAIL got 0x%016llx want "
		       "0x%016llx\n",
		       (unsigned long long)got, (unsigned long long)want);
	return report("consumer", n, rc, &in, NULL) || got != want;
}

int main(void)
{
	const struct rivet_info *in = rivet_info();

	if (!strcmp(in->name, "producer"))
		return producer();
	if (!strcmp(in->name, "filter"))
		return filter(!strcmp(in->args, "corrupt"));
	if (!strcmp(in->name, "consumer"))
		return consumer();
	printf("pipeline: name the domains producer, filter and consumer, "
	       "not %s\n",
	       in->name);
	return 1;
}
