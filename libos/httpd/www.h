/* SPDX-License-Identifier: MIT */
/*
 * The files httpd serves. A libOS cannot read the initramfs yet (no
 * system call gives a domain its files), so the build links them into
 * the image instead: scripts/mkwww turns the www folder into an
 * assembly table of .incbin'd files (docs/net.md).
 */
#ifndef HTTPD_WWW_H
#define HTTPD_WWW_H

#include <stdint.h>

struct www_file {
	const char *path; /* "/index.html" */
	const uint8_t *data;
	uint64_t len;
};

extern const struct www_file www_files[];
extern const uint64_t www_nfiles;

#endif
