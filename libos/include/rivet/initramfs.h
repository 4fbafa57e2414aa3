/* SPDX-License-Identifier: MIT */
/*
 * Files from the initramfs. A domain whose configuration says
 * `initramfs = yes` finds the archive mapped read-only at the address its
 * info page gives (docs/libos.md); these read it, with the kernel's own
 * cpio newc reader (kernel/boot/cpio.c, linked into librivet). The
 * archive is checked as it is read: a corrupt one gives an error, never
 * a read outside it. No system call: the data is used where it lies.
 */
#ifndef RIVET_INITRAMFS_H
#define RIVET_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

struct rivet_file {
	const char *name;    /* as archived, no leading "/" or "./" */
	const uint8_t *data; /* read-only: a store faults */
	size_t size;
};

/*
 * The archive: 0 with *archive and *size, or E_NOENT when the kernel
 * mapped none for this domain.
 */
int rivet_initramfs(const uint8_t **archive, size_t *size);

/*
 * The regular file at path ("/www/index.html"; "www/index.html" is the
 * same). 0 with *f; E_NOENT when it is absent or there is no archive;
 * E_FORMAT, E_TRUNC or E_TOOBIG when the archive is corrupt before it.
 */
int rivet_file_find(const char *path, struct rivet_file *f);

/*
 * The next regular file from *offset (start at 0), directories and other
 * entries skipped. 1 with *f and *offset moved past it, 0 at the end of
 * the archive, or a negative error as for rivet_file_find.
 */
int rivet_file_next(size_t *offset, struct rivet_file *f);

#endif
