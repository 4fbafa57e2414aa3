/* SPDX-License-Identifier: MIT */
/*
 * Bounded reader for cpio "newc" archives (the initramfs). The archive is
 * untrusted: every header field is checked (hex digits, sizes, alignment,
 * NUL-terminated names, bounds) before anything is used, and an error says
 * at which byte offset and what was wrong. Pure; host-testable.
 */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_NAME_MAX 256 /* longer names are refused */

struct cpio_entry {
	const char
		*name; /* NUL-terminated, inside the archive, no leading "./" */
	uint32_t mode; /* file type and permission bits (c_mode) */
	const uint8_t *data;
	size_t size;
};

struct cpio_error {
	int rc;	       /* negative code from <rivet/errno.h> */
	size_t offset; /* byte offset of the bad header */
	const char *what;
};

/*
 * Reads the entry at *offset and advances *offset past it. Returns 1 with
 * *e filled, 0 at the "TRAILER!!!" entry, or a negative error (E_FORMAT,
 * E_TRUNC, E_TOOBIG) with err filled (err may be NULL).
 */
int cpio_next(const void *archive, size_t len, size_t *offset,
	      struct cpio_entry *e, struct cpio_error *err);

/*
 * Finds the regular file named path ("/etc/rivet.conf" and "etc/rivet.conf"
 * are the same). Returns 0, E_NOENT if absent, or the first error met.
 */
int cpio_find(const void *archive, size_t len, const char *path,
	      struct cpio_entry *e, struct cpio_error *err);

#endif
