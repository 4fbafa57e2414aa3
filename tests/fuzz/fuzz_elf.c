// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the ELF image checks. An accepted image must meet
 * every promise elf_parse() makes to the loader; a refused one must say
 * why. The first byte picks one of a few user_top / max_bytes limits so
 * the bounds checks are exercised at their edges too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rivet/errno.h>

#include "kernel/boot/elf.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

#define PAGE 4096ULL

static const struct {
	uint64_t user_top, max_bytes;
} limits[4] = {
	{ 0x4000000000ULL, 64ULL << 20 },
	{ 0x4000000000ULL - 0x800, 1ULL << 16 },
	{ 0xfffffffffffff000ULL, UINT64_MAX },
	{ 0x20000, 0 },
};

static void check_image(const struct elf_image *img, size_t size,
			uint64_t user_top, uint64_t max_bytes)
{
	uint64_t pages = 0;
	int entry_ok = 0;

	CHECK(img->nseg >= 1 && img->nseg <= ELF_MAX_SEGMENTS);
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *s = &img->seg[i];

		CHECK(s->vaddr % PAGE == 0 && s->memsz % PAGE == 0);
		CHECK(s->memsz > 0 && s->vaddr + s->memsz > s->vaddr);
		CHECK(s->vaddr + s->memsz <= user_top);
		CHECK(s->file_vaddr >= s->vaddr &&
		      s->file_vaddr - s->vaddr < PAGE);
		CHECK(s->filesz <= s->memsz - (s->file_vaddr - s->vaddr));
		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK((s->file_vaddr - s->offset) % PAGE == 0);
		CHECK(!((s->flags & ELF_SEG_W) && (s->flags & ELF_SEG_X)));
		for (unsigned j = 0; j < i; j++)
			CHECK(s->vaddr + s->memsz <= img->seg[j].vaddr ||
			      img->seg[j].vaddr + img->seg[j].memsz <=
				      s->vaddr);
		if ((s->flags & ELF_SEG_X) && img->entry >= s->file_vaddr &&
		    img->entry < s->vaddr + s->memsz)
			entry_ok = 1;
		pages += s->memsz / PAGE;
	}
	CHECK(entry_ok);
	CHECK(pages == img->pages && pages <= max_bytes / PAGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_image img;
	struct elf_error err;
	unsigned which;
	int rc;

	/* The limits come from the last byte so that the first bytes stay
	 * a plain ELF header and the seeds are real images. */
	which = size ? data[size - 1] % 4 : 0;
	memset(&err, 0, sizeof(err));
	rc = elf_parse(data, size, limits[which].user_top,
		       limits[which].max_bytes, &img, &err);
	if (rc == 0) {
		check_image(&img, size, limits[which].user_top,
			    limits[which].max_bytes);
	} else {
		CHECK(rc < 0 && err.rc == rc && err.what != NULL);
		CHECK(err.segment >= -1 && err.segment < 64);
	}
	return 0;
}
