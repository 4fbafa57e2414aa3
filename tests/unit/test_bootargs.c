// SPDX-License-Identifier: MIT
/* Boot argument lookup: word splitting, matching, truncation, numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include "kernel/boot/bootargs.h"

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

static bool level_valid(const char *v)
{
	unsigned long l;

	return bootargs_parse_uint(v, 0, 7, &l);
}

static const struct bootarg_key keys[] = {
	{ "loglevel", "0..7", level_valid },
	{ "rivet.conf", "/PATH", NULL },
};

static struct bootargs_report r;

static void check(const char *args)
{
	memset(&r, 'X', sizeof(r));
	bootargs_check(args, keys, 2, &r);
}

static void bootargs_check_takes_known_keys_silently(void **state)
{
	check("loglevel=7 rivet.conf=/etc/demo.conf");
	assert_int_equal(r.nbad, 0);
	assert_int_equal(r.nforeign, 0);
	assert_string_equal(r.bad, "");
	assert_string_equal(r.foreign, "");
	check("");
	assert_int_equal(r.nbad + r.nforeign, 0);
	check(NULL);
	assert_int_equal(r.nbad + r.nforeign, 0);
	check("  \t ");
	assert_int_equal(r.nbad + r.nforeign, 0);
}

static void bootargs_check_names_malformed_values(void **state)
{
	check("loglevel=9 loglevel=abc loglevel= loglevel loglevel=-1");
	assert_int_equal(r.nbad, 5);
	assert_string_equal(r.bad, "loglevel=9 loglevel=abc loglevel= loglevel "
				   "loglevel=-1");
	assert_int_equal(r.nforeign, 0);
}

static void bootargs_check_names_unknown_rivet_keys(void **state)
{
	check("rivet.cnf=/etc/demo.conf rivet.conf=/x rivet.test rivet.=1");
	assert_int_equal(r.nbad, 3);
	assert_string_equal(r.bad, "rivet.cnf=/etc/demo.conf rivet.test "
				   "rivet.=1");
}

static void bootargs_check_names_near_misses_of_known_keys(void **state)
{
	check("logleve=7 loglevl=3 lgolevel=1 Loglevel=2 loglevel_=4");
	assert_int_equal(r.nbad, 5);
	assert_int_equal(r.nforeign, 0);
	check("rivetconf=/etc/x.conf rivet-conf=/etc/x.conf");
	assert_int_equal(r.nbad, 2);
}

static void bootargs_check_leaves_loaders_words_alone(void **state)
{
	/* What a board's U-Boot environment or extlinux adds. */
	check("console=ttyS0,115200 earlycon=sbi root=/dev/mmcblk0p4 rw "
	      "rootwait debug quiet loglevel=6");
	assert_int_equal(r.nbad, 0);
	assert_int_equal(r.nforeign, 7);
	assert_string_equal(r.foreign, "console=ttyS0,115200 earlycon=sbi "
				       "root=/dev/mmcblk0p4 rw rootwait debug "
				       "quiet");
}

static void bootargs_check_sorts_a_mixture(void **state)
{
	check("console=hvc0 rivet.cnf=/a loglevel=7 earlycon loglevel=8");
	assert_int_equal(r.nbad, 2);
	assert_string_equal(r.bad, "rivet.cnf=/a loglevel=8");
	assert_int_equal(r.nforeign, 2);
	assert_string_equal(r.foreign, "console=hvc0 earlycon");
}

static void bootargs_check_cuts_a_long_report(void **state)
{
	char args[1024] = "";
	unsigned i;

	for (i = 0; i < 30; i++)
		strcat(args, "rivet.x=123456789 console=ttyS0 ");
	check(args);
	assert_int_equal(r.nbad, 30);
	assert_int_equal(r.nforeign, 30);
	assert_true(strlen(r.bad) < sizeof(r.bad));
	assert_true(strlen(r.bad) > sizeof(r.bad) - 24);
	assert_string_equal(r.bad + strlen(r.bad) - 3, "...");
	assert_memory_equal(r.bad, "rivet.x=123456789 rivet.x=", 26);
	assert_string_equal(r.foreign + strlen(r.foreign) - 3, "...");
}

static void bootargs_check_overlong_value_of_a_known_key_is_bad(void **state)
{
	char args[400] = "loglevel=";

	memset(args + 9, '0', 300);
	args[309] = '7';
	check(args);
	assert_int_equal(r.nbad, 1);
	assert_string_equal(r.bad + strlen(r.bad) - 3, "...");
	/* A key with no validator takes anything that fits. */
	memcpy(args, "rivet.conf=", 11);
	memset(args + 11, 'a', 100);
	args[111] = '\0';
	check(args);
	assert_int_equal(r.nbad, 0);
}

static void bootargs_accepted_lists_every_key(void **state)
{
	char buf[64];

	bootargs_accepted(keys, 2, buf, sizeof(buf));
	assert_string_equal(buf, "loglevel=0..7 rivet.conf=/PATH");
	bootargs_accepted(keys, 2, buf, 20);
	assert_string_equal(buf, "loglevel=0..7 ...");
}

static void bootargs_parse_uint_reads_a_whole_string(void **state)
{
	unsigned long v = 0xdead;

	assert_true(bootargs_parse_uint("7", 0, 7, &v));
	assert_int_equal(v, 7);
	assert_false(bootargs_parse_uint("8", 0, 7, &v));
	assert_false(bootargs_parse_uint("", 0, 7, &v));
	assert_false(bootargs_parse_uint("7 ", 0, 7, &v));
	assert_int_equal(v, 7);
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
		cmocka_unit_test(bootargs_check_takes_known_keys_silently),
		cmocka_unit_test(bootargs_check_names_malformed_values),
		cmocka_unit_test(bootargs_check_names_unknown_rivet_keys),
		cmocka_unit_test(
			bootargs_check_names_near_misses_of_known_keys),
		cmocka_unit_test(bootargs_check_leaves_loaders_words_alone),
		cmocka_unit_test(bootargs_check_sorts_a_mixture),
		cmocka_unit_test(bootargs_check_cuts_a_long_report),
		cmocka_unit_test(
			bootargs_check_overlong_value_of_a_known_key_is_bad),
		cmocka_unit_test(bootargs_accepted_lists_every_key),
		cmocka_unit_test(bootargs_parse_uint_reads_a_whole_string),
	};

	return cmocka_run_group_tests_name("bootargs", tests, NULL, NULL);
}
