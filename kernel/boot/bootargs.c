// SPDX-License-Identifier: MIT
/* Boot argument lookup; see bootargs.h. */
#include "kernel/boot/bootargs.h"

#include "kernel/lib/string.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

bool bootargs_get(const char *args, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	bool found = false;
	const char *p = args;

	while (p && *p) {
		const char *word, *end;

		while (is_space(*p))
			p++;
		word = p;
		while (*p && !is_space(*p))
			p++;
		end = p;
		if ((size_t)(end - word) < klen || strncmp(word, key, klen))
			continue;
		if (word + klen == end) {
			found = true;
			if (size)
				val[0] = '\0';
		} else if (word[klen] == '=') {
			size_t n = (size_t)(end - word - klen - 1);

			found = true;
			if (size) {
				if (n >= size)
					n = size - 1;
				memcpy(val, word + klen + 1, n);
				val[n] = '\0';
			}
		}
	}
	return found;
}

bool bootargs_parse_uint(const char *s, unsigned long min, unsigned long max,
			 unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned long d = (unsigned long)(*s - '0');

		if (*s < '0' || *s > '9')
			return false;
		if (v > (~0UL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool bootargs_get_uint(const char *args, const char *key, unsigned long min,
		       unsigned long max, unsigned long *out)
{
	char buf[24];

	if (!bootargs_get(args, key, buf, sizeof(buf)) || !buf[0])
		return false;
	/* A value that fills buf may have been cut: never judge a prefix. */
	if (strlen(buf) >= sizeof(buf) - 1)
		return false;
	return bootargs_parse_uint(buf, min, max, out);
}

/* Appends s (n bytes) to buf, cut with "..." once it would not fit. */
static void append(char *buf, size_t size, const char *s, size_t n)
{
	size_t len = strlen(buf);

	if (len >= 3 && !strcmp(buf + len - 3, "..."))
		return; /* already cut */
	if (len + (len ? 1 : 0) + n + 1 > size) {
		if (len && len + 5 <= size)
			memcpy(buf + len, " ...", 5);
		else if (len + 4 <= size)
			memcpy(buf + len, "...", 4);
		return;
	}
	if (len)
		buf[len++] = ' ';
	memcpy(buf + len, s, n);
	buf[len + n] = '\0';
}

/*
 * Edit distance between a (alen bytes) and b, or 3 if it is more than 2:
 * enough to tell a typo from another program's word. Keys longer than
 * 32 characters are never near.
 */
static unsigned near_distance(const char *a, size_t alen, const char *b)
{
	unsigned row[33], i, j, blen = (unsigned)strlen(b);

	if (alen > 32 || blen > 32)
		return 3;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		unsigned diag = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= blen; j++) {
			unsigned up = row[j];
			unsigned v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			best = v < best ? v : best;
		}
		if (best > 2)
			return 3;
	}
	return row[blen] > 2 ? 3 : row[blen];
}

/* True if the word (key klen bytes, value or NULL) is meant for Rivet. */
static bool word_is_bad(const char *key, size_t klen, const char *value,
			const struct bootarg_key *keys, unsigned n, bool *known)
{
	size_t plen = strlen(BOOTARGS_PREFIX);
	unsigned i;

	*known = false;
	for (i = 0; i < n; i++) {
		if (strlen(keys[i].key) != klen ||
		    strncmp(keys[i].key, key, klen))
			continue;
		*known = true;
		return !value || (keys[i].valid && !keys[i].valid(value));
	}
	if (klen >= plen && !strncmp(key, BOOTARGS_PREFIX, plen))
		return true;
	for (i = 0; i < n; i++)
		if (near_distance(key, klen, keys[i].key) <= 2)
			return true;
	return false;
}

void bootargs_check(const char *args, const struct bootarg_key *keys,
		    unsigned n, struct bootargs_report *r)
{
	const char *p = args;

	r->bad[0] = r->foreign[0] = '\0';
	r->nbad = r->nforeign = 0;
	while (p && *p) {
		const char *word, *end, *eq;
		char value[BOOTARGS_REPORT_LEN];
		size_t klen;
		bool known, cut;

		while (is_space(*p))
			p++;
		word = p;
		while (*p && !is_space(*p))
			p++;
		end = p;
		if (word == end)
			break;
		eq = memchr(word, '=', (size_t)(end - word));
		klen = (size_t)((eq ? eq : end) - word);
		/* A value too long for value[] is wrong for every key: it
		 * counts as missing, so a known key with it is bad. */
		cut = eq && (size_t)(end - eq - 1) >= sizeof(value);
		if (eq && !cut) {
			memcpy(value, eq + 1, (size_t)(end - eq - 1));
			value[end - eq - 1] = '\0';
		}
		if (word_is_bad(word, klen, eq && !cut ? value : NULL, keys, n,
				&known)) {
			append(r->bad, sizeof(r->bad), word,
			       (size_t)(end - word));
			r->nbad++;
		} else if (!known) {
			append(r->foreign, sizeof(r->foreign), word,
			       (size_t)(end - word));
			r->nforeign++;
		}
	}
}

void bootargs_accepted(const struct bootarg_key *keys, unsigned n, char *buf,
		       size_t size)
{
	unsigned i;

	if (!size)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		char one[64];
		size_t k = strlcpy(one, keys[i].key, sizeof(one));

		if (k + 1 < sizeof(one)) {
			one[k] = '=';
			strlcpy(one + k + 1, keys[i].accepts,
				sizeof(one) - k - 1);
		}
		append(buf, size, one, strlen(one));
	}
}
