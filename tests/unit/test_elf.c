// SPDX-License-Identifier: MIT
/*
 * ELF64 image checks: images built here by a small writer, one compiled
 * by the RISC-V cross compiler at test time, then each way an image can
 * be malformed or reach where it must not.
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

#include "kernel/boot/elf.h"

#define USER_TOP  0x4000000000ULL /* Sv39 lower half */
#define MAX_BYTES (64ULL << 20)
#define PAGE	  4096ULL

#define PT_NULL		    0
#define PT_LOAD		    1
#define PT_NOTE		    4
#define PT_GNU_STACK	    0x6474e551
#define PT_RISCV_ATTRIBUTES 0x70000003

#define R ELF_SEG_R
#define W ELF_SEG_W
#define X ELF_SEG_X

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* An image description the writer turns into bytes. */
struct img {
	uint8_t magic[4], class, data, ident_version;
	uint16_t type, machine, phentsize, phnum;
	uint32_t version;
	uint64_t entry, phoff;
	struct phdr ph[80];
	size_t size;
};

static uint8_t file[1 << 16];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Writes m into file[] (little endian, whatever the host) and returns
 * its size. Program headers that do not fit in the buffer are left out. */
static size_t emit(const struct img *m)
{
	assert_true(m->size <= sizeof(file));
	for (size_t i = 0; i < m->size; i++)
		file[i] = (uint8_t)(i * 13 + 1);
	memset(file, 0, m->size < 64 ? m->size : 64);
	uint8_t h[64] = { 0 };
	memcpy(h, m->magic, 4);
	h[4] = m->class;
	h[5] = m->data;
	h[6] = m->ident_version;
	put16(h + 16, m->type);
	put16(h + 18, m->machine);
	put32(h + 20, m->version);
	put64(h + 24, m->entry);
	put64(h + 32, m->phoff);
	put16(h + 52, 64);
	put16(h + 54, m->phentsize);
	put16(h + 56, m->phnum);
	memcpy(file, h, m->size < 64 ? m->size : 64);
	for (unsigned i = 0; i < m->phnum && i < 80; i++) {
		const struct phdr *ph = &m->ph[i];
		uint8_t b[56];

		if (m->phoff > m->size || m->phoff + (i + 1) * 56ULL > m->size)
			break;
		put32(b, ph->type);
		put32(b + 4, ph->flags);
		put64(b + 8, ph->offset);
		put64(b + 16, ph->vaddr);
		put64(b + 24, ph->paddr);
		put64(b + 32, ph->filesz);
		put64(b + 40, ph->memsz);
		put64(b + 48, ph->align);
		memcpy(file + m->phoff + i * 56, b, 56);
	}
	return m->size;
}

/*
 * A small valid image: text RX at 0x10000 (file 0x1000, 0x800 bytes), a
 * stack note, data RW at 0x12000 (file 0x2000, 0x100 bytes, 0x3000 in
 * memory: bss), and a RISC-V attributes header with odd fields.
 */
static struct img base(void)
{
	struct img m = {
		.magic = { 0x7f, 'E', 'L', 'F' },
		.class = 2,
		.data = 1,
		.ident_version = 1,
		.type = 2,
		.machine = 243,
		.phentsize = 56,
		.phnum = 4,
		.version = 1,
		.entry = 0x10000,
		.phoff = 64,
		.size = 0x2100,
	};
	m.ph[0] = (struct phdr){ PT_LOAD, R | X, 0x1000, 0x10000,
				 0x10000, 0x800, 0x800,	 PAGE };
	m.ph[1] = (struct phdr){ PT_GNU_STACK, R | W, 0, 0, 0, 0, 0, 16 };
	m.ph[2] = (struct phdr){ PT_LOAD, R | W, 0x2000, 0x12000,
				 0x12000, 0x100, 0x3000, PAGE };
	m.ph[3] = (struct phdr){
		PT_RISCV_ATTRIBUTES, R, 0xffffffffffff0000, 0, 0, 0xfffff, 0, 1
	};
	return m;
}

static int parse(const struct img *m, struct elf_image *img,
		 struct elf_error *err)
{
	size_t len = emit(m);

	memset(err, 0, sizeof(*err));
	return elf_parse(file, len, USER_TOP, MAX_BYTES, img, err);
}

/* Expects m to be refused with rc, blaming program header seg. */
static void expect_refused(const struct img *m, int rc, int seg,
			   const char *what)
{
	struct elf_image img;
	struct elf_error err;
	int got = parse(m, &img, &err);

	if (got != rc)
		fail_msg("rc %d, expected %d (%s)", got, rc,
			 err.what ? err.what : "-");
	assert_int_equal(err.rc, rc);
	assert_int_equal(err.segment, seg);
	assert_non_null(err.what);
	if (what && !strstr(err.what, what))
		fail_msg("'%s' does not mention '%s'", err.what, what);
}

static void expect_ok(const struct img *m, struct elf_image *img)
{
	struct elf_error err;
	int rc = parse(m, img, &err);

	if (rc)
		fail_msg("rc %d: %s (segment %d)", rc, err.what, err.segment);
}

static void elf_accepts_image_and_describes_its_segments(void **state)
{
	struct img m = base();
	struct elf_image img;

	expect_ok(&m, &img);
	assert_int_equal(img.entry, 0x10000);
	assert_int_equal(img.nseg, 2);
	assert_int_equal(img.seg[0].vaddr, 0x10000);
	assert_int_equal(img.seg[0].memsz, 0x1000);
	assert_int_equal(img.seg[0].file_vaddr, 0x10000);
	assert_int_equal(img.seg[0].offset, 0x1000);
	assert_int_equal(img.seg[0].filesz, 0x800);
	assert_int_equal(img.seg[0].flags, R | X);
	assert_int_equal(img.seg[1].vaddr, 0x12000);
	assert_int_equal(img.seg[1].memsz, 0x3000);
	assert_int_equal(img.seg[1].filesz, 0x100);
	assert_int_equal(img.seg[1].flags, R | W);
	assert_int_equal(img.pages, 4);
}

static void elf_rounds_unaligned_segments_to_whole_pages(void **state)
{
	struct img m = base();
	struct elf_image img;

	/* Congruent but not page aligned: starts mid-page, ends mid-page. */
	m.ph[2].offset = 0x2010;
	m.ph[2].vaddr = 0x12010;
	m.ph[2].filesz = 0xf0;
	m.ph[2].memsz = 0x1ff1; /* ends at 0x14001: three pages */
	expect_ok(&m, &img);
	assert_int_equal(img.seg[1].vaddr, 0x12000);
	assert_int_equal(img.seg[1].memsz, 0x3000);
	assert_int_equal(img.seg[1].file_vaddr, 0x12010);
	assert_int_equal(img.seg[1].offset, 0x2010);
	assert_int_equal(img.pages, 4);
}

static void elf_works_at_any_buffer_alignment(void **state)
{
	struct img m = base();
	struct elf_image img;
	struct elf_error err;
	size_t len = emit(&m);
	uint8_t *p = malloc(len + 1);

	memcpy(p + 1, file, len);
	assert_int_equal(elf_parse(p + 1, len, USER_TOP, MAX_BYTES, &img, &err),
			 0);
	assert_int_equal(img.nseg, 2);
	free(p);
}

static void elf_truncated_at_every_length_returns_trunc(void **state)
{
	struct img m = base();
	struct elf_image img;
	struct elf_error err;
	size_t full = emit(&m);

	/* Exact-size heap copies, so ASan sees any read past the end. */
	for (size_t len = 0; len < full; len++) {
		uint8_t *p = malloc(len ? len : 1);

		memcpy(p, file, len);
		int rc = elf_parse(p, len, USER_TOP, MAX_BYTES, &img, &err);
		if (rc != E_TRUNC)
			fail_msg("length %zu: rc %d", len, rc);
		free(p);
	}
}

static void elf_refuses_bad_identification(void **state)
{
	struct img m;

	m = base();
	m.magic[1] = 'e';
	expect_refused(&m, E_FORMAT, -1, "magic");
	m = base();
	m.class = 1; /* ELFCLASS32 */
	expect_refused(&m, E_NOTSUP, -1, "64-bit");
	m = base();
	m.data = 2; /* big endian */
	expect_refused(&m, E_NOTSUP, -1, "little-endian");
	m = base();
	m.ident_version = 0;
	expect_refused(&m, E_FORMAT, -1, "version");
	m = base();
	m.version = 2;
	expect_refused(&m, E_FORMAT, -1, "version");
}

static void elf_refuses_other_machines(void **state)
{
	static const uint16_t machines[] = {
		62 /* x86-64 */, 183 /* arm64 */, 0, 0xf300, 242, 244
	};

	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		struct img m = base();

		m.machine = machines[i];
		expect_refused(&m, E_NOTSUP, -1, "RISC-V");
	}
}

static void elf_refuses_types_other_than_exec(void **state)
{
	static const uint16_t types[] = { 0, 1 /* REL */, 3 /* DYN */,
					  4 /* CORE */, 0xfe00 };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct img m = base();

		m.type = types[i];
		expect_refused(&m, E_NOTSUP, -1, "ET_EXEC");
	}
}

static void elf_refuses_bad_program_header_table(void **state)
{
	struct img m;

	m = base();
	m.phentsize = 64;
	expect_refused(&m, E_FORMAT, -1, "56");
	m = base();
	m.phnum = 0;
	expect_refused(&m, E_FORMAT, -1, NULL);
	m = base();
	m.phnum = 65;
	expect_refused(&m, E_TOOBIG, -1, "64");
	m = base();
	m.phnum = 0xffff; /* PN_XNUM: extended numbering, not supported */
	expect_refused(&m, E_TOOBIG, -1, NULL);
	m = base();
	m.phoff = m.size - 4 * 56 + 1;
	expect_refused(&m, E_TRUNC, -1, "program header");
	m = base();
	m.phoff = 0xfffffffffffffff0ULL; /* phoff + table wraps */
	expect_refused(&m, E_TRUNC, -1, NULL);
	m = base();
	m.phoff = UINT64_MAX;
	expect_refused(&m, E_TRUNC, -1, NULL);
}

static void elf_accepts_sixty_four_program_headers(void **state)
{
	struct img m = base();
	struct elf_image img;

	m.phnum = 64;
	for (unsigned i = 4; i < 64; i++)
		m.ph[i] = (struct phdr){ PT_NOTE, R, 0, 0, 0, 0, 0, 4 };
	expect_ok(&m, &img);
	assert_int_equal(img.nseg, 2);
}

static void elf_refuses_overlapping_segments(void **state)
{
	struct img m;
	struct elf_image img;

	/* Data starting in text's page. */
	m = base();
	m.ph[2].vaddr = 0x10800;
	m.ph[2].offset = 0x1800;
	expect_refused(&m, E_FORMAT, 2, "page");

	/* Text's last page shared with data's first, both mid-page. */
	m = base();
	m.ph[0].memsz = 0x2000; /* to 0x12000, data at 0x12000: fine */
	m.ph[0].filesz = 0x1000;
	expect_ok(&m, &img);
	m.ph[0].memsz = 0x2001; /* one byte into data's page */
	expect_refused(&m, E_FORMAT, 2, NULL);

	/* Data wholly below text, overlapping it. */
	m = base();
	m.ph[2].vaddr = 0xf000;
	m.ph[2].offset = 0x2000;
	m.ph[2].memsz = 0x5000;
	expect_refused(&m, E_FORMAT, 2, NULL);

	/* The same segment twice. */
	m = base();
	m.ph[3] = m.ph[0];
	expect_refused(&m, E_FORMAT, 3, NULL);
}

static void elf_refuses_kernel_half_and_addresses_above_user_top(void **state)
{
	struct img m;
	struct elf_image img;

	m = base();
	m.ph[2].vaddr = 0xffffffff80000000ULL;
	expect_refused(&m, E_RANGE, 2, "user");

	m = base();
	m.ph[2].vaddr = USER_TOP;
	m.ph[2].memsz = 0x100;
	expect_refused(&m, E_RANGE, 2, NULL);

	/* Crossing the top by one byte. */
	m = base();
	m.ph[2].vaddr = USER_TOP - 0x3000;
	m.ph[2].memsz = 0x3001;
	expect_refused(&m, E_RANGE, 2, NULL);

	/* Ending exactly at the top is fine. */
	m.ph[2].memsz = 0x3000;
	expect_ok(&m, &img);
	assert_int_equal(img.seg[1].vaddr + img.seg[1].memsz, USER_TOP);

	/* A top that is not page aligned still bounds whole pages. */
	struct elf_error err;
	size_t len = emit(&m);
	assert_int_equal(
		elf_parse(file, len, USER_TOP - 1, MAX_BYTES, &img, &err),
		E_RANGE);
	m.ph[2].memsz = 0x2800; /* ends mid-page, below an unaligned top */
	len = emit(&m);
	assert_int_equal(
		elf_parse(file, len, USER_TOP - 0x400, MAX_BYTES, &img, &err),
		E_RANGE);
	assert_int_equal(elf_parse(file, len, USER_TOP, MAX_BYTES, &img, &err),
			 0);
}

static void elf_refuses_sizes_and_offsets_that_overflow(void **state)
{
	struct img m;

	m = base();
	m.ph[2].memsz = UINT64_MAX;
	expect_refused(&m, E_RANGE, 2, "overflow");

	m = base();
	m.ph[2].vaddr = 0xfffffffffffff000ULL;
	m.ph[2].offset = 0;
	m.ph[2].filesz = 0;
	m.ph[2].memsz = 0x800; /* end fits, rounding up to a page does not */
	expect_refused(&m, E_RANGE, 2, "overflow");

	m = base();
	m.ph[2].filesz = 0x8000000000000000ULL;
	m.ph[2].memsz = 0x8000000000000000ULL;
	expect_refused(&m, E_TRUNC, 2, NULL);

	m = base();
	m.ph[2].offset = 0xfffffffffffff000ULL; /* offset + filesz wraps */
	m.ph[2].filesz = 0x2000;
	m.ph[2].memsz = 0x3000;
	expect_refused(&m, E_TRUNC, 2, NULL);

	m = base();
	m.ph[2].offset = UINT64_MAX;
	m.ph[2].filesz = 1;
	expect_refused(&m, E_TRUNC, 2, NULL);

	/* File bytes one past the end of the file. */
	m = base();
	m.ph[2].filesz = 0x101;
	expect_refused(&m, E_TRUNC, 2, "file");
}

static void elf_refuses_filesz_above_memsz(void **state)
{
	struct img m = base();

	m.ph[2].memsz = 0xff;
	expect_refused(&m, E_FORMAT, 2, "file bytes");
	m = base();
	m.ph[2].memsz = 0; /* zero memsz is only skipped when empty */
	expect_refused(&m, E_FORMAT, 2, NULL);
}

static void elf_refuses_writable_and_executable_segment(void **state)
{
	struct img m = base();

	m.ph[2].flags = R | W | X;
	expect_refused(&m, E_FORMAT, 2, "writable and executable");
	m = base();
	m.ph[0].flags = W | X;
	expect_refused(&m, E_FORMAT, 0, "writable and executable");
}

static void elf_refuses_address_not_congruent_with_offset(void **state)
{
	struct img m = base();

	m.ph[2].offset = 0x2004;
	m.ph[2].filesz = 0xfc;
	expect_refused(&m, E_FORMAT, 2, "modulo");
	m = base();
	m.ph[0].vaddr = 0x10800;
	m.entry = 0x10800;
	expect_refused(&m, E_FORMAT, 0, "modulo");
}

static void elf_refuses_entry_outside_executable_segment(void **state)
{
	static const uint64_t bad[] = {
		0,
		0xffff,
		0x10800 /* past text, same page */,
		0x10fff,
		0x12000 /* data */,
		0x14ffe,
		UINT64_MAX,
	};
	struct elf_image img;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct img m = base();

		m.entry = bad[i];
		expect_refused(&m, E_FORMAT, -1, "entry");
	}
	struct img m = base();
	m.entry = 0x107fe; /* last halfword of text */
	expect_ok(&m, &img);
	assert_int_equal(img.entry, 0x107fe);
}

static void elf_refuses_too_many_loadable_segments(void **state)
{
	struct img m = base();
	struct elf_image img;

	m.phnum = ELF_MAX_SEGMENTS;
	m.ph[1] = m.ph[2];
	m.ph[1].vaddr = 0x20000;
	m.ph[2].flags = R;
	for (unsigned i = 3; i < ELF_MAX_SEGMENTS; i++) {
		m.ph[i] = m.ph[1];
		m.ph[i].vaddr = 0x20000 + i * 0x10000;
	}
	expect_ok(&m, &img);
	assert_int_equal(img.nseg, ELF_MAX_SEGMENTS);

	/* Empty PT_LOADs do not count. */
	m.phnum = ELF_MAX_SEGMENTS + 2;
	m.ph[ELF_MAX_SEGMENTS] =
		(struct phdr){ PT_LOAD, R | W | X, UINT64_MAX, UINT64_MAX,
			       0,	0,	   0,	       0 };
	m.ph[ELF_MAX_SEGMENTS + 1] = m.ph[1];
	m.ph[ELF_MAX_SEGMENTS + 1].vaddr = 0x900000;
	expect_refused(&m, E_TOOBIG, ELF_MAX_SEGMENTS + 1, "too many");
}

static void elf_skips_empty_load_and_other_headers(void **state)
{
	struct img m = base();
	struct elf_image img;

	m.phnum = 6;
	m.ph[4] = (struct phdr){ PT_LOAD, R | W | X, UINT64_MAX, 0x10000,
				 0,	  0,	     0,		 3 };
	m.ph[5] = (struct phdr){ PT_NULL, W | X,      UINT64_MAX, UINT64_MAX,
				 0,	  UINT64_MAX, 1,	  0 };
	expect_ok(&m, &img);
	assert_int_equal(img.nseg, 2);
}

static void elf_refuses_image_without_loadable_segment(void **state)
{
	struct img m = base();

	m.ph[0].type = PT_NOTE;
	m.ph[2].type = PT_NOTE;
	expect_refused(&m, E_FORMAT, -1, "loadable");
}

static void elf_refuses_image_larger_than_max_bytes(void **state)
{
	struct img m = base();
	struct elf_image img;
	struct elf_error err;
	size_t len = emit(&m);

	assert_int_equal(elf_parse(file, len, USER_TOP, 4 * PAGE, &img, &err),
			 0);
	assert_int_equal(
		elf_parse(file, len, USER_TOP, 4 * PAGE - 1, &img, &err),
		E_TOOBIG);
	assert_int_equal(err.rc, E_TOOBIG);
	assert_int_equal(elf_parse(file, len, USER_TOP, 0, &img, &err),
			 E_TOOBIG);

	/* Huge but in-range segments: page counts must not overflow. */
	m.ph[2].memsz = USER_TOP - 0x12000;
	len = emit(&m);
	assert_int_equal(elf_parse(file, len, USER_TOP, MAX_BYTES, &img, &err),
			 E_TOOBIG);
	assert_int_equal(elf_parse(file, len, USER_TOP, UINT64_MAX, &img, &err),
			 0);
	assert_int_equal(img.pages, 1 + (USER_TOP - 0x12000) / PAGE);
}

/* Runs a shell command; returns its exit status. */
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* An image from the real toolchain: text, read-only data, data and bss,
 * plus the RISC-V attributes and stack headers the linker adds. */
static void elf_accepts_image_from_riscv_toolchain(void **state)
{
	char dir[] = "/tmp/rivet-elf-XXXXXX";
	char path[256];
	struct elf_image img;
	struct elf_error err;
	FILE *f;

	if (sh("riscv64-unknown-elf-gcc --version >/dev/null 2>&1") != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.c", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("static const char msg[] = \"hello\";\n"
	      "int counter = 5;\n"
	      "char buf[10000];\n"
	      "void _start(void)\n"
	      "{\n"
	      "\tfor (;; counter++)\n"
	      "\t\tbuf[counter % sizeof(buf)] = msg[counter % 5];\n"
	      "}\n",
	      f);
	fclose(f);
	if (sh("cd %s && riscv64-unknown-elf-gcc -O2 -nostdlib -static "
	       "-Wl,-Ttext=0x10000 -o x.elf x.c",
	       dir) != 0)
		fail_msg("cross compile failed in %s", dir);

	snprintf(path, sizeof(path), "%s/x.elf", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size_t len = (size_t)ftell(f);
	rewind(f);
	uint8_t *p = malloc(len);
	assert_int_equal(fread(p, 1, len, f), len);
	fclose(f);

	int rc = elf_parse(p, len, USER_TOP, MAX_BYTES, &img, &err);
	if (rc)
		fail_msg("rc %d: %s (segment %d)", rc, err.what, err.segment);
	assert_true(img.nseg >= 1);
	assert_true(img.entry >= 0x10000);
	unsigned x = 0, w = 0;
	for (unsigned i = 0; i < img.nseg; i++) {
		x += !!(img.seg[i].flags & ELF_SEG_X);
		w += !!(img.seg[i].flags & ELF_SEG_W);
	}
	assert_int_equal(x, 1);
	assert_true(w >= 1);
	assert_true(img.pages >= 3); /* buf alone is three pages */

	/* The kernel must refuse it if the user range were too small. */
	assert_int_equal(elf_parse(p, len, 0x10000, MAX_BYTES, &img, &err),
			 E_RANGE);

	/* Every prefix is refused, never read past. */
	for (size_t cut = 0; cut < len; cut += 7) {
		uint8_t *q = malloc(cut ? cut : 1);

		memcpy(q, p, cut);
		rc = elf_parse(q, cut, USER_TOP, MAX_BYTES, &img, &err);
		/* Section headers after the last segment's bytes are not
		 * needed, so late cuts may still be accepted. */
		assert_true(rc == E_TRUNC || rc == 0);
		free(q);
	}
	free(p);
	sh("rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_accepts_image_and_describes_its_segments),
		cmocka_unit_test(elf_rounds_unaligned_segments_to_whole_pages),
		cmocka_unit_test(elf_works_at_any_buffer_alignment),
		cmocka_unit_test(elf_truncated_at_every_length_returns_trunc),
		cmocka_unit_test(elf_refuses_bad_identification),
		cmocka_unit_test(elf_refuses_other_machines),
		cmocka_unit_test(elf_refuses_types_other_than_exec),
		cmocka_unit_test(elf_refuses_bad_program_header_table),
		cmocka_unit_test(elf_accepts_sixty_four_program_headers),
		cmocka_unit_test(elf_refuses_overlapping_segments),
		cmocka_unit_test(
			elf_refuses_kernel_half_and_addresses_above_user_top),
		cmocka_unit_test(elf_refuses_sizes_and_offsets_that_overflow),
		cmocka_unit_test(elf_refuses_filesz_above_memsz),
		cmocka_unit_test(elf_refuses_writable_and_executable_segment),
		cmocka_unit_test(elf_refuses_address_not_congruent_with_offset),
		cmocka_unit_test(elf_refuses_entry_outside_executable_segment),
		cmocka_unit_test(elf_refuses_too_many_loadable_segments),
		cmocka_unit_test(elf_skips_empty_load_and_other_headers),
		cmocka_unit_test(elf_refuses_image_without_loadable_segment),
		cmocka_unit_test(elf_refuses_image_larger_than_max_bytes),
		cmocka_unit_test(elf_accepts_image_from_riscv_toolchain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
