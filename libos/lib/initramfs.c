// SPDX-License-Identifier: MIT
/*
 * The initramfs as the kernel mapped it (libos/include/rivet/initramfs.h). The
 * parsing is the kernel's reader, kernel/boot/cpio.c, built into librivet
 * as well: one reader, whose unit tests and fuzz target cover both users.
 */
#include <rivet/errno.h>
#include <rivet/initramfs.h>
#include <rivet/libos.h>

#include "kernel/boot/cpio.h"

#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_REG  0100000

int rivet_initramfs(const uint8_t **archive, size_t *size)
{
	const struct rivet_info *in = rivet_info();

	if (!in->initramfs || !in->initramfs_size)
		return E_NOENT;
	*archive = (const uint8_t *)in->initramfs;
	*size = in->initramfs_size;
	return 0;
}

static void fill(struct rivet_file *f, const struct cpio_entry *e)
{
	f->name = e->name;
	f->data = e->data;
	f->size = e->size;
}

int rivet_file_find(const char *path, struct rivet_file *f)
{
	const uint8_t *a;
	struct cpio_entry e;
	size_t len;
	int rc = rivet_initramfs(&a, &len);

	if (!rc)
		rc = cpio_find(a, len, path, &e, 0);
	if (!rc)
		fill(f, &e);
	return rc;
}

int rivet_file_next(size_t *offset, struct rivet_file *f)
{
	const uint8_t *a;
	struct cpio_entry e;
	size_t len;
	int rc = rivet_initramfs(&a, &len);

	if (rc)
		return rc == E_NOENT ? 0 : rc;
	while ((rc = cpio_next(a, len, offset, &e, 0)) > 0) {
		if ((e.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG)
			continue;
		fill(f, &e);
		return 1;
	}
	return rc;
}
