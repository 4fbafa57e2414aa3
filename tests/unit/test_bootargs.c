// SPDX-License-Identifier: MIT
/* Boot argument lookup: word splitting, matching, truncation, numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include "kernel/bootargs.h"

_Static_assert(sizeof(unsigned long) == 8, "the limits below assume LP64");

/* Looks key up into a fresh buffer; returns the value or NULL if absent. */
static const char *get(const char *args, const char *key)
{
	static char val[64];

	memset(val, 'X', sizeof(val));
	return bootargs_get(args, key, val, sizeof(val)) ? val : NULL;
}

static void bootargs_get_finds_key_value(void **state)
{
	assert_string_equal(get("console=ttyS0 loglevel=7 quiet", "loglevel"),
			    "7");
	assert_string_equal(get("console=ttyS0 loglevel=7 quiet", "console"),
			    "ttyS0");
	assert_string_equal(get("root=/dev/vda1", "root"), "/dev/vda1");
}

static void bootargs_get_bare_key_gives_empty_value(void **state)
{
	assert_string_equal(get("console=ttyS0 quiet debug", "quiet"), "");
	assert_string_equal(get("debug", "debug"), "");
}

static void bootargs_get_empty_value_is_present(void **state)
{
	assert_string_equal(get("init= quiet", "init"), "");
	assert_string_equal(get("init=", "init"), "");
}

static void bootargs_get_keeps_equals_inside_value(void **state)
{
	assert_string_equal(get("root=LABEL=rootfs rw", "root"),
			    "LABEL=rootfs");
	assert_string_equal(get("x==", "x"), "=");
}

static void bootargs_get_absent_key_is_false(void **state)
{
	assert_null(get("console=ttyS0 quiet", "loglevel"));
	assert_null(get("", "quiet"));
	assert_null(get("    \t ", "quiet"));
	assert_null(get(NULL, "quiet"));
}

static void bootargs_get_last_occurrence_wins(void **state)
{
	assert_string_equal(get("loglevel=3 quiet loglevel=8", "loglevel"),
			    "8");
	assert_string_equal(get("mode=a mode=b mode=c", "mode"), "c");
	assert_string_equal(get("debug=1 debug", "debug"), "");
	assert_string_equal(get("debug debug=2", "debug"), "2");
}

static void bootargs_get_does_not_confuse_prefix_keys(void **state)
{
	const char *args = "loglevelx=3 log=1 xloglevel=4 loglevel_=5";

	assert_null(get(args, "loglevel"));
	assert_string_equal(get(args, "log"), "1");
	assert_string_equal(get(args, "loglevelx"), "3");
	assert_null(get(args, "lo"));
	assert_null(get("logx", "log"));

	args = "loglevelx=3 loglevel=6 log=1";
	assert_string_equal(get(args, "loglevel"), "6");
	assert_string_equal(get(args, "log"), "1");
	/* A later longer key does not override the match. */
	assert_string_equal(get("loglevel=2 loglevelx=9", "loglevel"), "2");
}

static void bootargs_get_splits_on_tabs_and_multiple_spaces(void **state)
{
	const char *args = "  a=1\t\tb=2   c\n d=4 \t";

	assert_string_equal(get(args, "a"), "1");
	assert_string_equal(get(args, "b"), "2");
	assert_string_equal(get(args, "c"), "");
	assert_string_equal(get(args, "d"), "4");
	assert_null(get(args, "e"));
}

static void bootargs_get_truncates_long_value(void **state)
{
	const char *args = "x=1 name=abcdefghij y=2";
	char val[8];

	memset(val, 'X', sizeof(val));
	assert_true(bootargs_get(args, "name", val, 4));
	assert_string_equal(val, "abc");
	assert_int_equal(val[4], 'X');

	memset(val, 'X', sizeof(val));
	assert_true(bootargs_get(args, "name", val, 1));
	assert_int_equal(val[0], '\0');
	assert_int_equal(val[1], 'X');

	/* Exactly fits: value length size - 1. */
	assert_true(bootargs_get("k=1234567", "k", val, sizeof(val)));
	assert_string_equal(val, "1234567");
	assert_true(bootargs_get("k=12345678", "k", val, sizeof(val)));
	assert_string_equal(val, "1234567");
}

static void bootargs_get_size_zero_only_reports_presence(void **state)
{
	assert_true(bootargs_get("quiet name=v", "name", NULL, 0));
	assert_true(bootargs_get("quiet name=v", "quiet", NULL, 0));
	assert_false(bootargs_get("quiet name=v", "other", NULL, 0));
}

static bool get_uint(const char *args, unsigned long min, unsigned long max,
		     unsigned long *out)
{
	*out = 0xdead;
	return bootargs_get_uint(args, "n", min, max, out);
}

static void bootargs_get_uint_reads_decimal_in_bounds(void **state)
{
	unsigned long v;

	assert_true(get_uint("a=1 n=42 b=2", 0, 100, &v));
	assert_int_equal(v, 42);
	assert_true(get_uint("n=0", 0, 100, &v));
	assert_int_equal(v, 0);
	assert_true(get_uint("n=007", 0, 100, &v));
	assert_int_equal(v, 7);
	assert_true(get_uint("n=1 n=2", 0, 100, &v));
	assert_int_equal(v, 2);
}

static void bootargs_get_uint_accepts_bounds_inclusive(void **state)
{
	unsigned long v;

	assert_true(get_uint("n=10", 10, 20, &v));
	assert_int_equal(v, 10);
	assert_true(get_uint("n=20", 10, 20, &v));
	assert_int_equal(v, 20);
}

static void bootargs_get_uint_out_of_bounds_fails(void **state)
{
	unsigned long v;

	assert_false(get_uint("n=9", 10, 20, &v));
	assert_false(get_uint("n=21", 10, 20, &v));
	assert_int_equal(v, 0xdead); /* untouched on failure */
}

static void bootargs_get_uint_non_digits_fail(void **state)
{
	unsigned long v;

	assert_false(get_uint("n=12a", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=a12", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=-1", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=+1", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=0x10", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=1.5", 0, ULONG_MAX, &v));
	assert_int_equal(v, 0xdead);
}

static void bootargs_get_uint_empty_or_absent_fails(void **state)
{
	unsigned long v;

	assert_false(get_uint("n=", 0, ULONG_MAX, &v));
	assert_false(get_uint("n", 0, ULONG_MAX, &v));
	assert_false(get_uint("m=5", 0, ULONG_MAX, &v));
	assert_false(get_uint("", 0, ULONG_MAX, &v));
	assert_int_equal(v, 0xdead);
}

static void bootargs_get_uint_accepts_ulong_max(void **state)
{
	unsigned long v;

	assert_true(get_uint("n=18446744073709551615", 0, ULONG_MAX, &v));
	assert_int_equal(v, ULONG_MAX);
	assert_true(get_uint("n=18446744073709551610", 0, ULONG_MAX, &v));
	assert_int_equal(v, ULONG_MAX - 5);
	assert_true(get_uint("n=18446744073709551609", 0, ULONG_MAX, &v));
	assert_int_equal(v, ULONG_MAX - 6);
}

static void bootargs_get_uint_overflow_fails(void **state)
{
	unsigned long v;

	assert_false(get_uint("n=18446744073709551616", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=18446744073709551620", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=99999999999999999999", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=100000000000000000000", 0, ULONG_MAX, &v));
	assert_int_equal(v, 0xdead);
}

static void bootargs_get_uint_overlong_value_fails(void **state)
{
	unsigned long v;

	/* The value must not be judged by a truncated prefix. */
	assert_false(get_uint("n=0000000000000000000000007", 0, ULONG_MAX, &v));
	assert_false(get_uint("n=00000000000000000000000x", 0, ULONG_MAX, &v));
	assert_int_equal(v, 0xdead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bootargs_get_finds_key_value),
		cmocka_unit_test(bootargs_get_bare_key_gives_empty_value),
		cmocka_unit_test(bootargs_get_empty_value_is_present),
		cmocka_unit_test(bootargs_get_keeps_equals_inside_value),
		cmocka_unit_test(bootargs_get_absent_key_is_false),
		cmocka_unit_test(bootargs_get_last_occurrence_wins),
		cmocka_unit_test(bootargs_get_does_not_confuse_prefix_keys),
		cmocka_unit_test(
			bootargs_get_splits_on_tabs_and_multiple_spaces),
		cmocka_unit_test(bootargs_get_truncates_long_value),
		cmocka_unit_test(bootargs_get_size_zero_only_reports_presence),
		cmocka_unit_test(bootargs_get_uint_reads_decimal_in_bounds),
		cmocka_unit_test(bootargs_get_uint_accepts_bounds_inclusive),
		cmocka_unit_test(bootargs_get_uint_out_of_bounds_fails),
		cmocka_unit_test(bootargs_get_uint_non_digits_fail),
		cmocka_unit_test(bootargs_get_uint_empty_or_absent_fails),
		cmocka_unit_test(bootargs_get_uint_accepts_ulong_max),
		cmocka_unit_test(bootargs_get_uint_overflow_fails),
		cmocka_unit_test(bootargs_get_uint_overlong_value_fails),
	};

	return cmocka_run_group_tests_name("bootargs", tests, NULL, NULL);
}
