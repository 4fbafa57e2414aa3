// SPDX-License-Identifier: MIT
/*
 * kvsnprintf/ksnprintf against the host's snprintf for every conversion the
 * kernel supports, plus the cases where Rivet defines its own output (%p,
 * unknown conversions) and the C99 truncation contract.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <cmocka.h>

#include "kernel/lib/vsnprintf.h"

#define OUT_MAX 4096

/*
 * Formats with both the host libc and kvsnprintf and fails, naming the
 * caller's line and the format, unless length and bytes agree exactly.
 */
static void __attribute__((format(printf, 3, 4)))
check_fmt(const char *file, int line, const char *fmt, ...)
{
	static char want[OUT_MAX], got[OUT_MAX];
	va_list ap, ap2;
	int nw, ng;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	nw = vsnprintf(want, sizeof(want), fmt, ap);
	ng = kvsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	va_end(ap);

	if (nw != ng || nw < 0 || nw >= OUT_MAX ||
	    memcmp(want, got, (size_t)nw + 1))
		fail_msg("%s:%d: format \"%s\": want %d \"%s\", got %d \"%s\"",
			 file, line, fmt, nw, want, ng, got);
}

#define CHECK(...) check_fmt(__FILE__, __LINE__, __VA_ARGS__)

/* Checks ksnprintf output against a fixed expected string. */
#define EXPECT(want, ...)                                                      \
	do {                                                                   \
		char buf_[OUT_MAX];                                            \
		int n_ = ksnprintf(buf_, sizeof(buf_), __VA_ARGS__);           \
		assert_string_equal(buf_, (want));                             \
		assert_int_equal(n_, (int)strlen(want));                       \
	} while (0)

static const int int_values[] = {
	0,	1,	 -1,	    7,	     -7,      42,	   -42,
	99,	100,	 -100,	    127,     128,     -128,	   -129,
	255,	256,	 0x7fff,    0x8000,  -32768,  65535,	   65536,
	100000, -100000, 123456789, INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1,
};

/* Every flag, width, precision and short length combination on int. */
static const char *const int_formats[] = {
	"%d",	  "%i",	    "%5d",    "%-5d|",	 "%05d",   "%+d",    "% d",
	"%+5d",	  "% 5d",   "%+05d",  "% 05d",	 "%-+5d|", "%- 5d|", "%.3d",
	"%.0d",	  "%.1d",   "%8.3d",  "%-8.3d|", "%08.3d", "%+.3d",  "% .3d",
	"%+8.0d", "%1d",    "%20d",   "%-20i|",	 "%020d",  "%.12d",  "%+ d",
	"% +d",	  "%0-5d|", "%-05d|", "%hhd",	 "%hd",	   "%hhi",   "%hi",
	"%5hhd",  "%+hd",   "%u",     "%5u",	 "%-5u|",  "%05u",   "%.3u",
	"%.0u",	  "%+u",    "% u",    "%x",	 "%X",	   "%#x",    "%#X",
	"%8x",	  "%-8x|",  "%08x",   "%#8x",	 "%#08x",  "%#-8x|", "%.5x",
	"%#.5x",  "%#.0x",  "%.0x",   "%#10.4X", "%o",	   "%#o",    "%.0o",
	"%#.0o",  "%#.5o",  "%#8o",   "%#08o",	 "%-#8o|", "%hhu",   "%hu",
	"%hhx",	  "%hx",    "%#hhx",  "%hho",	 "%#hX",   "%.2hhu", "[%d]",
	"a%db",
};

static void format_int_conversions_match_libc(void **state)
{
	size_t f, v;

	for (f = 0; f < sizeof(int_formats) / sizeof(int_formats[0]); f++)
		for (v = 0; v < sizeof(int_values) / sizeof(int_values[0]); v++)
			CHECK(int_formats[f], int_values[v]);
}

static const long long ll_values[] = {
	0,
	1,
	-1,
	42,
	-42,
	INT_MAX,
	INT_MIN,
	(long long)UINT_MAX,
	(long long)UINT_MAX + 1,
	-(long long)UINT_MAX - 1,
	0x123456789abcdefLL,
	-0x123456789abcdefLL,
	1000000000000000000LL,
	INT64_MAX,
	INT64_MIN,
	INT64_MIN + 1,
};

/* The 64-bit length modifiers (l ll z) with the same flag set. */
static const char *const ll_formats[] = {
	"%lld",	    "%lli",    "%ld",	  "%li",      "%zd",	  "%25lld",
	"%-25lld|", "%025lld", "%+lld",	  "% lld",    "%.20lld",  "%+.0lld",
	"%.0lld",   "%llu",    "%lu",	  "%zu",      "%25llu",	  "%-25llu|",
	"%025llu",  "%.22llu", "%llx",	  "%llX",     "%#llx",	  "%#llX",
	"%lx",	    "%zx",     "%#20llx", "%#020llx", "%-#20lx|", "%.18llx",
	"%llo",	    "%#llo",   "%lo",	  "%#25llo",  "%#.0llo",  "%.0llx",
};

static void format_64bit_conversions_match_libc(void **state)
{
	size_t f, v;

	for (f = 0; f < sizeof(ll_formats) / sizeof(ll_formats[0]); f++)
		for (v = 0; v < sizeof(ll_values) / sizeof(ll_values[0]); v++)
			CHECK(ll_formats[f], ll_values[v]);
}

static void format_int64_min_and_max_are_exact(void **state)
{
	EXPECT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	EXPECT("9223372036854775807", "%lld", (long long)INT64_MAX);
	EXPECT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	EXPECT("1777777777777777777777", "%llo",
	       (unsigned long long)UINT64_MAX);
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("-128", "%hhd", 128);
	EXPECT("-32768", "%hd", 32768);
	EXPECT("0", "%hhu", 256);
	EXPECT("2345", "%hx", 0x12345);
}

static void format_zero_with_precision_zero_prints_no_digits(void **state)
{
	EXPECT("", "%.0d", 0);
	EXPECT("     ", "%5.0d", 0);
	EXPECT("+", "%+.0d", 0);
	EXPECT(" ", "% .0d", 0);
	EXPECT("", "%.0x", 0);
	EXPECT("", "%#.0x", 0);
	EXPECT("0", "%#.0o", 0);
	EXPECT("", "%.0u", 0);
	EXPECT("0", "%.1d", 0);
	CHECK("%.0d|%.0u|%.0x|%#.0o|%5.0d|%-5.0d|", 0, 0u, 0u, 0u, 0, 0);
}

static const char long_text[] =
	"The quick brown fox jumps over the lazy dog; pack my box with five "
	"dozen liquor jugs. Sphinx of black quartz, judge my vow. How "
	"vexingly quick daft zebras jump! The five boxing wizards jump "
	"quickly. Jackdaws love my big sphinx of quartz. Waltz, bad nymph, "
	"for quick jigs vex. Glib jocks quiz nymph to vex dwarf.";

static const char *const str_values[] = {
	"", "a", "ab", "hello", "hello, world", "tab\there", long_text,
};

static const char *const str_formats[] = {
	"%s",	 "%1s",	    "%10s",   "%-10s|",	  "%.0s",   "%.1s",
	"%.3s",	 "%.40s",   "%10.3s", "%-10.3s|", "%3.10s", "%.300s",
	"%300s", "%-300s|", "<%s>",   "%s%s",
};

static void format_strings_match_libc(void **state)
{
	size_t f, v;

	for (f = 0; f < sizeof(str_formats) / sizeof(str_formats[0]); f++)
		for (v = 0; v < sizeof(str_values) / sizeof(str_values[0]); v++)
			CHECK(str_formats[f], str_values[v], str_values[v]);
}

static void format_null_string_prints_null_marker(void **state)
{
	/* volatile: hide the NULL from the compiler's format checks. */
	const char *volatile null = NULL;

	EXPECT("(null)", "%s", null);
	EXPECT("  (null)", "%8s", null);
	EXPECT("(null)  |", "%-8s|", null);
	CHECK("[%s]", null);
}

static void format_long_output_is_not_cut_short(void **state)
{
	char big[OUT_MAX], want[3 * sizeof(long_text)];
	int n;

	n = ksnprintf(big, sizeof(big), "%s%s%s", long_text, long_text,
		      long_text);
	snprintf(want, sizeof(want), "%s%s%s", long_text, long_text, long_text);
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(big, want);
	CHECK("%2000d|%-2000s|", 5, "x");
}

static void format_chars_match_libc(void **state)
{
	CHECK("%c", 'a');
	CHECK("%c%c%c", 'x', 'y', 'z');
	CHECK("%5c|", 'q');
	CHECK("%-5c|", 'q');
	CHECK("%1c", '!');
	CHECK("%*c|", 4, 'r');
	CHECK("%*c|", -4, 'r');
	CHECK("%c", 0x141); /* converted to unsigned char */
}

static void format_char_nul_is_counted_and_written(void **state)
{
	char buf[8];
	int n;

	memset(buf, 'z', sizeof(buf));
	n = ksnprintf(buf, sizeof(buf), "a%cb", 0);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "a\0b\0", 4);
}

static void format_star_width_and_precision_match_libc(void **state)
{
	CHECK("%*d|", 5, 42);
	CHECK("%*d|", -5, 42);
	CHECK("%*d|", 0, 42);
	CHECK("%-*d|", 5, 42);
	CHECK("%-*d|", -5, 42);
	CHECK("%0*d|", 6, -42);
	CHECK("%0*d|", -6, -42);
	CHECK("%.*d|", 4, 42);
	CHECK("%.*d|", 0, 0);
	CHECK("%.*d|", -1, 0);
	CHECK("%.*d|", -3, 42);
	/* A negative precision is "none", which makes the 0 flag apply. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	CHECK("%0.*d|", -3, 42);
	CHECK("%0*.*d|", 8, -1, 42);
#pragma GCC diagnostic pop
	CHECK("%*.*d|", 8, 4, -42);
	CHECK("%*.*d|", -8, 4, -42);
	CHECK("%*.*x|", 10, 6, 0xbeefu);
	CHECK("%#*.*llx|", 20, 3, 0x1ULL);
	CHECK("%*s|", 8, "abc");
	CHECK("%*s|", -8, "abc");
	CHECK("%.*s|", 2, "abc");
	CHECK("%.*s|", -2, "abc");
	CHECK("%*.*s|", 6, 2, "abc");
	CHECK("%*.*s|", -6, 0, "abc");
	CHECK("%*d %*d %*d", 3, 1, -3, 2, 3, 3);
}

static void format_mixed_text_and_percent_match_libc(void **state)
{
	CHECK("plain text");
	CHECK("%%");
	CHECK("100%% sure");
	CHECK("%d%%%s%%%x", 5, "s", 0xabu);
	CHECK("hart %u: %s at %#llx (%lld frames, %zu bytes)", 3u, "ram",
	      0x80000000ULL, -12LL, (size_t)4096);
	CHECK("%c%s%d%u%x%X%o%%", 'c', "s", -1, 2u, 0xau, 0xbu, 8u);
}

static void format_pointer_prints_0x_and_16_digits(void **state)
{
	char buf[64], want[64];
	int local;

	EXPECT("0x0000000000001234", "%p", (void *)0x1234);
	EXPECT("0x0000000000000000", "%p", (void *)0);
	EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	EXPECT("0xffffffc000000000", "%p", (void *)0xffffffc000000000ULL);
	EXPECT("[0x00000000deadbeef]", "[%p]", (void *)0xdeadbeefULL);
	EXPECT("0x0000000000000001 0x0000000000000002", "%p %p", (void *)1,
	       (void *)2);

	snprintf(want, sizeof(want), "0x%016llx",
		 (unsigned long long)(uintptr_t)&local);
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%p", (void *)&local), 18);
	assert_string_equal(buf, want);
}

static void format_pointer_width_pads_around_whole_pointer(void **state)
{
	EXPECT("  0x0000000000001234", "%20p", (void *)0x1234);
	EXPECT("0x0000000000001234  |", "%-20p|", (void *)0x1234);
	EXPECT("0x0000000000001234", "%5p", (void *)0x1234);
	EXPECT("   0x0000000000000000", "%*p", 21, (void *)0);
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

static void format_unknown_conversion_is_copied_verbatim(void **state)
{
	EXPECT("%y", "%y");
	EXPECT("a%yb", "a%yb");
	EXPECT("a%5yb", "a%5yb");
	EXPECT("%-08.3y", "%-08.3y");
	EXPECT("%lly", "%lly");
	EXPECT("%hhk", "%hhk");
	/* An unknown conversion consumes no argument. */
	EXPECT("%y7", "%y%d", 7);
	EXPECT("%q-3%w", "%q%d%w", -3);
}

static void format_trailing_percent_is_copied_verbatim(void **state)
{
	EXPECT("trailing %", "trailing %");
	EXPECT("x%5", "x%5");
	EXPECT("%-", "%-");
	EXPECT("7%.", "%d%.", 7);
	EXPECT("%l", "%l");
}

#pragma GCC diagnostic pop

/* ksnprintf into a canary-filled buffer of size bytes inside a bigger one. */
static int format_into(char *area, size_t area_size, size_t size,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	memset(area, '#', area_size);
	va_start(ap, fmt);
	n = kvsnprintf(area, size, fmt, ap);
	va_end(ap);
	return n;
}

static void truncation_returns_full_length_and_terminates(void **state)
{
	const char *full = "hart 42: hello, world";
	size_t len = strlen(full), size, i;
	char area[64];
	int n;

	for (size = 1; size <= len + 3; size++) {
		size_t kept = size - 1 < len ? size - 1 : len;

		n = format_into(area, sizeof(area), size, "hart %d: %s", 42,
				"hello, world");
		assert_int_equal(n, (int)len);
		assert_memory_equal(area, full, kept);
		assert_int_equal(area[kept], '\0');
		for (i = kept + 1; i < sizeof(area); i++)
			assert_int_equal(area[i], '#');
	}
}

static void truncation_size_zero_writes_nothing(void **state)
{
	char area[16];
	size_t i;
	int n;

	n = format_into(area, sizeof(area), 0, "%s %d", "abc", 12345);
	assert_int_equal(n, 9);
	for (i = 0; i < sizeof(area); i++)
		assert_int_equal(area[i], '#');

	assert_int_equal(ksnprintf(NULL, 0, "%08x%s", 1u, "tail"), 12);
}

static void truncation_size_one_writes_only_nul(void **state)
{
	char area[16];
	size_t i;
	int n;

	n = format_into(area, sizeof(area), 1, "%p", (void *)0x10);
	assert_int_equal(n, 18);
	assert_int_equal(area[0], '\0');
	for (i = 1; i < sizeof(area); i++)
		assert_int_equal(area[i], '#');
}

static void truncation_inside_padding_and_numbers_matches_libc(void **state)
{
	static const char *const fmts[] = { "%20d|", "%-20d|", "%#020llx",
					    "%.15d" };
	char want[64], got[64];
	size_t f, size;
	int nw, ng;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (size = 1; size < 30; size++) {
			memset(want, '#', sizeof(want));
			memset(got, '#', sizeof(got));
			if (strstr(fmts[f], "ll")) {
				nw = snprintf(want, size, fmts[f], 0xabcULL);
				ng = ksnprintf(got, size, fmts[f], 0xabcULL);
			} else {
				nw = snprintf(want, size, fmts[f], -1234);
				ng = ksnprintf(got, size, fmts[f], -1234);
			}
			assert_int_equal(ng, nw);
			assert_memory_equal(got, want, sizeof(want));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_int_conversions_match_libc),
		cmocka_unit_test(format_64bit_conversions_match_libc),
		cmocka_unit_test(format_int64_min_and_max_are_exact),
		cmocka_unit_test(
			format_zero_with_precision_zero_prints_no_digits),
		cmocka_unit_test(format_strings_match_libc),
		cmocka_unit_test(format_null_string_prints_null_marker),
		cmocka_unit_test(format_long_output_is_not_cut_short),
		cmocka_unit_test(format_chars_match_libc),
		cmocka_unit_test(format_char_nul_is_counted_and_written),
		cmocka_unit_test(format_star_width_and_precision_match_libc),
		cmocka_unit_test(format_mixed_text_and_percent_match_libc),
		cmocka_unit_test(format_pointer_prints_0x_and_16_digits),
		cmocka_unit_test(
			format_pointer_width_pads_around_whole_pointer),
		cmocka_unit_test(format_unknown_conversion_is_copied_verbatim),
		cmocka_unit_test(format_trailing_percent_is_copied_verbatim),
		cmocka_unit_test(truncation_returns_full_length_and_terminates),
		cmocka_unit_test(truncation_size_zero_writes_nothing),
		cmocka_unit_test(truncation_size_one_writes_only_nul),
		cmocka_unit_test(
			truncation_inside_padding_and_numbers_matches_libc),
	};

	return cmocka_run_group_tests_name("printk", tests, NULL, NULL);
}
