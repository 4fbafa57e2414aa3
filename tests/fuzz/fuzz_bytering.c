// SPDX-License-Identifier: MIT
/*
 * The shared byte queue driven by the fuzzer: each input byte pair is an
 * operation (put, get, or the other domain writing a counter), so the
 * counters take every value a hostile peer could give them. The page is
 * allocated at its exact size so that ASan catches any access outside
 * it; while nobody scribbles, the consumer must get exactly the bytes
 * put, in order.
 */
#include <assert.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rivet/bytering.h>

#define PAGE 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[PAGE], out[PAGE], next_in = 0, next_out = 0;
	uint8_t *page = malloc(PAGE);
	struct bytering prod, cons;
	bool honest = true;
	size_t i, n, k;

	assert(page);
	bytering_init(&prod, page, PAGE, true);
	bytering_init(&cons, page, PAGE, false);
	for (i = 0; i + 1 < size; i += 2) {
		n = data[i + 1];
		switch (data[i] & 3) {
		case 0: /* put n bytes of a running sequence */
			for (k = 0; k < n; k++)
				in[k] = (uint8_t)(next_in + k);
			if (bytering_put(&prod, in, n) == n && n)
				next_in = (uint8_t)(next_in + n);
			break;
		case 1: /* get up to n bytes */
			n = bytering_get(&cons, out, n);
			for (k = 0; honest && k < n; k++)
				assert(out[k] == (uint8_t)(next_out + k));
			next_out = (uint8_t)(next_out + n);
			break;
		case 2: /* the consumer's domain writes head */
		case 3: /* the producer's domain writes tail: any 4 bytes */
			if (size - (i + 1) < sizeof(uint32_t)) {
				free(page);
				return 0;
			}
			memcpy(page + ((data[i] & 3) == 2
					       ? offsetof(
							 struct bytering_shared,
							 head)
					       : offsetof(
							 struct bytering_shared,
							 tail)),
			       &data[i + 1], sizeof(uint32_t));
			honest = false;
			i += sizeof(uint32_t) - 1; /* the loop adds 2 */
			break;
		}
	}
	free(page);
	return 0;
}
