// SPDX-License-Identifier: MIT
/*
 * libos/httpd's request parser on any bytes: it must never read past
 * what it is given (ASan), and what it reports must hold together: a
 * request's length within the input, a path inside the request starting
 * with '/', an error or "incomplete" otherwise, and the same answer for
 * the same bytes under a larger limit once the request is complete.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libos/httpd/http_parse.h"

#define LIMIT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees any read past the end. */
	char *buf = malloc(size ? size : 1);
	struct http_req r, r2;
	long n, n2;

	memcpy(buf, data, size);
	n = http_parse(buf, size, LIMIT, &r);
	assert(n <= (long)size && n <= LIMIT);
	if (n > 0) {
		assert((size_t)n == r.len);
		assert(r.path >= buf && r.path + r.path_len <= buf + n);
		assert(r.path_len >= 1 && r.path[0] == '/');
		assert(r.method == HTTP_GET || r.method == HTTP_HEAD);
		assert(r.minor >= 0 && r.minor <= 9);
		assert(memcmp(buf + n - 4, "\r\n\r\n", 4) == 0);
		n2 = http_parse(buf, size, LIMIT * 2, &r2);
		assert(n2 == n && r2.path == r.path &&
		       r2.path_len == r.path_len &&
		       r2.keep_alive == r.keep_alive);
	} else {
		assert(n == HTTP_INCOMPLETE || n == HTTP_E_BAD ||
		       n == HTTP_E_TOO_BIG || n == HTTP_E_METHOD ||
		       n == HTTP_E_VERSION);
		if (n == HTTP_E_TOO_BIG)
			assert(size >= LIMIT);
	}
	free(buf);
	return 0;
}
