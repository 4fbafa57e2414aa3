// SPDX-License-Identifier: MIT
/*
 * ELF64 image checks. Fields are decoded byte by byte as little endian, so
 * the image may sit at any alignment and the host's byte order and
 * structure padding do not matter. Every sum of two untrusted 64-bit
 * values is checked for wrap-around before it is compared with a bound.
 */
#include "kernel/boot/elf.h"

#include <stdbool.h>

#include <rivet/errno.h>

#include "kernel/lib/string.h"

#define ELF_PAGE_SIZE 4096ULL
#define ELF_PAGE_MASK (ELF_PAGE_SIZE - 1)

#define EHDR_SIZE   64
#define PHDR_SIZE   56
#define PHNUM_MAX   64
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define EM_RISCV    243
#define PT_LOAD	    1

/* The ELF64 file header, decoded. Section headers are not needed. */
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff;
	uint16_t phentsize, phnum;
};

/* One ELF64 program header, decoded. */
struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Decodes the file header; the caller has checked 64 bytes are there. */
static void read_ehdr(const uint8_t *p, struct elf64_ehdr *h)
{
	memcpy(h->ident, p, sizeof(h->ident));
	h->type = rd16(p + 16);
	h->machine = rd16(p + 18);
	h->version = rd32(p + 20);
	h->entry = rd64(p + 24);
	h->phoff = rd64(p + 32);
	h->phentsize = rd16(p + 54);
	h->phnum = rd16(p + 56);
}

/* Decodes one program header; the caller has checked 56 bytes are there. */
static void read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->type = rd32(p);
	ph->flags = rd32(p + 4);
	ph->offset = rd64(p + 8);
	ph->vaddr = rd64(p + 16);
	ph->filesz = rd64(p + 32);
	ph->memsz = rd64(p + 40);
}

static int fail(struct elf_error *err, int rc, int segment, const char *what)
{
	if (err) {
		err->rc = rc;
		err->what = what;
		err->segment = segment;
	}
	return rc;
}

/* Checks the file header alone; returns 0 or an error with err filled. */
static int check_ehdr(const struct elf64_ehdr *h, size_t len,
		      struct elf_error *err)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };
	uint64_t table;

	if (memcmp(h->ident, magic, sizeof(magic)) != 0)
		return fail(err, E_FORMAT, -1, "not an ELF file (bad magic)");
	if (h->ident[4] != ELFCLASS64)
		return fail(err, E_NOTSUP, -1, "not a 64-bit ELF file");
	if (h->ident[5] != ELFDATA2LSB)
		return fail(err, E_NOTSUP, -1, "not a little-endian ELF file");
	if (h->ident[6] != EV_CURRENT || h->version != EV_CURRENT)
		return fail(err, E_FORMAT, -1, "unknown ELF version");
	if (h->machine != EM_RISCV)
		return fail(err, E_NOTSUP, -1, "not a RISC-V ELF file");
	if (h->type != ET_EXEC)
		return fail(err, E_NOTSUP, -1,
			    "not a static executable (ET_EXEC)");
	if (h->phentsize != PHDR_SIZE)
		return fail(err, E_FORMAT, -1, "program header size is not 56");
	if (h->phnum == 0)
		return fail(err, E_FORMAT, -1, "no program headers");
	if (h->phnum > PHNUM_MAX)
		return fail(err, E_TOOBIG, -1, "more than 64 program headers");
	table = (uint64_t)h->phnum * PHDR_SIZE;
	if (h->phoff > len || len - h->phoff < table)
		return fail(
			err, E_TRUNC, -1,
			"program header table runs past the end of the file");
	return 0;
}

/*
 * Checks one PT_LOAD on its own and fills s. Returns 0 or an error with
 * err filled; overlaps with other segments are the caller's business.
 */
static int check_load(const struct elf64_phdr *ph, int i, size_t len,
		      uint64_t user_top, struct elf_segment *s,
		      struct elf_error *err)
{
	uint64_t end, start_page, end_page;

	if (ph->filesz > ph->memsz)
		return fail(err, E_FORMAT, i,
			    "segment has more file bytes than memory bytes");
	if (ph->offset > len || len - ph->offset < ph->filesz)
		return fail(
			err, E_TRUNC, i,
			"segment's file bytes run past the end of the file");
	if (ph->vaddr > UINT64_MAX - ph->memsz)
		return fail(err, E_RANGE, i, "segment's end address overflows");
	end = ph->vaddr + ph->memsz;
	if (end > UINT64_MAX - ELF_PAGE_MASK)
		return fail(err, E_RANGE, i, "segment's end address overflows");
	start_page = ph->vaddr & ~ELF_PAGE_MASK;
	end_page = (end + ELF_PAGE_MASK) & ~ELF_PAGE_MASK;
	if (end_page > user_top)
		return fail(err, E_RANGE, i,
			    "segment reaches above the user address range");
	if ((ph->flags & ELF_SEG_W) && (ph->flags & ELF_SEG_X))
		return fail(err, E_FORMAT, i,
			    "segment is both writable and executable");
	/* Congruence lets the loader copy whole file pages into place. */
	if (((ph->vaddr - ph->offset) & ELF_PAGE_MASK) != 0)
		return fail(err, E_FORMAT, i,
			    "segment's address and file offset differ modulo "
			    "the page size");

	s->vaddr = start_page;
	s->memsz = end_page - start_page;
	s->file_vaddr = ph->vaddr;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->flags = ph->flags & (ELF_SEG_R | ELF_SEG_W | ELF_SEG_X);
	return 0;
}

/* True if the page ranges of a and b share at least one page. */
static bool pages_overlap(const struct elf_segment *a,
			  const struct elf_segment *b)
{
	return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

int elf_parse(const void *data, size_t len, uint64_t user_top,
	      uint64_t max_bytes, struct elf_image *img, struct elf_error *err)
{
	const uint8_t *p = data;
	struct elf64_ehdr h;
	struct elf64_phdr ph;
	struct elf_segment *s;
	bool entry_ok = false;
	unsigned i, j;
	int rc;

	memset(img, 0, sizeof(*img));
	if (len < EHDR_SIZE)
		return fail(err, E_TRUNC, -1,
			    "file is shorter than an ELF header");
	read_ehdr(p, &h);
	rc = check_ehdr(&h, len, err);
	if (rc)
		return rc;

	for (i = 0; i < h.phnum; i++) {
		read_phdr(p + h.phoff + (uint64_t)i * PHDR_SIZE, &ph);
		if (ph.type != PT_LOAD)
			continue;
		/* An empty PT_LOAD maps nothing; linkers emit them for
		 * sections that ended up empty. */
		if (ph.memsz == 0 && ph.filesz == 0)
			continue;
		if (img->nseg == ELF_MAX_SEGMENTS)
			return fail(err, E_TOOBIG, (int)i,
				    "too many loadable segments");
		s = &img->seg[img->nseg];
		rc = check_load(&ph, (int)i, len, user_top, s, err);
		if (rc)
			return rc;
		for (j = 0; j < img->nseg; j++)
			if (pages_overlap(s, &img->seg[j]))
				return fail(err, E_FORMAT, (int)i,
					    "segment shares a page with an "
					    "earlier segment");
		/* The entry must be in the segment's own bytes, not merely in
		 * the rest of its last page. */
		if ((s->flags & ELF_SEG_X) && h.entry >= ph.vaddr &&
		    h.entry - ph.vaddr < ph.memsz)
			entry_ok = true;
		img->pages += s->memsz / ELF_PAGE_SIZE;
		img->nseg++;
	}

	if (img->nseg == 0)
		return fail(err, E_FORMAT, -1, "no loadable segment");
	if (img->pages > max_bytes / ELF_PAGE_SIZE)
		return fail(err, E_TOOBIG, -1,
			    "segments need more memory than allowed");
	if (!entry_ok)
		return fail(err, E_FORMAT, -1,
			    "entry point is not inside an executable segment");
	img->entry = h.entry;
	return 0;
}
