// SPDX-License-Identifier: MIT
/*
 * Checksums of static data from tables (libos/net/chksum.c) against a
 * plain RFC 1071 sum: every offset and length inside a registered region
 * (odd and even starts, pieces shorter than a table step, across many
 * steps, the whole region), data outside every region, and the limits
 * of registration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "../../libos/net/chksum.h"

/* The plain sum, words paired from data on, in host (little-endian)
 * order: what lwIP's LWIP_CHKSUM returns. Stands in for lwIP's loop,
 * which chksum.c falls back to and builds its tables with. */
uint16_t lwip_standard_chksum(const void *dataptr, int len)
{
	const uint8_t *p = dataptr;
	uint32_t sum = 0;
	int i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
	if (len & 1)
		sum += p[len - 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* One's complement has two zeros; a checksum may use either. */
static uint16_t norm(uint16_t v)
{
	return v == 0xffff ? 0 : v;
}

#define BIG 5000

static uint8_t big[BIG], small[37], other[300];

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	srand(seed);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

static int setup_once(void **state)
{
	(void)state;
	fill(big, sizeof(big), 1);
	fill(small, sizeof(small), 2);
	fill(other, sizeof(other), 3);
	memset(big + 1000, 0xff, 700); /* sums that wrap many times */
	assert_int_equal(chksum_precompute(big, sizeof(big)), 0);
	assert_int_equal(chksum_precompute(small, sizeof(small)), 0);
	return 0;
}

static void check(const uint8_t *p, int len)
{
	assert_int_equal(norm(chksum_sum(p, len)),
			 norm(lwip_standard_chksum(p, len)));
}

/* Every start in the first three steps with every length up to four
 * steps, then random pieces anywhere. */
static void test_every_piece_matches_the_plain_sum(void **state)
{
	unsigned long before = chksum_table_bytes;

	(void)state;
	for (int a = 0; a < 3 * CHKSUM_STEP; a++)
		for (int len = 1; len <= 4 * CHKSUM_STEP; len++)
			check(big + a, len);
	srand(7);
	for (int i = 0; i < 100000; i++) {
		int a = rand() % BIG;
		int len = 1 + rand() % (BIG - a);

		check(big + a, len);
	}
	check(big, BIG);
	check(big + BIG - 1, 1);
	assert_true(chksum_table_bytes > before); /* the tables answered */
}

/* A region shorter than one step. */
static void test_a_region_shorter_than_a_step(void **state)
{
	(void)state;
	for (int a = 0; a < (int)sizeof(small); a++)
		for (int len = 1; a + len <= (int)sizeof(small); len++)
			check(small + a, len);
}

/* Data in no region, or running past a region's end, is summed the
 * plain way (and not counted as table work). */
static void test_outside_the_regions_sums_plainly(void **state)
{
	unsigned long before;

	(void)state;
	before = chksum_table_bytes;
	check(other, sizeof(other));
	check(other + 1, 17);
	check(big + BIG - 10, 0); /* nothing */
	assert_int_equal(chksum_sum(big, 0), 0);
	assert_int_equal(chksum_sum(big, -4), 0);
	assert_int_equal(chksum_table_bytes, before);
	/* Past the end of small: small and what follows it in memory are
	 * not one region, so the plain sum over the real bytes. */
	uint8_t joined[sizeof(small) + 8];

	memcpy(joined, small, sizeof(small));
	memset(joined + sizeof(small), 0x5a, 8);
	check(joined, sizeof(joined));
}

/* Registration: an empty region is refused, and so is one past
 * CHKSUM_REGIONS. */
static void test_registration_limits(void **state)
{
	static uint8_t bytes[CHKSUM_REGIONS];
	int rc = 0, n = 0;

	(void)state;
	assert_int_equal(chksum_precompute(bytes, 0), E_INVAL);
	assert_int_equal(chksum_precompute(NULL, 4), E_INVAL);
	while ((rc = chksum_precompute(&bytes[n], 1)) == 0)
		n++;
	assert_int_equal(rc, E_TOOBIG);
	assert_int_equal(n, CHKSUM_REGIONS - 2); /* big and small */
	check(big + 3, 999); /* the earlier tables still answer */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_piece_matches_the_plain_sum),
		cmocka_unit_test(test_a_region_shorter_than_a_step),
		cmocka_unit_test(test_outside_the_regions_sums_plainly),
		cmocka_unit_test(test_registration_limits),
	};

	return cmocka_run_group_tests(tests, setup_once, NULL);
}
