/* SPDX-License-Identifier: MIT */
/*
 * Boot arguments from /chosen/bootargs: space-separated words, each
 * "key=value" or a bare "key". Pure, host-testable.
 */
#ifndef KERNEL_BOOTARGS_H
#define KERNEL_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Finds key and copies its value into val (size bytes, terminated; "" for
 * a bare key). Returns true if the key is present; the last occurrence
 * wins, as on Linux.
 */
bool bootargs_get(const char *args, const char *key, char *val, size_t size);

/* Reads key as a decimal number in [min, max]; false if absent or bad. */
bool bootargs_get_uint(const char *args, const char *key, unsigned long min,
		       unsigned long max, unsigned long *out);

/* Reads s as a decimal number in [min, max]; false (out untouched) if not. */
bool bootargs_parse_uint(const char *s, unsigned long min, unsigned long max,
			 unsigned long *out);

/* Words under this prefix are Rivet's: an unknown one is a mistake. */
#define BOOTARGS_PREFIX "rivet."

/* A boot argument the kernel takes. */
struct bootarg_key {
	const char *key;     /* "loglevel" */
	const char *accepts; /* its values, for the warning: "0..7" */
	/* True if value ("" for key=) is acceptable; NULL takes any value. */
	bool (*valid)(const char *value);
};

#define BOOTARGS_REPORT_LEN 160

/*
 * The words of the boot arguments the kernel does not take, space
 * separated, cut with "..." when they do not fit (the counts are whole).
 */
struct bootargs_report {
	char bad[BOOTARGS_REPORT_LEN];	   /* meant for Rivet, but wrong */
	char foreign[BOOTARGS_REPORT_LEN]; /* for someone else */
	unsigned nbad, nforeign;
};

/*
 * Sorts every word of args against keys[0..n). Bad: a known key without
 * a value or with one valid() refuses, an unknown key under
 * BOOTARGS_PREFIX, or a word whose key is one or two edits from a known
 * key (logleve=7). Foreign: any other word, left to the loader or another
 * OS (console=ttyS0 earlycon root=... from a board's U-Boot environment).
 */
void bootargs_check(const char *args, const struct bootarg_key *keys,
		    unsigned n, struct bootargs_report *r);

/* Writes "key=accepts ..." for keys[0..n) into buf (size bytes). */
void bootargs_accepted(const struct bootarg_key *keys, unsigned n, char *buf,
		       size_t size);

#endif
