/* SPDX-License-Identifier: MIT */
/*
 * The files httpd serves: the regular files under /www/ in the
 * initramfs, which the kernel maps read-only into the domain
 * (`initramfs = yes` in its configuration; docs/net.md). They are
 * served where they lie, by reference: nothing is copied.
 */
#ifndef HTTPD_WWW_H
#define HTTPD_WWW_H

#include <stdint.h>

#define WWW_DIR "www/" /* in the archive, which names no leading "/" */

struct www_file {
	const char *path; /* "/index.html": the name after "www" */
	const uint8_t *data;
	uint64_t len;
};

/*
 * Fills files[0..max-1] with the files under /www/, in archive order,
 * and *n with how many. Returns 0, E_NOENT when the domain has no
 * initramfs, or the error of a corrupt archive (the files found before
 * the bad entry are kept in files and *n).
 */
int www_load(struct www_file *files, unsigned max, unsigned *n);

#endif
