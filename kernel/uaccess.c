// SPDX-License-Identifier: MIT
/* Checked copies between kernel and user memory; see uaccess.h. */
#include "kernel/uaccess.h"

#include "arch/riscv/memlayout.h"
#include "arch/riscv/pte.h"
#include "arch/riscv/uvm.h"
#include "kernel/domain.h"
#include "kernel/lib/string.h"
#include <rivet/errno.h>

/* Walks [uva, uva+len) page by page, calling fn on each piece. */
static int user_walk(const struct domain *d, uint64_t uva, size_t len,
		     uint64_t need, uint8_t *kbuf, int to_user)
{
	if (uva + len < uva || uva + len > RIVET_USER_TOP)
		return E_RANGE;
	while (len) {
		uint64_t pa, perm, off = uva & (PAGE_SIZE - 1);
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;

		if (uvm_lookup(d, uva, &pa, &perm) || (perm & need) != need)
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
