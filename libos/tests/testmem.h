/* SPDX-License-Identifier: MIT */
/*
 * Large test buffers taken when the role that uses them runs, not kept
 * in .bss (docs/testing.md, "Test buffers"): every domain started from
 * tests.elf, every spawned child included, is charged for the whole
 * image, so a static buffer costs every domain its frames.
 */
#ifndef LIBOS_TESTS_TESTMEM_H
#define LIBOS_TESTS_TESTMEM_H

#include <stddef.h>

/* Buffers alive at once, at most. */
#define TESTMEM_MAX 4

/*
 * bytes (rounded up to pages) of zeroed, page-aligned, read-write memory
 * in one run of frames of the caller's own (one slot), mapped in the
 * buffer window with an unmapped page after it. Returns NULL after a
 * "TEST what: FAIL" line saying why (no frames, slots or window entry).
 */
void *testmem_alloc(const char *what, size_t bytes);

/* Gives p (from testmem_alloc) back: unmapped, its frames and slot
 * returned. Returns 0, or E_NOENT if p is not a live buffer. */
long testmem_free(void *p);

#endif
