// SPDX-License-Identifier: MIT
/* Freestanding memory and string routines for the kernel. */
#include "kernel/lib/string.h"

#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Words when both sides line up: ELF loading and user copies. */
	if (!(((uintptr_t)d | (uintptr_t)s) & 7)) {
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			((uint64_t *)d)[0] = ((const uint64_t *)s)[0];
			((uint64_t *)d)[1] = ((const uint64_t *)s)[1];
			((uint64_t *)d)[2] = ((const uint64_t *)s)[2];
			((uint64_t *)d)[3] = ((const uint64_t *)s)[3];
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)d = *(const uint64_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	/* Word stores for the bulk: page clearing is on the boot path. */
	while (n && ((uintptr_t)d & 7)) {
		*d++ = (unsigned char)c;
		n--;
	}
	if (n >= 8) {
		uint64_t w = (unsigned char)c * 0x0101010101010101ULL;
		/* Eight stores a turn: zeroing a page is on the fault path. */
		for (; n >= 64; n -= 64, d += 64) {
			((uint64_t *)d)[0] = w;
			((uint64_t *)d)[1] = w;
			((uint64_t *)d)[2] = w;
			((uint64_t *)d)[3] = w;
			((uint64_t *)d)[4] = w;
			((uint64_t *)d)[5] = w;
			((uint64_t *)d)[6] = w;
			((uint64_t *)d)[7] = w;
		}
		for (; n >= 8; n -= 8, d += 8)
			*(uint64_t *)d = w;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
