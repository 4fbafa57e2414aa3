// SPDX-License-Identifier: MIT
/* Boot argument lookup; see bootargs.h. */
#include "kernel/bootargs.h"

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

bool bootargs_get_uint(const char *args, const char *key, unsigned long min,
		       unsigned long max, unsigned long *out)
{
	char buf[24];
	unsigned long v = 0;
	const char *p;

	if (!bootargs_get(args, key, buf, sizeof(buf)) || !buf[0])
		return false;
	/* A value that fills buf may have been cut: never judge a prefix. */
	if (strlen(buf) >= sizeof(buf) - 1)
		return false;
	for (p = buf; *p; p++) {
		unsigned long d = (unsigned long)(*p - '0');

		if (*p < '0' || *p > '9')
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
