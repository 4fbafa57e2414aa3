// SPDX-License-Identifier: MIT
/*
 * Channel queues driven by the fuzzer, seen from the consumer: each input
 * byte pair is an operation (send, receive, batch, or the other domain
 * writing a word anywhere in the shared page), so counters, flags and
 * MPMC sequence words take every value a hostile peer could give them.
 * Each page is allocated at its exact size so that ASan catches any
 * access outside it; while nobody scribbles, messages come out exactly
 * as they went in.
 */
#include <assert.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/channel.h>

#define PAGE 512 /* SPSC: 48 slots of 8 bytes fit, 32 used */

/* The peer writes 4 bytes of input at a word offset into a page. */
static void scribble(uint8_t *page, const uint8_t *data, unsigned where)
{
	memcpy(page + (where * 4) % PAGE, data, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *sp_page = aligned_alloc(64, PAGE);
	uint8_t *mq_page = aligned_alloc(64, PAGE);
	struct chan_spsc prod, cons;
	struct chan_mpmc mq;
	uint64_t sp_in = 0, sp_out = 0, mq_in = 0, mq_out = 0, v;
	bool sp_honest = true, mq_honest = true;
	const uint64_t *r;
	uint64_t *w;
	size_t i;
	unsigned n;

	assert(sp_page && mq_page);
	assert(chan_spsc_init(&prod, sp_page, PAGE, 8,
			      CHAN_RESET | CHAN_PRODUCER) == 0);
	assert(chan_spsc_init(&cons, sp_page, PAGE, 8, CHAN_CONSUMER) == 0);
	assert(chan_mpmc_init(&mq, mq_page, PAGE, 8, CHAN_RESET) == 0);
	for (i = 0; i + 1 < size; i += 2) {
		n = data[i + 1];
		switch (data[i] % 8) {
		case 0: /* the producer sends n % 8 messages in one batch */
			for (unsigned k = 0; k < n % 8; k++) {
				w = chan_spsc_alloc(&prod);
				if (!w)
					break;
				*w = sp_in++;
			}
			chan_spsc_publish(&prod);
			break;
		case 1: /* the consumer takes up to n messages, one by one */
			for (unsigned k = 0; k < n; k++) {
				if (chan_spsc_recv(&cons, &v))
					break;
				assert(!sp_honest || v == sp_out);
				sp_out++;
			}
			break;
		case 2: /* ... or as one batch */
			while ((r = chan_spsc_next(&cons))) {
				v = *r;
				assert(!sp_honest || v == sp_out);
				sp_out++;
			}
			chan_spsc_consume(&cons);
			break;
		case 3: /* an MPMC producer */
			for (unsigned k = 0; k < n % 8; k++)
				if (chan_mpmc_send(&mq, &mq_in) == 0)
					mq_in++;
			break;
		case 4: /* an MPMC consumer */
			for (unsigned k = 0; k < n % 8; k++) {
				if (chan_mpmc_recv(&mq, &v))
					break;
				assert(!mq_honest || v == mq_out);
				mq_out++;
			}
			break;
		case 5: /* the peer writes 4 bytes into the SPSC page */
		case 6: /* ... into the MPMC page */
			if (size - (i + 2) < 4)
				goto out;
			scribble(data[i] % 8 == 5 ? sp_page : mq_page,
				 &data[i + 2], n);
			if (data[i] % 8 == 5)
				sp_honest = false;
			else
				mq_honest = false;
			i += 4;
			break;
		case 7: /* an honest run never trips the corruption check */
			assert(!sp_honest || (!chan_spsc_corrupt(&prod) &&
					      !chan_spsc_corrupt(&cons)));
			break;
		}
	}
out:
	free(sp_page);
	free(mq_page);
	return 0;
}
