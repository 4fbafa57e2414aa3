// SPDX-License-Identifier: MIT
/* The files under /www/ in the initramfs (www.h). */
#include "www.h"

#include <string.h>

#include <rivet/errno.h>
#include <rivet/initramfs.h>

int www_load(struct www_file *files, unsigned max, unsigned *n)
{
	const uint8_t *archive;
	struct rivet_file f;
	size_t off = 0, archive_size;
	int rc = rivet_initramfs(&archive, &archive_size);

	*n = 0;
	if (rc)
		return rc;
	while (*n < max && (rc = rivet_file_next(&off, &f)) > 0) {
		if (strncmp(f.name, WWW_DIR, strlen(WWW_DIR)) != 0 ||
		    !f.name[strlen(WWW_DIR)])
			continue;
		files[*n].path = f.name + strlen(WWW_DIR) - 1;
		files[*n].data = f.data;
		files[(*n)++].len = f.size;
	}
	return rc < 0 ? rc : 0;
}
