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

#include <stdbool.h>
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

/*
 * Where the byte at uva is in the kernel's direct map, if d may read it
 * (write: and write it) under the same rules as the copies; NULL if not.
 * Valid up to the end of uva's page, while nothing unmaps that page: for
 * a call that reads or writes much of one page in place (map_batch's
 * entries, the ring's), under the big kernel lock, and that unmaps
 * nothing meanwhile. The domain's other harts may still change the bytes
 * at any time: read each word once (volatile).
 */
void *user_page_kva(const struct domain *d, uint64_t uva, bool write);

#endif
