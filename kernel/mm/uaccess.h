/* SPDX-License-Identifier: MIT */
/*
 * The only way the kernel touches user memory: every page is looked up in
 * the domain's own page table and must be user-accessible with the right
 * permission and be a RAM frame (never a device's registers, which a
 * domain may map with a device capability), then read or written through
 * the direct map. A bad pointer is an error code, never a kernel fault.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stddef.h>
#include <stdint.h>

struct domain;

/* Returns 0 or E_RANGE if any byte is not readable by the domain. */
int copy_from_user(const struct domain *d, void *dst, uint64_t uva, size_t len);
/* Returns 0 or E_RANGE if any byte is not readable; copies nothing. */
int user_readable(const struct domain *d, uint64_t uva, size_t len);
/* Returns 0 or E_RANGE if any byte is not writable by the domain. */
int copy_to_user(const struct domain *d, uint64_t uva, const void *src,
		 size_t len);

#endif
