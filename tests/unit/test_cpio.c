// SPDX-License-Identifier: MIT
/*
 * cpio newc reader: archives built here by a small writer, and one made by
 * GNU cpio at test time, then every way a header can lie.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rivet/errno.h>

#include "kernel/boot/cpio.h"

#define S_REG 0100644
#define S_DIR 0040755

struct arc {
	uint8_t buf[8192];
	size_t len;
};

/* Appends one entry with the given raw namesize (0: strlen(name) + 1). */
static size_t add_raw(struct arc *a, const char *name, size_t namesize,
		      uint32_t mode, const void *data, size_t size)
{
	size_t start = a->len;
	char hdr[160];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		 1u, mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u,
		 namesize ? namesize : strlen(name) + 1, 0u);
	assert_int_equal(strlen(hdr), 110);
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += strlen(name) + 1;
	while (a->len % 4)
		a->buf[a->len++] = 0;
	if (size)
		memcpy(a->buf + a->len, data, size);
	a->len += size;
	while (a->len % 4)
		a->buf[a->len++] = 0;
	assert_true(a->len < sizeof(a->buf) - 512);
	return start;
}

static size_t add(struct arc *a, const char *name, uint32_t mode,
		  const char *data)
{
	return add_raw(a, name, 0, mode, data, data ? strlen(data) : 0);
}

static size_t add_trailer(struct arc *a)
{
	return add(a, "TRAILER!!!", 0, NULL);
}

/* Runs cpio_next over the whole archive; returns the last code. */
static int walk(const void *p, size_t len, unsigned *count,
		struct cpio_error *err)
{
	struct cpio_entry e;
	size_t off = 0;
	int rc;

	*count = 0;
	while ((rc = cpio_next(p, len, &off, &e, err)) > 0)
		(*count)++;
	return rc;
}

static void cpio_next_reads_entries_in_order_with_data(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;
	struct cpio_error err;
	size_t off = 0;

	add(&a, "etc", S_DIR, NULL);
	add(&a, "etc/rivet.conf", S_REG, "[domain a]\n");
	add(&a, "./libos/x.elf", S_REG, "ELF!!");
	add_trailer(&a);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &err), 1);
	assert_string_equal(e.name, "etc");
	assert_int_equal(e.mode, S_DIR);
	assert_int_equal(e.size, 0);
	assert_int_equal(off % 4, 0);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &err), 1);
	assert_string_equal(e.name, "etc/rivet.conf");
	assert_int_equal(e.size, 11);
	assert_memory_equal(e.data, "[domain a]\n", 11);
	assert_int_equal(off % 4, 0);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &err), 1);
	assert_string_equal(e.name, "libos/x.elf"); /* "./" dropped */
	assert_int_equal(e.size, 5);
	assert_memory_equal(e.data, "ELF!!", 5);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &err), 0);
	assert_int_equal(off, a.len);
}

static void cpio_find_treats_leading_slash_and_dot_slash_as_absent(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;

	add(&a, "/abs/one", S_REG, "1");
	add(&a, "./dot/two", S_REG, "22");
	add(&a, "plain/three", S_REG, "333");
	add_trailer(&a);

	static const char *const forms[3][3] = {
		{ "/abs/one", "abs/one", "./abs/one" },
		{ "/dot/two", "dot/two", "./dot/two" },
		{ "/plain/three", "plain/three", "./plain/three" },
	};
	for (int f = 0; f < 3; f++)
		for (int k = 0; k < 3; k++) {
			assert_int_equal(
				cpio_find(a.buf, a.len, forms[f][k], &e, NULL),
				0);
			assert_int_equal(e.size, (size_t)f + 1);
		}
	/* Only one prefix is dropped, and nothing else is normalised. */
	assert_int_equal(cpio_find(a.buf, a.len, "//abs/one", &e, NULL),
			 E_NOENT);
	assert_int_equal(cpio_find(a.buf, a.len, "abs//one", &e, NULL),
			 E_NOENT);
	assert_int_equal(cpio_find(a.buf, a.len, "abs/on", &e, NULL), E_NOENT);
	assert_int_equal(cpio_find(a.buf, a.len, "abs/one/", &e, NULL),
			 E_NOENT);
}

static void cpio_find_skips_directories_and_other_types(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;
	struct cpio_error err;

	add(&a, "etc/rivet.conf", S_DIR, NULL);
	add(&a, "dev/null", 0020666, NULL);	   /* character device */
	add(&a, "lnk", 0120777, "etc/rivet.conf"); /* symlink */
	add_trailer(&a);
	assert_int_equal(cpio_find(a.buf, a.len, "/etc/rivet.conf", &e, &err),
			 E_NOENT);
	assert_int_equal(err.rc, E_NOENT);
	assert_int_equal(cpio_find(a.buf, a.len, "lnk", &e, NULL), E_NOENT);
	assert_int_equal(cpio_find(a.buf, a.len, "dev/null", &e, NULL),
			 E_NOENT);

	/* The regular file after a same-named directory is found. */
	a.len -= 124; /* drop the trailer */
	add(&a, "etc/rivet.conf", S_REG, "x=1");
	add_trailer(&a);
	assert_int_equal(cpio_find(a.buf, a.len, "/etc/rivet.conf", &e, NULL),
			 0);
	assert_int_equal(e.size, 3);
}

static void cpio_find_stops_at_first_error_but_finds_earlier_files(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;
	struct cpio_error err;
	size_t bad;

	add(&a, "first", S_REG, "a");
	bad = add(&a, "second", S_REG, "b");
	add(&a, "third", S_REG, "c");
	add_trailer(&a);
	a.buf[bad + 3] = '2'; /* "070721" */

	assert_int_equal(cpio_find(a.buf, a.len, "first", &e, &err), 0);
	assert_int_equal(cpio_find(a.buf, a.len, "third", &e, &err), E_FORMAT);
	assert_int_equal(err.rc, E_FORMAT);
	assert_int_equal(err.offset, bad);
	assert_non_null(strstr(err.what, "magic"));
}

static void cpio_next_truncated_at_every_length_returns_trunc(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n, full;
	size_t trailer;

	add(&a, "etc", S_DIR, NULL);
	add(&a, "etc/rivet.conf", S_REG, "[domain hello]\nimage = /x\n");
	add(&a, "odd", S_REG, "12345");
	trailer = add_trailer(&a);
	assert_int_equal(walk(a.buf, a.len, &full, NULL), 0);
	assert_int_equal(full, 3);

	/* Each prefix is copied to an exact-size heap block so that ASan
	 * catches any read past its end. */
	for (size_t len = 0; len < trailer + 110 + 11; len++) {
		uint8_t *p = malloc(len ? len : 1);

		memcpy(p, a.buf, len);
		memset(&err, 0, sizeof(err));
		int rc = walk(p, len, &n, &err);
		if (rc != E_TRUNC)
			fail_msg("length %zu: rc %d (%s)", len, rc,
				 err.what ? err.what : "-");
		assert_int_equal(err.rc, E_TRUNC);
		assert_true(err.offset <= len);
		assert_true(n < full || len >= trailer);
		free(p);
	}
}

static void cpio_next_accepts_trailer_without_final_padding(void **state)
{
	struct arc a = { .len = 0 };
	unsigned n;

	add(&a, "f", S_REG, "data");
	add_trailer(&a);
	/* 110 + 11 = 121 bytes of trailer, padded to 124. */
	assert_int_equal(walk(a.buf, a.len - 3, &n, NULL), 0);
	assert_int_equal(n, 1);
}

static void cpio_next_missing_trailer_is_truncation(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n;

	add(&a, "f", S_REG, "data");
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_TRUNC);
	assert_int_equal(n, 1);
	assert_int_equal(err.offset, a.len);
	assert_non_null(strstr(err.what, "TRAILER"));
	assert_int_equal(walk(a.buf, 0, &n, &err), E_TRUNC);
}

static void cpio_next_refuses_bad_magic(void **state)
{
	static const char *const bad[] = { "070702", "070707", "707010",
					   "000000", "07070 " };
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n;

	add(&a, "f", S_REG, "data");
	add_trailer(&a);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(a.buf, bad[i], 6);
		assert_int_equal(walk(a.buf, a.len, &n, &err), E_FORMAT);
		assert_int_equal(err.offset, 0);
		assert_int_equal(n, 0);
	}
}

static void cpio_next_refuses_non_hex_digit_in_every_field(void **state)
{
	static const char bad[] = { 'g', 'G', ' ', '+', '-', 'x', '\0', '/' };
	struct arc a = { .len = 0 };
	struct cpio_error err;
	size_t second;
	unsigned n;

	add(&a, "f", S_REG, "data");
	second = add(&a, "g", S_REG, "more");
	add_trailer(&a);

	for (unsigned field = 0; field < 13; field++)
		for (unsigned pos = 0; pos < 8; pos++)
			for (size_t b = 0; b < sizeof(bad); b++) {
				struct arc c = a;

				c.buf[second + 6 + field * 8 + pos] = bad[b];
				memset(&err, 0, sizeof(err));
				assert_int_equal(walk(c.buf, c.len, &n, &err),
						 E_FORMAT);
				assert_int_equal(n, 1);
				assert_int_equal(err.offset, second);
			}
}

static void cpio_next_accepts_lower_and_upper_case_hex(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;
	size_t off = 0;

	add(&a, "f", S_REG, NULL);
	memcpy(a.buf + 14, "000081aB", 8); /* c_mode */
	add_trailer(&a);
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, NULL), 1);
	assert_int_equal(e.mode, 0x81ab);
}

static void cpio_next_refuses_name_size_zero(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n;

	add(&a, "f", S_REG, "data");
	add_trailer(&a);
	memcpy(a.buf + 6 + 11 * 8, "00000000", 8);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_FORMAT);
	assert_int_equal(err.rc, E_FORMAT);
}

static void cpio_next_refuses_huge_name_size(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n;

	add(&a, "f", S_REG, "data");
	add_trailer(&a);
	memcpy(a.buf + 6 + 11 * 8, "FFFFFFFF", 8);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_TOOBIG);
	memcpy(a.buf + 6 + 11 * 8, "00000102", 8); /* 257 chars + NUL */
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_TOOBIG);
}

static void cpio_next_accepts_name_of_exactly_name_max(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;
	struct cpio_error err;
	char name[CPIO_NAME_MAX + 2];
	size_t off = 0;

	memset(name, 'n', CPIO_NAME_MAX);
	name[CPIO_NAME_MAX] = '\0';
	add(&a, name, S_REG, "x");
	add_trailer(&a);
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &err), 1);
	assert_int_equal(strlen(e.name), CPIO_NAME_MAX);

	a.len = 0;
	name[CPIO_NAME_MAX] = 'n';
	name[CPIO_NAME_MAX + 1] = '\0';
	add(&a, name, S_REG, "x");
	add_trailer(&a);
	off = 0;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &err), E_TOOBIG);
}

static void cpio_next_refuses_name_without_nul_at_its_size(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n;

	/* namesize 4 for "abcdef": byte 3 is 'd', not NUL */
	add_raw(&a, "abcdef", 4, S_REG, NULL, 0);
	add_trailer(&a);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_FORMAT);
	assert_non_null(strstr(err.what, "NUL"));

	/* namesize 8 for "abc": NUL comes early, inside the name */
	a.len = 0;
	add_raw(&a, "abc", 8, S_REG, NULL, 0);
	memset(a.buf + 114, 'z', 3);
	a.buf[117] = '\0';
	a.len = 120;
	add_trailer(&a);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_FORMAT);
}

static void cpio_next_refuses_file_size_past_the_end(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_error err;
	unsigned n;

	add(&a, "f", S_REG, "data");
	add_trailer(&a);
	memcpy(a.buf + 6 + 6 * 8, "00001000", 8);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_TRUNC);
	assert_int_equal(err.offset, 0);
	memcpy(a.buf + 6 + 6 * 8, "FFFFFFFF", 8);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_TRUNC);
	memcpy(a.buf + 6 + 6 * 8, "FFFFFFF0", 8);
	assert_int_equal(walk(a.buf, a.len, &n, &err), E_TRUNC);
}

static void cpio_next_from_offset_past_the_end_is_truncation(void **state)
{
	struct arc a = { .len = 0 };
	struct cpio_entry e;
	size_t off = SIZE_MAX - 3;

	add_trailer(&a);
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, NULL), E_TRUNC);
	off = a.len - 109;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, NULL), E_TRUNC);
}

/* Runs a shell command in dir; fails the test if it does not succeed. */
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc(n ? (size_t)n : 1);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* An archive written by GNU cpio, in both the "find ." form (names start
 * with "./", a "." entry) and the plain-list form the Makefile uses. */
static void cpio_reads_archive_made_by_gnu_cpio(void **state)
{
	char dir[] = "/tmp/rivet-cpio-XXXXXX";
	const char *lists[2] = { "find .", "printf '%s\\n' etc etc/rivet.conf "
					   "libos libos/big.bin empty" };
	struct cpio_entry e;
	struct cpio_error err;
	uint8_t big[5000];
	size_t len;
	unsigned n;

	if (system("cpio --version >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	sh("mkdir -p %s/etc %s/libos && touch %s/empty", dir, dir, dir);
	sh("printf '[domain hello]\\nimage = /libos/big.bin\\n' > "
	   "%s/etc/rivet.conf",
	   dir);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	char path[256];
	snprintf(path, sizeof(path), "%s/libos/big.bin", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(big, 1, sizeof(big), f), sizeof(big));
	fclose(f);

	for (int l = 0; l < 2; l++) {
		sh("cd %s && %s | cpio --quiet -o -H newc > %s.cpio", dir,
		   lists[l], dir);
		snprintf(path, sizeof(path), "%s.cpio", dir);
		uint8_t *p = slurp(path, &len);

		assert_int_equal(walk(p, len, &n, &err), 0);
		assert_true(n >= 5);
		assert_int_equal(cpio_find(p, len, "/etc/rivet.conf", &e, &err),
				 0);
		assert_int_equal(e.size, 38);
		assert_memory_equal(
			e.data, "[domain hello]\nimage = /libos/big.bin\n", 38);
		assert_int_equal(cpio_find(p, len, "./libos/big.bin", &e, &err),
				 0);
		assert_int_equal(e.size, sizeof(big));
		assert_memory_equal(e.data, big, sizeof(big));
		assert_int_equal(cpio_find(p, len, "empty", &e, &err), 0);
		assert_int_equal(e.size, 0);
		assert_int_equal(cpio_find(p, len, "/etc", &e, &err), E_NOENT);
		assert_int_equal(cpio_find(p, len, "/libos/none", &e, &err),
				 E_NOENT);

		/* The real archive, cut anywhere before its trailer. */
		for (size_t cut = 0; cut + 512 < len; cut += 3) {
			uint8_t *q = malloc(cut ? cut : 1);
			memcpy(q, p, cut);
			int rc = walk(q, cut, &n, &err);
			assert_int_equal(rc, E_TRUNC);
			free(q);
		}
		free(p);
	}
	sh("rm -rf %s %s.cpio", dir, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpio_next_reads_entries_in_order_with_data),
		cmocka_unit_test(
			cpio_find_treats_leading_slash_and_dot_slash_as_absent),
		cmocka_unit_test(cpio_find_skips_directories_and_other_types),
		cmocka_unit_test(
			cpio_find_stops_at_first_error_but_finds_earlier_files),
		cmocka_unit_test(
			cpio_next_truncated_at_every_length_returns_trunc),
		cmocka_unit_test(
			cpio_next_accepts_trailer_without_final_padding),
		cmocka_unit_test(cpio_next_missing_trailer_is_truncation),
		cmocka_unit_test(cpio_next_refuses_bad_magic),
		cmocka_unit_test(
			cpio_next_refuses_non_hex_digit_in_every_field),
		cmocka_unit_test(cpio_next_accepts_lower_and_upper_case_hex),
		cmocka_unit_test(cpio_next_refuses_name_size_zero),
		cmocka_unit_test(cpio_next_refuses_huge_name_size),
		cmocka_unit_test(cpio_next_accepts_name_of_exactly_name_max),
		cmocka_unit_test(
			cpio_next_refuses_name_without_nul_at_its_size),
		cmocka_unit_test(cpio_next_refuses_file_size_past_the_end),
		cmocka_unit_test(
			cpio_next_from_offset_past_the_end_is_truncation),
		cmocka_unit_test(cpio_reads_archive_made_by_gnu_cpio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
