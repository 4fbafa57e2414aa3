// SPDX-License-Identifier: MIT
/*
 * libos/console/conline.c: a console channel's messages made into lines.
 * Pieces join into a line at its '\n'; a prompt after a partial line
 * waits for it; a long line goes in pieces with nothing lost; and what a
 * domain writes is cut to size, filtered, and its stamps kept in bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "libos/console/conline.h"

#define HZ  10000000ULL /* QEMU virt's timebase */
#define SEC 1000000ULL	/* microseconds */

static struct conline cl;

static int setup(void **state)
{
	memset(&cl, 0, sizeof(cl));
	return 0;
}

/* A message of kind with text, stamped at usec microseconds. */
static struct conchan_msg msg(int kind, const char *text, uint64_t usec)
{
	struct conchan_msg m = { .stamp = usec * (HZ / SEC),
				 .kind = (uint8_t)kind };

	m.len = (uint8_t)strlen(text);
	memcpy(m.text, text, m.len);
	return m;
}

static void take(const struct conchan_msg *m, uint64_t now)
{
	conline_resume(&cl, now, HZ);
	conline_take(&cl, m, now, HZ);
}

static void assert_line(const char *text)
{
	assert_true(cl.cur.whole);
	assert_int_equal(cl.cur.len, strlen(text));
	assert_memory_equal(cl.cur.text, text, cl.cur.len);
}

static void conline_joins_pieces_at_the_newline(void **state)
{
	struct conchan_msg a = msg(CONCHAN_OUT, "hello ", 5 * SEC),
			   b = msg(CONCHAN_OUT, "world\n", 5 * SEC + 10);

	take(&a, 5 * SEC + 20);
	assert_false(cl.cur.whole);
	take(&b, 5 * SEC + 20);
	assert_line("hello world\n");
	assert_false(cl.cur.stamped);
	assert_int_equal(cl.cur.usec, 5 * SEC); /* the first piece's time */
}

static void conline_drops_text_after_the_newline(void **state)
{
	struct conchan_msg a = msg(CONCHAN_OUT, "one\ntwo\n", 1000);

	take(&a, 2000);
	assert_line("one\n");
	conline_taken(&cl);
	conline_resume(&cl, 2000, HZ);
	assert_false(cl.cur.whole);
	assert_int_equal(cl.cur.len, 0);
}

static void conline_cuts_a_length_beyond_the_message(void **state)
{
	struct conchan_msg a = msg(CONCHAN_OUT, "", 0);

	memset(a.text, 'x', sizeof(a.text));
	a.len = 255;
	take(&a, 100);
	assert_false(cl.cur.whole);
	assert_int_equal(cl.cur.len, CONCHAN_TEXT);
}

static void conline_prompt_after_a_partial_line_waits_for_it(void **state)
{
	struct conchan_msg a = msg(CONCHAN_OUT, "no newline", 100),
			   p = msg(CONCHAN_PROMPT, "> ", 200);

	p.arg = 7;
	take(&a, 300);
	take(&p, 300);
	assert_line("no newline");
	assert_false(cl.cur.prompt);
	conline_taken(&cl);
	conline_resume(&cl, 300, HZ);
	assert_true(cl.cur.whole);
	assert_true(cl.cur.prompt);
	assert_string_equal(cl.cur.text, "> ");
	assert_int_equal(cl.cur.taken, 7);
}

static void conline_prompt_keeps_printable_ascii_only(void **state)
{
	struct conchan_msg p = msg(CONCHAN_PROMPT,
				   "a\033[2Jb\x7f\x01"
				   "c",
				   0);

	take(&p, 10);
	assert_true(cl.cur.prompt);
	assert_string_equal(cl.cur.text, "a[2Jbc");
}

static void conline_long_line_goes_in_pieces_none_lost(void **state)
{
	struct conchan_msg a = msg(CONCHAN_OUT, "", 0);
	size_t got = 0, i;

	memset(a.text, 'y', sizeof(a.text));
	a.len = CONCHAN_TEXT;
	for (i = 0; i < 40; i++) { /* 1920 bytes, no newline */
		take(&a, 10);
		if (cl.cur.whole) {
			assert_true(cl.cur.len <= OUTLINE_MAX);
			got += cl.cur.len;
			conline_taken(&cl);
		}
	}
	conline_resume(&cl, 10, HZ);
	conline_flush(&cl);
	got += cl.cur.len;
	assert_int_equal(got, 40 * CONCHAN_TEXT);
}

static void conline_skips_unknown_kinds(void **state)
{
	struct conchan_msg a = msg(CONCHAN_LINE, "in-ring kind\n", 0),
			   b = msg(99, "junk\n", 0);

	take(&a, 10);
	take(&b, 10);
	assert_false(cl.cur.whole);
	assert_int_equal(cl.cur.len, 0);
}

static void conline_keeps_stamps_in_bounds(void **state)
{
	struct conchan_msg past = msg(CONCHAN_OUT, "past\n", 0),
			   future = msg(CONCHAN_OUT, "future\n", 900 * SEC),
			   back = msg(CONCHAN_OUT, "back\n", 9 * SEC);

	/* A stamp of 0 taken at 10 s: raised to the slack before. */
	take(&past, 10 * SEC);
	assert_int_equal(cl.cur.usec, 10 * SEC - CONLINE_SLACK_US);
	conline_taken(&cl);
	/* From the future: lowered to the time it was taken. */
	take(&future, 11 * SEC);
	assert_int_equal(cl.cur.usec, 11 * SEC);
	conline_taken(&cl);
	/* Before the previous line (within the slack of now): raised to it. */
	take(&back, 9 * SEC + 20000);
	assert_int_equal(cl.cur.usec, 11 * SEC);
}

static void conline_flush_makes_a_partial_line_whole(void **state)
{
	struct conchan_msg a = msg(CONCHAN_OUT, "tail", 0);

	conline_flush(&cl); /* nothing: stays empty */
	assert_false(cl.cur.whole);
	take(&a, 10);
	conline_flush(&cl);
	assert_line("tail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(conline_joins_pieces_at_the_newline,
				       setup),
		cmocka_unit_test_setup(conline_drops_text_after_the_newline,
				       setup),
		cmocka_unit_test_setup(conline_cuts_a_length_beyond_the_message,
				       setup),
		cmocka_unit_test_setup(
			conline_prompt_after_a_partial_line_waits_for_it,
			setup),
		cmocka_unit_test_setup(
			conline_prompt_keeps_printable_ascii_only, setup),
		cmocka_unit_test_setup(
			conline_long_line_goes_in_pieces_none_lost, setup),
		cmocka_unit_test_setup(conline_skips_unknown_kinds, setup),
		cmocka_unit_test_setup(conline_keeps_stamps_in_bounds, setup),
		cmocka_unit_test_setup(conline_flush_makes_a_partial_line_whole,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
