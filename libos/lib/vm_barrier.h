/* SPDX-License-Identifier: MIT */
/*
 * The write barrier's range, shared by vmprotect.c (which sets it) and
 * vm.c (whose fault handler looks at it): a store fault outside it is
 * no barrier's, and most store faults are demand faults, which skip the
 * call to vm_barrier_fault this way. Not part of the API.
 */
#ifndef LIBOS_VM_BARRIER_H
#define LIBOS_VM_BARRIER_H

#include <stdbool.h>
#include <stdint.h>

/* [lo, lo + size) while a barrier is on; both 0 when none is. The size,
 * not the end: the test is one subtraction and one compare. */
extern uintptr_t vm_barrier_lo, vm_barrier_size;

static inline bool vm_barrier_covers(uintptr_t va)
{
	return va - vm_barrier_lo < vm_barrier_size;
}

#endif
