/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_MM_PROTECT_H
#define KERNEL_MM_PROTECT_H

#include <stdint.h>

struct domain;

/*
 * SYS_protect: sets the rights of d's own 4 KiB mappings [va, va + npages
 * pages) to rights (RIVET_CAP_R/W/X, or 0 for no access), each at most
 * the rights it was mapped with, which map checked against the
 * capability. All pages or none; one TLB flush for the range. The
 * arguments in the system call's order, d last (kernel/syscall.h,
 * SYSCALL_PARAMS), so its handler passes them on as they came.
 */
long protect_sys(uint64_t va, uint64_t npages, uint64_t rights,
		 struct domain *d);

#endif
