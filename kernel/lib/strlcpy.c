// SPDX-License-Identifier: MIT
/*
 * strlcpy() for the kernel and for host builds of the pure modules (glibc
 * before 2.38 has none). Kept apart from string.c so that the host tools
 * can link it without the kernel's other string routines clashing with libc.
 */
#include "kernel/lib/string.h"

/* Copies at most size-1 bytes of src into dst, terminates it if size > 0,
 * and returns strlen(src) so callers can detect truncation. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	size_t n;

	if (size != 0) {
		n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
