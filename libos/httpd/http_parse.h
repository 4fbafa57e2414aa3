/* SPDX-License-Identifier: MIT */
/*
 * The HTTP/1.x request parser of libos/httpd: the request line and the
 * header fields of one request (RFC 9112), nothing else. It reads only
 * the bytes it is given, keeps no state between calls and allocates
 * nothing, so it builds on the host too (tests/fuzz/fuzz_http.c).
 */
#ifndef HTTPD_HTTP_PARSE_H
#define HTTPD_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

enum http_method {
	HTTP_GET,
	HTTP_HEAD
};

struct http_req {
	enum http_method method;
	const char *path; /* into the buffer; the query ("?...") left out */
	size_t path_len;
	int minor;	 /* HTTP/1.minor: 0 or 1 */
	bool keep_alive; /* the connection stays open afterwards */
	size_t len;	 /* bytes of the request, final CRLF included */
};

/* Results below zero: the status to answer with (and close). */
#define HTTP_INCOMPLETE 0
#define HTTP_E_BAD	(-400) /* malformed */
#define HTTP_E_TOO_BIG	(-431) /* no end of the header within the limit */
#define HTTP_E_METHOD	(-501) /* a well-formed method other than GET/HEAD */
#define HTTP_E_VERSION	(-505) /* HTTP/2 and up, or HTTP/0.x */

/*
 * Parses the request at the start of buf[0..len). limit is the largest
 * request accepted. Returns the request's length (> 0) with r filled;
 * HTTP_INCOMPLETE if more bytes may complete it (len < limit); or one of
 * the HTTP_E_* codes. A request with a body (Content-Length other than 0,
 * or Transfer-Encoding) is HTTP_E_BAD: GET and HEAD take none here.
 */
long http_parse(const char *buf, size_t len, size_t limit, struct http_req *r);

#endif
