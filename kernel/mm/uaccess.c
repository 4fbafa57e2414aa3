// SPDX-License-Identifier: MIT
/* Checked copies between kernel and user memory; see uaccess.h. */
#include "kernel/mm/uaccess.h"

#include "kernel/arch.h"
#include "kernel/sched/domain.h"
#include "kernel/mm/frame.h"
#include "kernel/lib/string.h"
#include "kernel/mm/mem.h"
#include <rivet/errno.h>

/*
 * Is the frame at pa memory the kernel may copy to or from for a domain?
 * Only RAM frames handed out to domains (or the kernel's shared pages,
 * which the frame table also marks allocated). A user page can also be a
 * device's registers (a device capability mapped): the direct map has no
 * entry for them, and a copy through it would fault in the kernel; even
 * where it had one, a read or write would have side effects on the device
 * on the caller's behalf. So those are refused like unmapped memory.
 */
static bool user_frame_is_ram(uint64_t pa)
{
	return frame_state_of(mem_frames(), pa) == FRAME_ALLOCATED;
}

/*
 * Walks [uva, uva+len) page by page: each page must be mapped for d with
 * the permissions in need and be RAM (user_frame_is_ram). Copies to or
 * from kbuf unless it is NULL. Returns 0 or E_RANGE; on E_RANGE part of
 * the copy may have been done (callers check first when that matters).
 */
static int user_walk(const struct domain *d, uint64_t uva, size_t len,
		     uint64_t need, uint8_t *kbuf, int to_user)
{
	if (uva + len < uva || uva + len > RIVET_USER_TOP)
		return E_RANGE;
	while (len) {
		uint64_t pa, perm, off = uva & (PAGE_SIZE - 1);
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;

		if (uvm_lookup(&d->as, uva, &pa, &perm) ||
		    (perm & need) != need || !user_frame_is_ram(pa))
			return E_RANGE;
		if (kbuf) { /* NULL: a check only */
			if (to_user)
				memcpy(phys_to_virt(pa), kbuf, n);
			else
				memcpy(kbuf, phys_to_virt(pa), n);
			kbuf += n;
		}
		uva += n;
		len -= n;
	}
	return 0;
}

int copy_from_user(const struct domain *d, void *dst, uint64_t uva, size_t len)
{
	return user_walk(d, uva, len, PTE_R, dst, 0);
}

int copy_to_user(const struct domain *d, uint64_t uva, const void *src,
		 size_t len)
{
	return user_walk(d, uva, len, PTE_R | PTE_W, (uint8_t *)src, 1);
}

int user_readable(const struct domain *d, uint64_t uva, size_t len)
{
	return user_walk(d, uva, len, PTE_R, 0, 0);
}

void *user_page_kva(const struct domain *d, uint64_t uva, bool write)
{
	uint64_t pa, perm, need = write ? PTE_R | PTE_W : PTE_R;

	if (uva >= RIVET_USER_TOP || uvm_lookup(&d->as, uva, &pa, &perm) ||
	    (perm & need) != need || !user_frame_is_ram(pa))
		return 0;
	return phys_to_virt(pa); /* pa: uva's byte, not its page */
}
