/* SPDX-License-Identifier: MIT */
/*
 * The request parser: find the end of the header (CRLF CRLF), then walk
 * the request line and each field line once, checking every byte
 * against the grammar's character classes. Anything not in the grammar
 * is a 400; the server then closes the connection, so a parse error
 * never has to resynchronise.
 */
#include <string.h>

#include "http_parse.h"

/* tchar of RFC 9110 5.6.2: the characters of a method or field name. */
static bool is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Bytes allowed in a request target: visible ASCII. */
static bool is_vchar(char c)
{
	return c > 0x20 && c < 0x7f;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Is [s, s+n) equal to the lower-case word w, ignoring case? */
static bool eq_nocase(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(s[i]) != w[i])
			return false;
	return true;
}

/* Does the comma-separated list [v, v+n) hold the token w? */
static bool list_has(const char *v, size_t n, const char *w)
{
	size_t i = 0, start, end;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (end > start && eq_nocase(v + start, end - start, w))
			return true;
	}
	return false;
}

/* The end of the header block: the index just past CRLF CRLF, or 0. */
static size_t header_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 3; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\r' &&
		    buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return i + 1;
	return 0;
}

/* The request line: METHOD SP target SP HTTP/1.d CRLF. Returns its
 * length with CRLF, or an HTTP_E_* code. */
static long request_line(const char *b, size_t n, struct http_req *r)
{
	size_t i = 0, m, t0;

	while (i < n && is_tchar(b[i]))
		i++;
	m = i;
	if (m == 0 || i >= n || b[i] != ' ')
		return HTTP_E_BAD;
	i++;
	t0 = i;
	while (i < n && is_vchar(b[i]))
		i++;
	if (i == t0 || i >= n || b[i] != ' ' || b[t0] != '/')
		return HTTP_E_BAD;
	r->path = b + t0;
	r->path_len = i - t0;
	i++;
	if (n - i < 10 || memcmp(b + i, "HTTP/", 5) != 0 || b[i + 5] < '0' ||
	    b[i + 5] > '9' || b[i + 6] != '.' || b[i + 7] < '0' ||
	    b[i + 7] > '9' || b[i + 8] != '\r' || b[i + 9] != '\n')
		return HTTP_E_BAD;
	if (b[i + 5] != '1')
		return HTTP_E_VERSION;
	r->minor = b[i + 7] - '0';
	if (m == 3 && memcmp(b, "GET", 3) == 0)
		r->method = HTTP_GET;
	else if (m == 4 && memcmp(b, "HEAD", 4) == 0)
		r->method = HTTP_HEAD;
	else
		return HTTP_E_METHOD;
	/* The query is not part of the file's name. */
	for (m = 0; m < r->path_len; m++)
		if (r->path[m] == '?')
			r->path_len = m;
	return (long)(i + 10);
}

long http_parse(const char *buf, size_t len, size_t limit, struct http_req *r)
{
	size_t end, i, name, colon, v0, v1;
	bool host = false, close = false, keep = false;
	long rc;

	if (len > limit)
		len = limit;
	end = header_end(buf, len);
	if (!end) {
		/* A line that cannot be a request line is refused early:
		 * no need to wait for the end of garbage. */
		for (i = 0; i < len && is_tchar(buf[i]); i++)
			;
		if (i < len && buf[i] != ' ')
			return HTTP_E_BAD;
		return len >= limit ? HTTP_E_TOO_BIG : HTTP_INCOMPLETE;
	}
	memset(r, 0, sizeof(*r));
	rc = request_line(buf, end, r);
	if (rc < 0)
		return rc;
	i = (size_t)rc;
	while (i < end - 2) {
		/* field-name ":" OWS field-value OWS CRLF */
		name = i;
		while (i < end && is_tchar(buf[i]))
			i++;
		if (i == name || i >= end || buf[i] != ':')
			return HTTP_E_BAD;
		colon = i++;
		while (buf[i] == ' ' || buf[i] == '\t')
			i++;
		v0 = i;
		while (i < end && buf[i] != '\r') {
			unsigned char c = (unsigned char)buf[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return HTTP_E_BAD;
			i++;
		}
		if (i + 1 >= end || buf[i + 1] != '\n')
			return HTTP_E_BAD;
		v1 = i;
		while (v1 > v0 && (buf[v1 - 1] == ' ' || buf[v1 - 1] == '\t'))
			v1--;
		i += 2;
		if (eq_nocase(buf + name, colon - name, "host")) {
			if (host)
				return HTTP_E_BAD; /* RFC 9112 3.2 */
			host = true;
		} else if (eq_nocase(buf + name, colon - name, "connection")) {
			close |= list_has(buf + v0, v1 - v0, "close");
			keep |= list_has(buf + v0, v1 - v0, "keep-alive");
		} else if (eq_nocase(buf + name, colon - name,
				     "content-length")) {
			if (v1 - v0 != 1 || buf[v0] != '0')
				return HTTP_E_BAD;
		} else if (eq_nocase(buf + name, colon - name,
				     "transfer-encoding")) {
			return HTTP_E_BAD;
		}
	}
	/* HTTP/1.1 requires Host (RFC 9112 3.2). */
	if (r->minor >= 1 && !host)
		return HTTP_E_BAD;
	r->keep_alive = r->minor >= 1 ? !close : keep && !close;
	r->len = end;
	return (long)end;
}
