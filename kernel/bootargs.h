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

#endif
