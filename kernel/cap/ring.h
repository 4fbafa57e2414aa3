/* SPDX-License-Identifier: MIT */
/* SYS_ring_setup and SYS_ring_submit: the submission ring; see ring.c. */
#ifndef KERNEL_CAP_RING_H
#define KERNEL_CAP_RING_H

#include <stdint.h>

struct domain;

/*
 * Names d's ring: n entries (a power of two, 1..RIVET_RING_MAX) at va,
 * RIVET_RING_BYTES(n) bytes of d's readable RAM with a writable header,
 * which is zeroed; the kernel's count starts at 0. va = n = 0: no ring.
 * E_INVAL bad n; E_RANGE va not page-aligned or the memory not d's.
 */
long ring_setup_sys(struct domain *d, uint64_t va, uint64_t n);

/*
 * Runs up to max queued entries of d's ring (ring_consume.h): 0 with
 * *val = entries consumed; E_NOENT no ring; E_INVAL max 0; E_RANGE
 * counters out of range or the ring not readable / writable any more
 * (the header's sq_head says what was consumed, if it can be written).
 * May return SYSCALL_RESTART (bounded kernel time).
 */
long ring_submit_sys(struct domain *d, uint64_t max, uint64_t *val);

#endif
