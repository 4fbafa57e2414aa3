/* SPDX-License-Identifier: MIT */
/*
 * ELF64 RISC-V checks for static libOS images. elf_parse() validates an
 * untrusted image completely and describes its loadable segments; loading
 * them into an address space is the domain code's job. Pure; host-testable.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8
#define ELF_SEG_R	 4 /* p_flags bits */
#define ELF_SEG_W	 2
#define ELF_SEG_X	 1

struct elf_segment {
	uint64_t vaddr;	     /* page-aligned start (p_vaddr rounded down) */
	uint64_t memsz;	     /* bytes from vaddr, rounded up to whole pages */
	uint64_t file_vaddr; /* p_vaddr: where file bytes start */
	uint64_t offset, filesz; /* file bytes to copy to file_vaddr */
	uint32_t flags;		 /* ELF_SEG_* */
};

struct elf_image {
	uint64_t entry;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	unsigned nseg;
	uint64_t pages; /* total pages the segments need */
};

struct elf_error {
	int rc;
	const char *
		what; /* static text: "segment 2 is both writable and executable" */
	int segment; /* program header index, -1 if none */
};

/*
 * Checks the image (len bytes at data): ELF64, little endian, RISC-V,
 * ET_EXEC, sane program header table; each PT_LOAD has filesz <= memsz,
 * file bytes inside the file, no address overflow, lies wholly below
 * user_top (so nothing lands in the kernel half), is not both W and X,
 * has vaddr and offset congruent modulo the page size, and does not
 * overlap another segment's pages; at least one PT_LOAD; the entry point
 * is inside an executable segment; total size at most max_bytes.
 * Returns 0 or a negative error with err filled.
 */
int elf_parse(const void *data, size_t len, uint64_t user_top,
	      uint64_t max_bytes, struct elf_image *img, struct elf_error *err);

#endif
