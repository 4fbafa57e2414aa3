// SPDX-License-Identifier: MIT
/*
 * cpio "newc" reader. An entry is a 110-byte ASCII header ("070701" and
 * thirteen 8-digit hex fields), the name with its NUL (c_namesize counts
 * the NUL), padding to a multiple of 4 bytes from the archive start, the
 * file data, and padding to 4 again. The archive is untrusted, so every
 * length is compared against what is left of the archive before it is
 * added to an offset: no sum can wrap and no read can leave the buffer.
 */
#include "kernel/boot/cpio.h"

#include <stdbool.h>

#include <rivet/errno.h>

#include "kernel/lib/string.h"

#define CPIO_MAGIC     "070701"
#define CPIO_MAGIC_LEN 6
#define CPIO_HDR_LEN   110
#define CPIO_NFIELDS   13

/* Header field indices, in the order they follow the magic. */
enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
};

#define CPIO_MODE_TYPE 0170000
#define CPIO_MODE_REG  0100000

static const char trailer[] = "TRAILER!!!";

static int fail(struct cpio_error *err, int rc, size_t offset, const char *what)
{
	if (err) {
		err->rc = rc;
		err->offset = offset;
		err->what = what;
	}
	return rc;
}

/* Parses exactly 8 hex digits (either case); false on any other byte. */
static bool parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	unsigned i, d;

	for (i = 0; i < 8; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* Bytes of padding that bring pos to the next multiple of 4. */
static size_t pad4(size_t pos)
{
	return (4 - (pos & 3)) & 3;
}

int cpio_next(const void *archive, size_t len, size_t *offset,
	      struct cpio_entry *e, struct cpio_error *err)
{
	const uint8_t *a = archive;
	size_t off = *offset, name_off, name_end, data_off, data_end, pad;
	size_t namesize, filesize;
	uint32_t f[CPIO_NFIELDS];
	const char *name;
	unsigned i;

	if (off >= len)
		return fail(err, E_TRUNC, off,
			    "archive ends without TRAILER!!!");
	if (len - off < CPIO_HDR_LEN)
		return fail(err, E_TRUNC, off, "archive ends inside a header");
	if (memcmp(a + off, CPIO_MAGIC, CPIO_MAGIC_LEN) != 0)
		return fail(err, E_FORMAT, off, "bad magic; expected 070701");
	for (i = 0; i < CPIO_NFIELDS; i++)
		if (!parse_hex8(a + off + CPIO_MAGIC_LEN + 8 * i, &f[i]))
			return fail(err, E_FORMAT, off,
				    "header field is not 8 hex digits");

	namesize = f[F_NAMESIZE];
	filesize = f[F_FILESIZE];
	if (namesize == 0)
		return fail(err, E_FORMAT, off, "name size is 0");
	if (namesize - 1 > CPIO_NAME_MAX)
		return fail(err, E_TOOBIG, off, "name is longer than allowed");

	name_off = off + CPIO_HDR_LEN;
	if (len - name_off < namesize)
		return fail(err, E_TRUNC, off, "archive ends inside a name");
	name = (const char *)a + name_off;
	/* The name must end exactly where c_namesize says, and nowhere sooner,
	 * or two tools could disagree on what the entry is called. */
	if (name[namesize - 1] != '\0' || memchr(name, 0, namesize - 1))
		return fail(err, E_FORMAT, off,
			    "name is not NUL-terminated at its size");
	name_end = name_off + namesize;
	pad = pad4(name_end);

	if (namesize == sizeof(trailer) &&
	    memcmp(name, trailer, namesize) == 0) {
		/* Some writers stop right after the trailer's name. */
		*offset = len - name_end < pad ? len : name_end + pad;
		return 0;
	}

	if (len - name_end < pad)
		return fail(err, E_TRUNC, off, "archive ends inside padding");
	data_off = name_end + pad;
	if (len - data_off < filesize)
		return fail(err, E_TRUNC, off, "archive ends inside file data");
	data_end = data_off + filesize;
	pad = pad4(data_end);
	if (len - data_end < pad)
		return fail(err, E_TRUNC, off, "archive ends inside padding");

	if (name[0] == '.' && name[1] == '/')
		name += 2;
	e->name = name;
	e->mode = f[F_MODE];
	e->data = a + data_off;
	e->size = filesize;
	*offset = data_end + pad;
	return 1;
}

/* path without one leading "/" or "./", the forms that mean the root. */
static const char *strip_root(const char *path)
{
	if (path[0] == '/')
		return path + 1;
	if (path[0] == '.' && path[1] == '/')
		return path + 2;
	return path;
}

int cpio_find(const void *archive, size_t len, const char *path,
	      struct cpio_entry *e, struct cpio_error *err)
{
	struct cpio_entry cur;
	size_t off = 0;
	int rc;

	path = strip_root(path);
	while ((rc = cpio_next(archive, len, &off, &cur, err)) > 0) {
		if ((cur.mode & CPIO_MODE_TYPE) != CPIO_MODE_REG)
			continue;
		if (strcmp(strip_root(cur.name), path) == 0) {
			*e = cur;
			return 0;
		}
	}
	if (rc == 0)
		return fail(err, E_NOENT, off, "no such regular file");
	return rc;
}
